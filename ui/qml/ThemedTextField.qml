// A one-line text field in the theme's colours.
import QtQuick
import QtQuick.Controls

TextField {
    id: field
    implicitHeight: 32
    font.pixelSize: Theme.smallSize + 1
    color: Theme.text
    placeholderTextColor: Theme.textFaint
    selectionColor: Theme.accent
    selectedTextColor: Theme.accentText
    leftPadding: 10
    rightPadding: 10
    background: Rectangle {
        radius: 6
        color: Theme.window
        border.color: field.activeFocus ? Theme.accent : Theme.borderStrong
    }
}
