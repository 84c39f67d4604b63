// The chat's model in the top bar: a status dot and the name; click to choose
// another. With remote endpoints configured (Settings → Remote engines), the
// click opens a picker: the loaded local model, every remote model (marked
// with its endpoint's name) and "Choose a model file…"; without any, it goes
// straight to the file dialog (the chip's `clicked`).
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import NeoxStudio.Native

AbstractButton {
    id: chip
    objectName: "modelChip"
    hoverEnabled: true
    implicitHeight: 32
    implicitWidth: Math.min(row.implicitWidth + 24, 340)
    ToolTip.visible: area.containsMouse && !picker.visible
    ToolTip.delay: 600
    ToolTip.text: tip
    // The hover text: the model file and where it runs, or the remote endpoint.
    readonly property string tip: remote.remote ? qsTr("%1 on the remote endpoint “%2”").arg(remote.model).arg(remote.endpointName)
                : models.path.length > 0 ? models.path + (models.device.length > 0 ? "\n" + qsTr("Runs on %1").arg(models.device) : "")
                                             + (models.deviceWarning.length > 0 ? "\n" + models.deviceWarning : "")
                : qsTr("Choose a model")

    // The conversation's model when it is a remote one ({remote, model, endpointName, known}).
    readonly property var remote: {
        remoteEndpoints.pickerModels  // re-read when an endpoint is renamed or removed
        return remoteEndpoints.describe(chat.settings.modelPath)
    }
    readonly property color dot: remote.remote ? (remote.known ? Theme.success : Theme.danger)
                               : models.status === ModelController.Ready ? Theme.success
                               : models.status === ModelController.Loading ? Theme.accent
                               : models.status === ModelController.Failed ? Theme.danger : Theme.textFaint

    function choose() {
        if (remoteEndpoints.pickerModels.length === 0) chip.clicked()
        else picker.popup(0, chip.height + 4)
    }

    background: Rectangle {
        radius: 16
        color: area.containsMouse ? Theme.hover : Theme.surface
        border.color: Theme.border
    }
    contentItem: Item {
        RowLayout {
            id: row
            anchors.centerIn: parent
            width: Math.min(implicitWidth, chip.width - 24)
            spacing: 8
            Rectangle { width: 8; height: 8; radius: 4; color: chip.dot }
            Text {
                Layout.fillWidth: true
                text: chip.remote.remote ? chip.remote.model
                    : models.status === ModelController.None ? qsTr("Choose a model…")
                    : models.fileName
                color: Theme.text
                font.pixelSize: Theme.scaled(13)
                elide: Text.ElideMiddle
            }
            Rectangle {
                objectName: "remoteBadge"
                visible: chip.remote.remote
                implicitWidth: badgeText.implicitWidth + 12
                implicitHeight: badgeText.implicitHeight + 4
                radius: height / 2
                color: Theme.accentSoft
                Text {
                    id: badgeText
                    anchors.centerIn: parent
                    text: qsTr("remote · %1").arg(chip.remote.endpointName)
                    color: Theme.accent
                    font.pixelSize: Theme.scaled(11)
                    font.weight: Font.DemiBold
                }
            }
            Text {
                visible: !chip.remote.remote && models.status === ModelController.Ready && chat.templateName.length > 0
                text: chat.templateName
                color: Theme.textFaint
                font.pixelSize: Theme.scaled(11)
            }
            // Where the loaded model runs: the whole report on hover.
            Text {
                objectName: "deviceTag"
                visible: !chip.remote.remote && models.status === ModelController.Ready && models.device.length > 0
                text: /^(cuda|vulkan)/.test(models.device) ? qsTr("GPU") : qsTr("CPU")
                color: models.deviceWarning.length > 0 ? Theme.danger : Theme.textFaint
                font.pixelSize: Theme.scaled(11)
                font.weight: Font.DemiBold
            }
        }
    }
    // Takes the press, so the chip's `clicked` (the file dialog) fires only through choose().
    MouseArea {
        id: area
        anchors.fill: parent
        hoverEnabled: true
        cursorShape: Qt.PointingHandCursor
        onClicked: chip.choose()
    }

    Menu {
        id: picker
        objectName: "modelPicker"
        width: 360
        MenuItem {
            visible: models.path.length > 0
            height: visible ? implicitHeight : 0
            text: qsTr("%1 (local)").arg(models.fileName)
            checkable: true
            checked: chat.settings.modelPath === models.path
            onTriggered: chat.settings.modelPath = models.path
        }
        Instantiator {
            model: remoteEndpoints.pickerModels
            delegate: MenuItem {
                required property var modelData
                objectName: "remoteModelItem"
                text: qsTr("%1  (remote · %2)").arg(modelData.model).arg(modelData.endpointName)
                checkable: true
                checked: chat.settings.modelPath === modelData.path
                onTriggered: chat.settings.modelPath = modelData.path
            }
            onObjectAdded: (index, object) => picker.insertItem(index + 1, object)
            onObjectRemoved: (index, object) => picker.removeItem(object)
        }
        MenuSeparator {}
        MenuItem {
            text: qsTr("Choose a model file…")
            onTriggered: chip.clicked()
        }
    }
}
