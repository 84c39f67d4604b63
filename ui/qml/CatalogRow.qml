// One catalog model: what it is, its licence and chat template, and each
// variant with its download size, the memory it needs at the chosen context
// and whether that fits this computer; Download per variant.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

Rectangle {
    id: row
    required property var modelData
    signal download(string modelId, int variantIndex)

    function formatParameters(n) {
        if (!n || n <= 0) return ""
        if (n >= 1e9) return (n / 1e9).toFixed(n >= 1e10 ? 0 : 1) + "B"
        return Math.round(n / 1e6) + "M"
    }
    function fitText(v) {
        const need = qsTr("needs ~%1").arg(appSettings.formatBytes(v.memoryNeeded))
        if (v.fitVerdict === "fits_gpu") return qsTr("Fits on the GPU, %1").arg(need)
        if (v.fitVerdict === "cpu_only") return qsTr("Fits in RAM, %1").arg(need)
        return qsTr("Does not fit, %1").arg(need)
    }

    objectName: "catalogRow"
    implicitHeight: column.implicitHeight + 24
    radius: Theme.radius
    color: Theme.surface
    border.color: Theme.border

    ColumnLayout {
        id: column
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.top: parent.top
        anchors.margins: 12
        anchors.leftMargin: 16
        spacing: 4
        RowLayout {
            Layout.fillWidth: true
            spacing: 8
            Text {
                text: row.modelData.name
                color: Theme.text
                font.pixelSize: Theme.fontSize
                font.weight: Font.DemiBold
            }
            Badge { text: row.modelData.license }
            Badge { visible: row.modelData.chatTemplate.length > 0 && row.modelData.chatTemplate !== "raw"; text: qsTr("chat: %1").arg(row.modelData.chatTemplate) }
            Item { Layout.fillWidth: true }
            Text {
                text: row.modelData.repo
                color: Theme.textFaint
                font.pixelSize: Theme.smallSize
                font.family: Theme.monoFamily
            }
        }
        Text {
            Layout.fillWidth: true
            text: [row.formatParameters(row.modelData.parameters) + " parameters", row.modelData.architecture,
                   row.modelData.contextLength > 0 ? row.modelData.contextLength + " tokens of context" : ""]
                  .filter(s => s.length > 0).join("  ·  ") + (row.modelData.description.length > 0 ? " — " + row.modelData.description : "")
            color: Theme.textMuted
            font.pixelSize: Theme.smallSize
            wrapMode: Text.Wrap
            maximumLineCount: 2
            elide: Text.ElideRight
        }
        Repeater {
            model: row.modelData.variants
            delegate: RowLayout {
                required property var modelData
                Layout.fillWidth: true
                spacing: 10
                Text {
                    Layout.preferredWidth: 150
                    text: modelData.quantization + " · " + modelData.format
                    color: Theme.text
                    font.pixelSize: Theme.smallSize + 1
                    font.family: Theme.monoFamily
                }
                Text {
                    Layout.preferredWidth: 90
                    text: (modelData.sizeApproximate ? "~" : "") + appSettings.formatBytes(modelData.sizeBytes)
                    color: Theme.text
                    font.pixelSize: Theme.smallSize + 1
                    horizontalAlignment: Text.AlignRight
                }
                Rectangle {
                    width: 8; height: 8; radius: 4
                    color: modelData.fitVerdict === "does_not_fit" ? Theme.danger : Theme.success
                }
                Text {
                    Layout.fillWidth: true
                    text: row.fitText(modelData)
                    color: modelData.fitVerdict === "does_not_fit" ? Theme.danger : Theme.textMuted
                    font.pixelSize: Theme.smallSize
                    elide: Text.ElideRight
                }
                FlatButton {
                    objectName: "catalogDownloadButton"
                    visible: modelData.downloadable
                    text: qsTr("Download")
                    implicitHeight: 26
                    onClicked: row.download(row.modelData.id, modelData.index)
                }
                Text {
                    visible: !modelData.downloadable
                    text: qsTr("quantize after download")
                    color: Theme.textFaint
                    font.pixelSize: Theme.smallSize
                    ToolTip.visible: hoverQ.hovered
                    ToolTip.text: qsTr("Made on this computer from the F16 download with `neox quantize`.")
                    HoverHandler { id: hoverQ }
                }
            }
        }
    }
}
