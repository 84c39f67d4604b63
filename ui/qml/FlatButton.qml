// A text button: outlined by default, filled with the accent when `primary`.
import QtQuick
import QtQuick.Controls

Button {
    id: button
    property bool primary: false
    hoverEnabled: true
    focusPolicy: Qt.NoFocus
    implicitHeight: 30
    leftPadding: 12
    rightPadding: 12
    font.pixelSize: Theme.scaled(13)
    font.weight: Font.DemiBold
    contentItem: Text {
        text: button.text
        font: button.font
        color: button.primary ? Theme.accentText : (button.enabled ? Theme.text : Theme.textFaint)
        horizontalAlignment: Text.AlignHCenter
        verticalAlignment: Text.AlignVCenter
    }
    background: Rectangle {
        radius: 6
        color: button.primary ? (button.hovered ? Theme.accentHover : Theme.accent)
                              : (button.hovered ? Theme.hover : Theme.surface)
        border.color: button.primary ? "transparent" : Theme.borderStrong
    }
}
