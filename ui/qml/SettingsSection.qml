// One titled card of the Settings page; what it holds goes in a column.
import QtQuick
import QtQuick.Layouts

Rectangle {
    id: section
    property string title: ""
    property string subtitle: ""
    default property alias content: column.data

    Layout.fillWidth: true
    implicitHeight: column.implicitHeight + 36
    radius: Theme.radius
    color: Theme.surface
    border.color: Theme.border

    ColumnLayout {
        id: column
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.top: parent.top
        anchors.margins: 18
        spacing: 12

        Text {
            Layout.fillWidth: true
            text: section.title
            color: Theme.text
            font.pixelSize: Theme.titleSize
            font.weight: Font.DemiBold
        }
        Text {
            Layout.fillWidth: true
            Layout.topMargin: -6
            visible: section.subtitle.length > 0
            text: section.subtitle
            color: Theme.textMuted
            font.pixelSize: Theme.smallSize
            wrapMode: Text.Wrap
        }
    }
}
