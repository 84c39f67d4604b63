// One row of the sidebar's footer: an icon, a label and its shortcut, the
// way to reach a page (Models, Settings, About) without knowing the key.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

ItemDelegate {
    id: link
    property string iconName
    property string label
    property string shortcutText
    property string badge  // e.g. the number of downloads running; empty: none
    hoverEnabled: true
    focusPolicy: Qt.NoFocus
    implicitHeight: 32
    leftPadding: 16
    rightPadding: 14
    background: Rectangle {
        color: link.hovered ? Theme.hover : "transparent"
        radius: Theme.radius
        anchors.fill: parent
        anchors.leftMargin: 6
        anchors.rightMargin: 6
    }
    contentItem: RowLayout {
        spacing: 10
        Icon { name: link.iconName; size: 16; color: Theme.textMuted }
        Text {
            text: link.label
            color: Theme.text
            font.pixelSize: Theme.scaled(13)
            Layout.fillWidth: true
            elide: Text.ElideRight
        }
        Rectangle {
            visible: link.badge.length > 0
            implicitWidth: Math.max(18, badgeText.implicitWidth + 10)
            implicitHeight: 18
            radius: 9
            color: Theme.accent
            Text {
                id: badgeText
                anchors.centerIn: parent
                text: link.badge
                color: Theme.accentText
                font.pixelSize: Theme.scaled(11)
                font.weight: Font.DemiBold
            }
        }
        Text { text: link.shortcutText; color: Theme.textFaint; font.pixelSize: Theme.scaled(11) }
    }
}
