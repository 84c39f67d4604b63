// A small rounded label: a model's source, "Default", a fit verdict.
import QtQuick

Rectangle {
    id: badge
    property alias text: label.text
    property color textColor: Theme.textMuted
    property color fill: Theme.hover
    implicitWidth: label.implicitWidth + 14
    implicitHeight: label.implicitHeight + 4
    radius: height / 2
    color: fill
    Text {
        id: label
        anchors.centerIn: parent
        color: badge.textColor
        font.pixelSize: Theme.smallSize - 1
        font.weight: Font.DemiBold
    }
}
