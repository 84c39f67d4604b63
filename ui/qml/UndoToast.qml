// "Conversation deleted · Undo" while a deletion waits for its undo time.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

Rectangle {
    id: toast
    objectName: "undoToast"
    visible: conversations.canUndo
    width: content.implicitWidth + 32
    height: 44
    radius: 10
    color: Theme.dark ? "#2d2f38" : "#23252b"
    RowLayout {
        id: content
        anchors.centerIn: parent
        spacing: 16
        Text {
            text: qsTr("Deleted “%1”").arg(conversations.undoTitle)
            color: "#f1f2f4"
            font.pixelSize: Theme.scaled(13)
            elide: Text.ElideRight
            Layout.maximumWidth: 320
        }
        Text {
            text: qsTr("Undo")
            color: "#a9aaff"
            font.pixelSize: Theme.scaled(13)
            font.weight: Font.DemiBold
            MouseArea {
                anchors.fill: parent
                anchors.margins: -6
                cursorShape: Qt.PointingHandCursor
                onClicked: conversations.undoRemove()
            }
        }
    }
}
