// A labelled setting: the name and an explanation on the left, the control on the right.
import QtQuick
import QtQuick.Layouts

RowLayout {
    id: row
    property string label: ""
    property string help: ""
    default property alias control: holder.data
    Layout.fillWidth: true
    spacing: 16

    ColumnLayout {
        Layout.fillWidth: true
        Layout.alignment: Qt.AlignVCenter
        spacing: 2
        Text {
            Layout.fillWidth: true
            text: row.label
            color: Theme.text
            font.pixelSize: Theme.fontSize - 1
            font.weight: Font.DemiBold
            wrapMode: Text.Wrap
        }
        Text {
            Layout.fillWidth: true
            visible: row.help.length > 0
            text: row.help
            color: Theme.textMuted
            font.pixelSize: Theme.smallSize
            wrapMode: Text.Wrap
        }
    }
    // Top-aligned: Qt 6.4's RowLayout can leave a vertically centred item
    // where an earlier, taller layout pass put it (before the help text had
    // its final width), drawing a row's buttons over the next row.
    Item {
        id: holder
        Layout.alignment: Qt.AlignTop | Qt.AlignRight
        implicitWidth: childrenRect.width
        implicitHeight: childrenRect.height
    }
}
