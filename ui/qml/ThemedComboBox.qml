// A ComboBox in the theme's colours (the Basic style's is light grey in both themes).
import QtQuick
import QtQuick.Controls

ComboBox {
    id: box
    implicitHeight: 30
    font.pixelSize: Theme.scaled(12)
    background: Rectangle {
        radius: 6
        color: box.hovered ? Theme.hover : Theme.surface
        border.color: box.activeFocus ? Theme.accent : Theme.borderStrong
    }
    contentItem: Text {
        leftPadding: 10
        rightPadding: box.indicator.width + 4
        text: box.displayText
        font: box.font
        color: Theme.text
        verticalAlignment: Text.AlignVCenter
        elide: Text.ElideRight
    }
    indicator: Icon {
        x: box.width - width - 8
        y: (box.height - height) / 2
        name: "right"
        rotation: 90
        size: 14
        color: Theme.textMuted
    }
    popup.background: Rectangle {
        radius: 6
        color: Theme.raised
        border.color: Theme.border
    }
    delegate: ItemDelegate {
        width: box.width
        height: 28
        highlighted: box.highlightedIndex === index
        contentItem: Text {
            text: modelData
            color: Theme.text
            font: box.font
            verticalAlignment: Text.AlignVCenter
        }
        background: Rectangle { color: parent.highlighted ? Theme.hover : "transparent" }
    }
}
