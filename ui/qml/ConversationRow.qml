// One conversation in the sidebar: title, pin mark, and on hover a menu
// button (rename, pin, delete). Double-click renames in place.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtQuick.Dialogs

ItemDelegate {
    id: row
    property bool current: false
    property bool renaming: false
    signal chosen()

    height: 38
    hoverEnabled: true
    leftPadding: 16
    rightPadding: 8
    onClicked: if (!renaming) chosen()
    onDoubleClicked: startRename()

    function startRename() {
        renaming = true
        renameField.text = model.title
        renameField.forceActiveFocus()
        renameField.selectAll()
    }
    function finishRename(accept) {
        if (accept) conversations.rename(model.conversationId, renameField.text)
        renaming = false
    }

    background: Rectangle {
        anchors.fill: parent
        anchors.leftMargin: 6
        anchors.rightMargin: 6
        radius: Theme.radius
        color: row.current ? Theme.selected : (row.hovered ? Theme.hover : "transparent")
    }
    contentItem: RowLayout {
        spacing: 6
        Text {
            visible: !row.renaming
            Layout.fillWidth: true
            text: model.title
            color: row.current ? Theme.text : Theme.textMuted
            font.pixelSize: Theme.scaled(13)
            font.weight: row.current ? Font.DemiBold : Font.Normal
            elide: Text.ElideRight
        }
        TextField {
            id: renameField
            visible: row.renaming
            Layout.fillWidth: true
            color: Theme.text
            font.pixelSize: Theme.scaled(13)
            padding: 4
            background: Rectangle { color: Theme.surface; border.color: Theme.accent; radius: 4 }
            Keys.onReturnPressed: row.finishRename(true)
            Keys.onEnterPressed: row.finishRename(true)
            Keys.onEscapePressed: row.finishRename(false)
            onActiveFocusChanged: if (!activeFocus && row.renaming) row.finishRename(true)
        }
        Icon {
            visible: model.pinned && !row.hovered && !row.renaming
            name: "pin"
            size: 14
            color: Theme.textFaint
        }
        IconButton {
            objectName: "conversationMenuButton"
            visible: (row.hovered || menu.visible) && !row.renaming
            iconName: "more"
            iconSize: 16
            width: 26; height: 26
            tip: qsTr("More")
            onClicked: menu.popup()
        }
    }

    Menu {
        id: menu
        MenuItem { text: qsTr("Rename"); onTriggered: row.startRename() }
        MenuItem {
            text: model.pinned ? qsTr("Unpin") : qsTr("Pin to top")
            onTriggered: conversations.setPinned(model.conversationId, !model.pinned)
        }
        MenuItem {
            text: qsTr("Export…")
            onTriggered: exportDialog.open()
        }
        MenuItem {
            objectName: "archiveItem"
            text: model.archived ? qsTr("Unarchive") : qsTr("Archive")
            onTriggered: conversations.setArchived(model.conversationId, !model.archived)
        }
        MenuSeparator {}
        MenuItem {
            text: qsTr("Delete")
            onTriggered: conversations.remove(model.conversationId)
        }
    }

    FileDialog {
        id: exportDialog
        fileMode: FileDialog.SaveFile
        title: qsTr("Export conversation")
        nameFilters: [qsTr("Markdown (*.md)"), qsTr("Web page (*.html)"), qsTr("JSON, every branch (*.json)")]
        onAccepted: conversations.exportTo(model.conversationId, selectedFile)
    }
}
