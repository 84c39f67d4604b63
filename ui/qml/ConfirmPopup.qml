// A modal question with two answers, in the theme's colours.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

Popup {
    id: popup
    property string title: ""
    property string message: ""
    property string acceptText: qsTr("OK")
    property bool destructive: false
    signal accepted()

    modal: true
    focus: true
    anchors.centerIn: Overlay.overlay
    width: Math.min(460, (parent ? parent.width : 460) - 40)
    padding: 20
    background: Rectangle { radius: Theme.radiusLarge; color: Theme.raised; border.color: Theme.border }
    Overlay.modal: Rectangle { color: Theme.dark ? "#99000000" : "#55000000" }

    contentItem: ColumnLayout {
        spacing: 12
        Text {
            Layout.fillWidth: true
            text: popup.title
            color: Theme.text
            font.pixelSize: Theme.titleSize
            font.weight: Font.DemiBold
            wrapMode: Text.Wrap
        }
        Text {
            objectName: "confirmMessage"
            Layout.fillWidth: true
            text: popup.message
            color: Theme.textMuted
            font.pixelSize: Theme.smallSize + 1
            wrapMode: Text.Wrap
        }
        RowLayout {
            Layout.fillWidth: true
            Layout.topMargin: 6
            Item { Layout.fillWidth: true }
            FlatButton { text: qsTr("Cancel"); onClicked: popup.close() }
            FlatButton {
                objectName: "confirmButton"
                text: popup.acceptText
                primary: true
                onClicked: { popup.close(); popup.accepted() }
            }
        }
    }
}
