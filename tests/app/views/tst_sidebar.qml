// Sidebar: conversations listed newest first, search as you type, choosing a
// result names its conversation and message.
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
    }
    QtObject { id: chosen; property var id: 0; property var messageId: 0 }

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
    }
}
