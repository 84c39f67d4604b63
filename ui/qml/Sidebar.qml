// Conversations: new chat, full-text search (results jump to the message),
// and the list (pinned on top, newest first, grouped by day) with rename,
// pin, archive, export and delete (undoable) on each row. The "more" menu
// imports JSON exports, exports every conversation, and shows the archive.
// The footer links to the Models and Settings pages and the About dialog.
import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts

Rectangle {
    id: sidebar
    color: Theme.sidebar
    signal conversationChosen(var id, var messageId)
    signal newChat()
    signal openModels()
    signal openSettings()
    signal openAbout()

    function focusSearch() {
        searchField.forceActiveFocus()
        searchField.selectAll()
    }
    readonly property bool searching: searchField.text.trim().length > 0

    ColumnLayout {
        anchors.fill: parent
        anchors.topMargin: 12
        spacing: 10

        // Brand and new chat.
        RowLayout {
            Layout.leftMargin: 14
            Layout.rightMargin: 10
            spacing: 8
            Rectangle {
                width: 26; height: 26; radius: 7
                color: Theme.accent
                Text {
                    anchors.centerIn: parent
                    text: "N"
                    color: Theme.accentText
                    font.bold: true
                    font.pixelSize: Theme.scaled(14)
                }
            }
            Text {
                text: "NeoX Studio"
                color: Theme.text
                font.pixelSize: Theme.titleSize
                font.weight: Font.DemiBold
                Layout.fillWidth: true
            }
            IconButton {
                objectName: "newChatButton"
                iconName: "plus"
                tip: qsTr("New chat (Ctrl+N)")
                onClicked: sidebar.newChat()
            }
            IconButton {
                objectName: "sidebarMenuButton"
                iconName: "more"
                tip: qsTr("Import, export, archive")
                onClicked: sidebarMenu.popup()
            }
        }

        // Shown while the list is the archive.
        RowLayout {
            visible: conversations.showArchived
            Layout.leftMargin: 16
            Layout.rightMargin: 10
            Text {
                text: qsTr("Archived chats")
                color: Theme.textMuted
                font.pixelSize: Theme.scaled(12)
                font.weight: Font.DemiBold
                Layout.fillWidth: true
            }
            FlatButton {
                objectName: "leaveArchiveButton"
                text: qsTr("Back")
                implicitHeight: 26
                onClicked: conversations.showArchived = false
            }
        }

        // Search.
        Rectangle {
            Layout.fillWidth: true
            Layout.leftMargin: 10
            Layout.rightMargin: 10
            height: 34
            radius: Theme.radius
            color: Theme.surface
            border.color: searchField.activeFocus ? Theme.accent : Theme.border
            Icon {
                id: searchIcon
                name: "search"
                size: 15
                color: Theme.textFaint
                anchors.left: parent.left
                anchors.leftMargin: 10
                anchors.verticalCenter: parent.verticalCenter
            }
            TextField {
                id: searchField
                objectName: "searchField"
                anchors.left: searchIcon.right
                anchors.right: clearSearch.left
                anchors.verticalCenter: parent.verticalCenter
                placeholderText: qsTr("Search chats  (Ctrl+F)")
                placeholderTextColor: Theme.textFaint
                color: Theme.text
                font.pixelSize: Theme.scaled(13)
                background: null
                onTextChanged: searchResults.query = text
                Keys.onEscapePressed: text = ""
            }
            IconButton {
                id: clearSearch
                visible: searchField.text.length > 0
                iconName: "close"
                iconSize: 13
                width: 26; height: 26
                anchors.right: parent.right
                anchors.rightMargin: 4
                anchors.verticalCenter: parent.verticalCenter
                onClicked: searchField.text = ""
            }
        }

        // Conversations.
        ListView {
            id: list
            objectName: "conversationList"
            visible: !sidebar.searching
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: conversations
            spacing: 1
            boundsBehavior: Flickable.StopAtBounds
            ScrollBar.vertical: ScrollBar { policy: ScrollBar.AsNeeded }
            section.property: "section"
            section.delegate: Text {
                width: ListView.view.width
                leftPadding: 16
                topPadding: 12
                bottomPadding: 4
                text: section
                color: Theme.textFaint
                font.pixelSize: Theme.scaled(11)
                font.weight: Font.DemiBold
                font.capitalization: Font.AllUppercase
                font.letterSpacing: 0.6
            }
            delegate: ConversationRow {
                width: ListView.view.width
                current: conversationId === chat.conversationId
                onChosen: sidebar.conversationChosen(conversationId, 0)
            }
            Text {
                anchors.centerIn: parent
                visible: list.count === 0
                text: conversations.showArchived ? qsTr("No archived chats") : qsTr("No conversations yet")
                color: Theme.textFaint
                font.pixelSize: Theme.scaled(13)
            }
        }

        // Search results.
        ListView {
            id: results
            objectName: "searchResultList"
            visible: sidebar.searching
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: searchResults
            spacing: 2
            delegate: ItemDelegate {
                width: ListView.view.width
                hoverEnabled: true
                leftPadding: 16
                rightPadding: 12
                topPadding: 8
                bottomPadding: 8
                background: Rectangle {
                    color: parent.hovered ? Theme.hover : "transparent"
                    radius: Theme.radius
                    anchors.fill: parent
                    anchors.leftMargin: 6
                    anchors.rightMargin: 6
                }
                contentItem: Column {
                    spacing: 3
                    Text {
                        width: parent.width
                        text: title
                        color: Theme.text
                        font.pixelSize: Theme.scaled(13)
                        font.weight: Font.DemiBold
                        elide: Text.ElideRight
                    }
                    Text {
                        width: parent.width
                        text: snippet
                        textFormat: Text.StyledText
                        color: Theme.textMuted
                        font.pixelSize: Theme.scaled(12)
                        wrapMode: Text.Wrap
                        maximumLineCount: 2
                        elide: Text.ElideRight
                    }
                }
                onClicked: sidebar.conversationChosen(conversationId, messageId)
            }
            Text {
                anchors.centerIn: parent
                visible: results.count === 0
                text: qsTr("No matches")
                color: Theme.textFaint
                font.pixelSize: Theme.scaled(13)
            }
        }

        // The pages beyond chat, reachable without knowing their shortcuts.
        Rectangle { Layout.fillWidth: true; height: 1; color: Theme.border }
        ColumnLayout {
            Layout.fillWidth: true
            Layout.bottomMargin: 8
            spacing: 0
            SidebarLink {
                objectName: "modelsLink"
                Layout.fillWidth: true
                iconName: "chip"
                label: qsTr("Models")
                shortcutText: "Ctrl+M"
                badge: downloads.activeCount > 0 ? String(downloads.activeCount) : ""
                ToolTip.visible: hovered && badge.length > 0
                ToolTip.text: qsTr("%n download(s) running", "", downloads.activeCount)
                onClicked: sidebar.openModels()
            }
            SidebarLink {
                objectName: "settingsLink"
                Layout.fillWidth: true
                iconName: "sliders"
                label: qsTr("Settings")
                shortcutText: "Ctrl+Shift+,"
                onClicked: sidebar.openSettings()
            }
            SidebarLink {
                objectName: "aboutLink"
                Layout.fillWidth: true
                iconName: "more"
                label: qsTr("About NeoX Studio")
                shortcutText: "F1"
                onClicked: sidebar.openAbout()
            }
        }
    }

    Menu {
        id: sidebarMenu
        MenuItem { text: qsTr("Import JSON…"); onTriggered: importDialog.open() }
        MenuItem { text: qsTr("Export all…"); onTriggered: exportAllDialog.open() }
        MenuSeparator {}
        MenuItem {
            objectName: "showArchivedItem"
            text: conversations.showArchived ? qsTr("Show chats") : qsTr("Show archived chats")
            onTriggered: conversations.showArchived = !conversations.showArchived
        }
    }
    FileDialog {
        id: importDialog
        title: qsTr("Import conversations (a NeoX Studio JSON export)")
        nameFilters: [qsTr("JSON (*.json)"), qsTr("All files (*)")]
        onAccepted: conversations.importFrom(selectedFile)
    }
    FileDialog {
        id: exportAllDialog
        fileMode: FileDialog.SaveFile
        title: qsTr("Export every conversation")
        nameFilters: [qsTr("JSON, every branch (*.json)"), qsTr("Markdown (*.md)"), qsTr("Web page (*.html)")]
        onAccepted: conversations.exportAllTo(selectedFile)
    }
}
