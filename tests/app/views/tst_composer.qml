// Composer: Enter sends, Shift+Enter breaks the line, the send button turns
// into Stop while a reply streams, and the token count follows the draft.
import QtQuick
import QtTest
import NeoxStudio
import NeoxStudio.Native

Item {
    width: 900
    height: 300

    Composer {
        id: composer
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom
    }

    TestCase {
        name: "Composer"
        when: windowShown

        function input() { return findChild(composer, "messageInput") }

        function initTestCase() {
            tryCompare(models, "status", ModelController.Ready, 10000)
            chat.settings.maxTokens = 16
            chat.settings.seed = 5
        }
        function init() {
            chat.newConversation()
            input().text = ""
            composer.focusInput()
        }

        function test_shift_enter_breaks_the_line() {
            keyClick(Qt.Key_A)
            keyClick(Qt.Key_Return, Qt.ShiftModifier)
            keyClick(Qt.Key_B)
            compare(input().text, "a\nb")
            compare(chat.messages.count, 0)
        }

        function test_enter_sends_and_clears() {
            keyClick(Qt.Key_H)
            keyClick(Qt.Key_I)
            keyClick(Qt.Key_Return)
            compare(input().text, "")
            verify(chat.generating || chat.messages.count === 2)
            tryCompare(chat, "generating", false, 10000)
            compare(chat.messages.count, 2)
            compare(chat.messages.get(0, "text"), "hi")
        }

        function test_enter_on_blank_text_sends_nothing() {
            keyClick(Qt.Key_Space)
            keyClick(Qt.Key_Return)
            compare(chat.messages.count, 0)
            compare(findChild(composer, "sendButton").enabled, false)
        }

        function test_send_button_becomes_stop() {
            chat.settings.maxTokens = 100000
            input().text = "go on"
            mouseClick(findChild(composer, "sendButton"))
            verify(chat.generating)
            const stop = findChild(composer, "stopButton")
            verify(stop !== null)
            mouseClick(stop)
            tryCompare(chat, "generating", false, 10000)
            verify(["stopped", "complete"].indexOf(chat.messages.get(1, "status")) >= 0)
            chat.settings.maxTokens = 16
        }

        function test_token_count_follows_the_draft() {
            // Counts arrive asynchronously; wait for the one of this draft (an
            // earlier test's longer conversation may still be the shown count).
            const first = "count these words please"
            input().text = first
            tryVerify(() => chat.countedDraft === first, 5000)
            verify(chat.promptTokens > 0)
            const label = findChild(composer, "tokenCount")
            compare(label.text, chat.promptTokens + " / 256 tokens")
            const before = chat.promptTokens
            const longer = first + " and a good many more words after them"
            input().text = longer
            tryVerify(() => chat.countedDraft === longer, 5000)
            verify(chat.promptTokens > before)
            compare(label.text, chat.promptTokens + " / 256 tokens")
        }

        function test_over_the_context_the_count_says_what_happens() {
            // 288 tokens of the fixture's small vocabulary: past its 256-token context.
            const draft = "tell me about the colour of the sea and the sky at dawn ".repeat(8)
            const label = findChild(composer, "tokenCount")
            // Alone in a new chat, the message itself is too long.
            input().text = draft
            tryVerify(() => chat.countedDraft === draft, 5000)
            verify(chat.promptTokens > 256)
            compare(label.text, chat.promptTokens + " / 256 tokens · too long for this model's context")
            // After earlier messages, those are what is left out.
            input().text = "hi"
            keyClick(Qt.Key_Return)
            tryVerify(() => chat.messages.count === 2 && !chat.generating, 10000)
            input().text = draft
            tryVerify(() => chat.countedDraft === draft, 5000)
            compare(label.text, chat.promptTokens + " / 256 tokens · the oldest messages will be left out")
        }
    }
}
