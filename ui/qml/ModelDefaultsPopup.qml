// A model's own default settings, applied whenever it loads (over the
// Settings page's): context length, GPU layers and CPU threads.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

Popup {
    id: popup
    property string modelName: ""
    property string modelPath: ""
    property string error: ""
    readonly property var sizes: [0, 512, 1024, 2048, 4096, 8192, 16384, 32768]

    function edit(name, path) {
        modelName = name
        modelPath = path
        error = ""
        const d = modelLibrary.modelDefaults(path)
        contextBox.currentIndex = Math.max(0, sizes.indexOf(d.contextLength))
        gpuSpin.value = d.gpuLayers
        threadsSpin.value = d.threads
        open()
    }

    modal: true
    focus: true
    anchors.centerIn: Overlay.overlay
    width: 440
    padding: 20
    background: Rectangle { radius: Theme.radiusLarge; color: Theme.raised; border.color: Theme.border }
    Overlay.modal: Rectangle { color: Theme.dark ? "#99000000" : "#55000000" }

    contentItem: ColumnLayout {
        spacing: 12
        Text {
            Layout.fillWidth: true
            text: qsTr("Defaults for %1").arg(popup.modelName)
            color: Theme.text
            font.pixelSize: Theme.titleSize
            font.weight: Font.DemiBold
            elide: Text.ElideRight
        }
        Text {
            Layout.fillWidth: true
            text: qsTr("Used whenever this model loads, over the Settings page's.")
            color: Theme.textMuted
            font.pixelSize: Theme.smallSize
            wrapMode: Text.Wrap
        }
        SettingRow {
            label: qsTr("Context length")
            ThemedComboBox {
                id: contextBox
                objectName: "modelContextBox"
                width: 160
                model: popup.sizes.map(n => n === 0 ? qsTr("App default") : n + qsTr(" tokens"))
            }
        }
        SettingRow {
            label: qsTr("GPU layers")
            ThemedSpinBox { id: gpuSpin; from: -1; to: 200; specialText: ({ "-1": qsTr("App default") }) }
        }
        SettingRow {
            label: qsTr("CPU threads")
            ThemedSpinBox { id: threadsSpin; from: 0; to: appSettings.maxThreads; specialText: ({ 0: qsTr("App default") }) }
        }
        Text {
            Layout.fillWidth: true
            visible: popup.error.length > 0
            text: popup.error
            color: Theme.danger
            font.pixelSize: Theme.smallSize
            wrapMode: Text.Wrap
        }
        RowLayout {
            Layout.fillWidth: true
            Item { Layout.fillWidth: true }
            FlatButton { text: qsTr("Cancel"); onClicked: popup.close() }
            FlatButton {
                objectName: "saveDefaultsButton"
                text: qsTr("Save")
                primary: true
                onClicked: {
                    popup.error = modelLibrary.setModelDefaults(popup.modelPath, {
                        contextLength: popup.sizes[contextBox.currentIndex],
                        gpuLayers: gpuSpin.value,
                        threads: threadsSpin.value
                    })
                    if (popup.error.length === 0) popup.close()
                }
            }
        }
    }
}
