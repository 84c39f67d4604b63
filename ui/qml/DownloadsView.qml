// The Downloads tab: "Download from URL" (any http(s) file, optional
// SHA-256) and the queue, newest last.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

ColumnLayout {
    id: view
    spacing: 12
    property string urlError: ""

    Rectangle {
        Layout.fillWidth: true
        implicitHeight: form.implicitHeight + 28
        radius: Theme.radius
        color: Theme.surface
        border.color: Theme.border
        ColumnLayout {
            id: form
            anchors.left: parent.left
            anchors.right: parent.right
            anchors.top: parent.top
            anchors.margins: 14
            spacing: 8
            Text {
                text: qsTr("Download from URL")
                color: Theme.text
                font.pixelSize: Theme.fontSize
                font.weight: Font.DemiBold
            }
            RowLayout {
                Layout.fillWidth: true
                spacing: 8
                ThemedTextField {
                    id: urlField
                    objectName: "downloadUrlField"
                    Layout.fillWidth: true
                    placeholderText: qsTr("https://huggingface.co/…/resolve/main/model.Q4_K_M.gguf")
                    onAccepted: startButton.clicked()
                }
                ThemedTextField {
                    id: shaField
                    objectName: "downloadShaField"
                    Layout.preferredWidth: 220
                    placeholderText: qsTr("SHA-256 (optional)")
                }
                FlatButton {
                    id: startButton
                    objectName: "downloadUrlButton"
                    text: qsTr("Download")
                    primary: true
                    enabled: urlField.text.trim().length > 0
                    onClicked: {
                        view.urlError = downloads.downloadUrl(urlField.text, shaField.text)
                        if (view.urlError.length === 0) { urlField.text = ""; shaField.text = "" }
                    }
                }
            }
            Text {
                Layout.fillWidth: true
                text: view.urlError.length > 0 ? view.urlError
                                               : qsTr("Saved in %1. Interrupted downloads resume where they stopped, also after a restart.").arg(appSettings.appModelsFolder)
                color: view.urlError.length > 0 ? Theme.danger : Theme.textMuted
                font.pixelSize: Theme.smallSize
                wrapMode: Text.Wrap
            }
        }
    }

    Text {
        visible: downloads.list.count === 0
        text: qsTr("No downloads yet. The catalog tab lists models to download.")
        color: Theme.textMuted
        font.pixelSize: Theme.smallSize + 1
    }

    Repeater {
        model: downloads.list
        delegate: DownloadRow { Layout.fillWidth: true }
    }
}
