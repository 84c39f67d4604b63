// The model's state under the top bar: a progress bar with Cancel while it
// loads, the error (and the way out) when it failed, a prompt when none is chosen.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import NeoxStudio.Native

Item {
    id: root
    signal chooseModel()
    implicitHeight: loading.visible ? loading.implicitHeight : failed.visible ? failed.implicitHeight
                  : none.visible ? none.implicitHeight : fallback.visible ? fallback.implicitHeight : 0

    Rectangle {
        id: loading
        objectName: "modelLoading"
        visible: models.status === ModelController.Loading
        anchors.left: parent.left
        anchors.right: parent.right
        implicitHeight: 48
        color: Theme.accentSoft
        RowLayout {
            anchors.fill: parent
            anchors.leftMargin: 20
            anchors.rightMargin: 14
            spacing: 14
            Text {
                text: models.phase
                color: Theme.text
                font.pixelSize: Theme.scaled(13)
                Layout.preferredWidth: 260
                elide: Text.ElideRight
            }
            ProgressBar {
                id: bar
                Layout.fillWidth: true
                value: models.progress
                background: Rectangle { implicitHeight: 6; radius: 3; color: Theme.border }
                contentItem: Item {
                    Rectangle {
                        width: bar.visualPosition * parent.width
                        height: parent.height
                        radius: 3
                        color: Theme.accent
                    }
                }
            }
            Text {
                text: Math.round(models.progress * 100) + "%"
                color: Theme.textMuted
                font.pixelSize: Theme.scaled(12)
            }
            FlatButton {
                objectName: "cancelLoadButton"
                text: qsTr("Cancel")
                onClicked: models.cancelLoad()
            }
        }
    }

    Banner {
        id: failed
        objectName: "modelErrorBanner"
        anchors.left: parent.left
        anchors.right: parent.right
        visible: models.status === ModelController.Failed
        kind: "error"
        message: qsTr("This model could not be loaded. %1").arg(models.error)
        actionText: qsTr("Choose another…")
        secondaryText: qsTr("Dismiss")
        onAction: root.chooseModel()
        onSecondary: models.dismissError()
    }

    Banner {
        id: none
        anchors.left: parent.left
        anchors.right: parent.right
        visible: models.status === ModelController.None
        kind: "info"
        message: qsTr("No model is loaded. Choose a GGUF file or a Hugging Face model folder to start chatting.")
        actionText: qsTr("Choose model…")
        onAction: root.chooseModel()
    }

    // A GPU backend was asked for (or chosen automatically) but could not run
    // the model: it runs on the CPU, and the user should know why.
    Banner {
        id: fallback
        objectName: "deviceFallbackBanner"
        anchors.left: parent.left
        anchors.right: parent.right
        visible: models.status === ModelController.Ready && models.deviceWarning.length > 0
        kind: "warning"
        message: qsTr("The GPU is not used: %1").arg(models.deviceWarning)
        secondaryText: qsTr("Dismiss")
        onSecondary: models.dismissDeviceWarning()
    }
}
