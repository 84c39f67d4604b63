// Sidebar: conversations listed newest first, search as you type, choosing a
// result names its conversation and message, archive and the archive view.
import QtQuick
import QtTest
import NeoxStudio
import NeoxStudio.Native

Item {
    width: 300
    height: 600

    Sidebar {
        id: sidebar
        anchors.fill: parent
        onConversationChosen: (id, messageId) => { chosen.id = id; chosen.messageId = messageId }
        onOpenModels: opened.pages.push("models")
        onOpenSettings: opened.pages.push("settings")
        onOpenAbout: opened.pages.push("about")
    }
    QtObject { id: chosen; property var id: 0; property var messageId: 0 }
    QtObject { id: opened; property var pages: [] }

    TestCase {
        name: "Sidebar"
        when: windowShown

        function initTestCase() {
            tryCompare(models, "status", ModelController.Ready, 10000)
            chat.settings.maxTokens = 8
            chat.newConversation()
            verify(chat.send("zebra crossing rules"))
            tryCompare(chat, "generating", false, 10000)
        }

        function test_lists_the_new_conversation_first() {
            const list = findChild(sidebar, "conversationList")
            verify(list.visible)
            tryVerify(() => list.count >= 1)
            compare(conversations.get(0, "title"), "zebra crossing rules")
        }

        function test_archive_from_the_row_menu_and_back() {
            const list = findChild(sidebar, "conversationList")
            tryVerify(() => list.count >= 1)
            const id = conversations.get(0, "conversationId")
            const before = list.count
            // The row's menu: Archive.
            const row = list.itemAtIndex(0)
            mouseMove(row, row.width / 2, row.height / 2)
            const more = findChild(row, "conversationMenuButton")
            tryVerify(() => more.visible)
            mouseClick(more)
            const archive = findChild(row, "archiveItem")
            tryVerify(() => archive && archive.visible)
            compare(archive.text, "Archive")
            mouseClick(archive)
            tryCompare(list, "count", before - 1)
            // The sidebar's menu shows the archive; the row is there, and Unarchive brings it back.
            mouseClick(findChild(sidebar, "sidebarMenuButton"))
            const show = findChild(sidebar, "showArchivedItem")
            tryVerify(() => show && show.visible)
            mouseClick(show)
            tryCompare(conversations, "showArchived", true)
            verify(findChild(sidebar, "leaveArchiveButton").visible)
            compare(conversations.get(0, "conversationId"), id)
            conversations.setArchived(id, false)
            mouseClick(findChild(sidebar, "leaveArchiveButton"))
            tryCompare(conversations, "showArchived", false)
            tryCompare(list, "count", before)
        }

        function test_search_as_you_type_and_jump() {
            const field = findChild(sidebar, "searchField")
            sidebar.focusSearch()
            keyClick(Qt.Key_Z)
            keyClick(Qt.Key_E)
            keyClick(Qt.Key_B)
            const results = findChild(sidebar, "searchResultList")
            tryVerify(() => results.visible && results.count >= 1)
            verify(!findChild(sidebar, "conversationList").visible)
            tryVerify(() => results.itemAtIndex(0) !== null && results.itemAtIndex(0).width > 0)
            waitForRendering(results)
            mouseClick(results.itemAtIndex(0))
            tryCompare(chosen, "id", chat.conversationId)
            verify(chosen.messageId >= 0)  // 0: the title matched (titles rank first)
            field.text = ""
            tryVerify(() => findChild(sidebar, "conversationList").visible)
        }

        function test_footer_links_open_models_settings_and_about() {
            opened.pages = []
            for (const name of ["modelsLink", "settingsLink", "aboutLink"]) {
                const link = findChild(sidebar, name)
                verify(link && link.visible, name)
                verify(link.height > 0 && link.mapToItem(sidebar, 0, 0).y + link.height <= sidebar.height, name)
                mouseClick(link)
            }
            compare(opened.pages, ["models", "settings", "about"])
        }
    }
}
