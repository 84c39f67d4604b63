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
    Item {
        id: holder
        Layout.alignment: Qt.AlignVCenter | Qt.AlignRight
        implicitWidth: childrenRect.width
        implicitHeight: childrenRect.height
    }
}
