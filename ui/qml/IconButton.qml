// A flat square button with a line icon, a hover background and a tooltip.
import QtQuick
import QtQuick.Controls

AbstractButton {
    id: button
    property string iconName: "plus"
    property string tip: ""
    property real iconSize: 18
    property color iconColor: checked ? Theme.accent : (enabled ? Theme.textMuted : Theme.textFaint)
    property color hoverColor: Theme.hover

    implicitWidth: 32
    implicitHeight: 32
    hoverEnabled: true
    focusPolicy: Qt.NoFocus
    Accessible.name: tip

    background: Rectangle {
        radius: 6
        color: button.down ? Theme.selected : (button.hovered || button.checked ? button.hoverColor : "transparent")
        Behavior on color { ColorAnimation { duration: Theme.animationMs } }
    }
    contentItem: Item {
        Icon {
            anchors.centerIn: parent
            name: button.iconName
            size: button.iconSize
            color: button.hovered && button.enabled ? Theme.text : button.iconColor
        }
    }
    ToolTip.visible: hovered && tip.length > 0
    ToolTip.delay: 600
    ToolTip.text: tip
}
