// A tab of a page header: text with an accent underline when current.
import QtQuick
import QtQuick.Controls

AbstractButton {
    id: tab
    property bool current: false
    property int badge: 0
    hoverEnabled: true
    focusPolicy: Qt.NoFocus
    implicitWidth: label.implicitWidth + (badge > 0 ? 28 : 0) + 24
    implicitHeight: 40
    contentItem: Item {
        Text {
            id: label
            anchors.centerIn: parent
            anchors.horizontalCenterOffset: tab.badge > 0 ? -12 : 0
            text: tab.text
            color: tab.current ? Theme.text : (tab.hovered ? Theme.text : Theme.textMuted)
            font.pixelSize: Theme.fontSize - 1
            font.weight: tab.current ? Font.DemiBold : Font.Normal
        }
        Badge {
            visible: tab.badge > 0
            anchors.left: label.right
            anchors.leftMargin: 6
            anchors.verticalCenter: label.verticalCenter
            text: tab.badge
            fill: Theme.accent
            textColor: Theme.accentText
        }
    }
    background: Rectangle {
        color: "transparent"
        Rectangle {
            anchors.bottom: parent.bottom
            width: parent.width
            height: 2
            color: tab.current ? Theme.accent : "transparent"
        }
    }
}
