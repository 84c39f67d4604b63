// The loaded model in the top bar: a status dot and the file name; click to choose another.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import NeoxStudio.Native

AbstractButton {
    id: chip
    objectName: "modelChip"
    hoverEnabled: true
    implicitHeight: 32
    implicitWidth: Math.min(row.implicitWidth + 24, 300)
    ToolTip.visible: hovered
    ToolTip.delay: 600
    ToolTip.text: models.path.length > 0 ? models.path : qsTr("Choose a model")

    readonly property color dot: models.status === ModelController.Ready ? Theme.success
                               : models.status === ModelController.Loading ? Theme.accent
                               : models.status === ModelController.Failed ? Theme.danger : Theme.textFaint
    background: Rectangle {
        radius: 16
        color: chip.hovered ? Theme.hover : Theme.surface
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
                text: models.status === ModelController.None ? qsTr("Choose a model…")
                    : models.fileName
                color: Theme.text
                font.pixelSize: 13
                elide: Text.ElideMiddle
            }
            Text {
                visible: models.status === ModelController.Ready && chat.templateName.length > 0
                text: chat.templateName
                color: Theme.textFaint
                font.pixelSize: 11
            }
        }
    }
}
