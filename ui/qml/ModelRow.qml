// One model on the Models page: name, where it was found, what it is
// (architecture, parameters, quantization, size, context, licence, chat
// template), whether it fits at the chosen context, or why the engine cannot
// run it; Load, Quantize (F32/F16/BF16 models), Show in folder, Set as
// default, its defaults, Move to trash.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import NeoxStudio.Native

Rectangle {
    id: row
    required property int index
    required property string name
    required property string path
    required property string sourceLabel
    required property bool ownedByOtherApp
    required property string format
    required property string architecture
    required property var parameters
    required property string quantization
    required property var sizeBytes
    required property var contextLength
    required property string license
    required property string chatTemplate
    required property bool supported
    required property string unsupportedReason
    required property string fitVerdict
    required property var gpuLayers
    required property string fitSummary

    readonly property bool isDefault: appSettings.defaultModel === path
    readonly property bool isLoaded: models.path === path && models.status === ModelController.Ready
    readonly property bool isLoading: models.path === path && models.status === ModelController.Loading
    readonly property bool isQuantizing: quantizer.source === path
    // Bits per weight of each recipe's output, for the size shown in the menu.
    readonly property var recipeBits: ({"Q4_K_M": 4.85, "Q5_K_M": 5.69, "Q6_K": 6.56, "Q8_0": 8.5, "Q4_0": 4.5})
    signal askTrash(int row, string name, string path)
    signal askDefaults(int row, string name, string path)

    function formatParameters(n) {
        if (!n || n <= 0) return ""
        if (n >= 1e9) return (n / 1e9).toFixed(n >= 1e10 ? 0 : 1) + "B"
        if (n >= 1e6) return Math.round(n / 1e6) + "M"
        return Math.round(n / 1e3) + "K"
    }
    readonly property var facts: [architecture, formatParameters(parameters) + (parameters > 0 ? " params" : ""), quantization,
                                  appSettings.formatBytes(sizeBytes),
                                  contextLength > 0 ? Number(contextLength).toLocaleString(Qt.locale(), "f", 0) + " ctx" : "",
                                  license, chatTemplate.length > 0 ? "template: " + chatTemplate : ""].filter(s => s && s.length > 0)
    readonly property color fitColor: fitVerdict === "does_not_fit" ? Theme.danger
                                      : fitVerdict === "fits_gpu" || fitVerdict === "cpu_only" || fitVerdict === "partial_gpu" ? Theme.success
                                      : Theme.textMuted

    objectName: "modelRow"
    implicitHeight: content.implicitHeight + 24
    radius: Theme.radius
    color: hover.hovered ? Theme.hover : Theme.surface
    border.color: isLoaded ? Theme.accent : Theme.border
    HoverHandler { id: hover }

    RowLayout {
        id: content
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.verticalCenter: parent.verticalCenter
        anchors.leftMargin: 16
        anchors.rightMargin: 12
        spacing: 12

        ColumnLayout {
            Layout.fillWidth: true
            spacing: 4
            RowLayout {
                Layout.fillWidth: true
                spacing: 8
                Text {
                    objectName: "modelName"
                    Layout.fillWidth: implicitWidth > width
                    Layout.maximumWidth: implicitWidth
                    text: row.name
                    color: row.supported ? Theme.text : Theme.textMuted
                    font.pixelSize: Theme.fontSize
                    font.weight: Font.DemiBold
                    elide: Text.ElideRight
                }
                Badge { text: row.sourceLabel; objectName: "sourceBadge" }
                Badge { visible: row.isDefault; text: qsTr("Default"); fill: Theme.accentSoft; textColor: Theme.accent }
                Badge { visible: row.isLoaded; text: qsTr("Loaded"); fill: Theme.accentSoft; textColor: Theme.accent }
                Item { Layout.fillWidth: true }
            }
            Text {
                objectName: "modelFacts"
                Layout.fillWidth: true
                text: row.facts.join("  ·  ")
                color: Theme.textMuted
                font.pixelSize: Theme.smallSize
                elide: Text.ElideRight
            }
            RowLayout {
                Layout.fillWidth: true
                spacing: 6
                visible: row.supported
                Rectangle { width: 8; height: 8; radius: 4; color: row.fitColor }
                Text {
                    objectName: "fitSummary"
                    Layout.fillWidth: true
                    text: row.fitSummary + (row.fitVerdict === "partial_gpu" || row.fitVerdict === "fits_gpu"
                                            ? qsTr(" · %1 layers on the GPU").arg(row.gpuLayers) : "")
                    color: row.fitVerdict === "does_not_fit" ? Theme.danger : Theme.text
                    font.pixelSize: Theme.smallSize
                    wrapMode: Text.Wrap
                }
            }
            RowLayout {
                Layout.fillWidth: true
                spacing: 6
                visible: !row.supported
                Icon { name: "warning"; size: 14; color: Theme.danger }
                Text {
                    objectName: "unsupportedReason"
                    Layout.fillWidth: true
                    // The reason names the file; the path is on the line below.
                    text: qsTr("Cannot run: %1").arg(row.unsupportedReason.startsWith(row.path + ": ")
                                                     ? row.unsupportedReason.substring(row.path.length + 2)
                                                     : row.unsupportedReason)
                    color: Theme.danger
                    font.pixelSize: Theme.smallSize
                    wrapMode: Text.Wrap
                    maximumLineCount: 3
                    elide: Text.ElideRight
                }
            }
            Text {
                Layout.fillWidth: true
                text: row.path
                color: Theme.textFaint
                font.pixelSize: Theme.smallSize - 1
                font.family: Theme.monoFamily
                elide: Text.ElideMiddle
            }
            // While this model is being quantized: how far, and Cancel.
            RowLayout {
                Layout.fillWidth: true
                visible: row.isQuantizing
                spacing: 8
                Text {
                    objectName: "quantizeStatus"
                    text: qsTr("Quantizing to %1… %2%").arg(quantizer.recipe).arg(Math.round(quantizer.progress * 100))
                    color: Theme.textMuted
                    font.pixelSize: Theme.smallSize
                }
                Rectangle {
                    Layout.fillWidth: true
                    implicitHeight: 6
                    radius: 3
                    color: Theme.border
                    Rectangle {
                        objectName: "quantizeFill"
                        width: parent.width * Math.max(0, Math.min(1, quantizer.progress))
                        height: parent.height
                        radius: 3
                        color: Theme.accent
                    }
                }
                FlatButton {
                    objectName: "quantizeCancelButton"
                    text: qsTr("Cancel")
                    onClicked: quantizer.cancel()
                }
            }
        }

        RowLayout {
            Layout.alignment: Qt.AlignVCenter
            spacing: 2
            FlatButton {
                objectName: "loadButton"
                visible: row.supported
                text: row.isLoading ? qsTr("Loading…") : row.isLoaded ? qsTr("Loaded") : qsTr("Load")
                enabled: !row.isLoaded && !row.isLoading && row.fitVerdict !== "does_not_fit"
                primary: enabled
                onClicked: modelLibrary.load(row.index)
            }
            Item { width: 4; visible: quantizeButton.visible }
            FlatButton {
                id: quantizeButton
                objectName: "quantizeButton"
                visible: row.supported && quantizer.canQuantize(row.quantization)
                enabled: quantizer.source.length === 0
                text: qsTr("Quantize…")
                ToolTip.visible: hovered
                ToolTip.delay: 600
                ToolTip.text: enabled ? qsTr("Write a smaller quantized copy into the app's models folder")
                                      : qsTr("Another model is being quantized")
                onClicked: recipeMenu.popup(quantizeButton, 0, quantizeButton.height + 4)
                Menu {
                    id: recipeMenu
                    objectName: "recipeMenu"
                    Repeater {
                        model: quantizer.recipes
                        MenuItem {
                            required property string modelData
                            objectName: "recipe_" + modelData
                            text: row.parameters > 0
                                  ? qsTr("%1 (about %2)").arg(modelData)
                                        .arg(appSettings.formatBytes(row.parameters * row.recipeBits[modelData] / 8))
                                  : modelData
                            onTriggered: quantizer.start(row.path, modelData)
                        }
                    }
                }
            }
            Item { width: 6 }
            IconButton {
                objectName: "defaultButton"
                iconName: "pin"
                checked: row.isDefault
                tip: row.isDefault ? qsTr("The default model (loads at start)") : qsTr("Set as default (loads at start)")
                onClicked: modelLibrary.setDefault(row.index)
            }
            IconButton {
                objectName: "modelDefaultsButton"
                iconName: "sliders"
                tip: qsTr("This model's default settings")
                enabled: row.supported
                onClicked: row.askDefaults(row.index, row.name, row.path)
            }
            IconButton {
                objectName: "revealButton"
                iconName: "search"
                tip: qsTr("Show in the file manager")
                onClicked: modelLibrary.reveal(row.index)
            }
            IconButton {
                objectName: "trashButton"
                iconName: "trash"
                enabled: !row.ownedByOtherApp
                tip: row.ownedByOtherApp ? qsTr("Belongs to %1: remove it there").arg(row.sourceLabel)
                                         : qsTr("Move to the trash")
                onClicked: row.askTrash(row.index, row.name, row.path)
            }
        }
    }
}
