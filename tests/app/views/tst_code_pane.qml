// CodePane: Complete inserts the model's continuation at the cursor (the text
// after the cursor stays after it), and an action sends the selection to the
// chat in one click.
import QtQuick
import QtTest
import NeoxStudio
import NeoxStudio.Native

Item {
    width: 600
    height: 700

    CodePane {
        id: codePane
        anchors.fill: parent
    }

    SignalSpy { id: completionFinished; target: codeCompletion; signalName: "finished" }
    SignalSpy { id: replyFinished; target: chat; signalName: "replyFinished" }

    TestCase {
        name: "CodePane"
        when: windowShown

        function editor() { return findChild(codePane, "codeEditor") }

        function initTestCase() {
            tryCompare(models, "status", ModelController.Ready, 10000)
            chat.settings.maxTokens = 8
            chat.settings.seed = 3
        }

        function test_complete_inserts_at_the_cursor() {
            const before = "def area(r):\n    return"
            const after = "\n\nprint(area(2))\n"
            codePane.showCode(before + after, "python")
            editor().cursorPosition = before.length
            completionFinished.clear()
            mouseClick(findChild(codePane, "completeButton"))
            tryCompare(completionFinished, "count", 1, 20000)
            const inserted = codeCompletion.text
            verify(inserted.length > 0, "the fixture model wrote nothing")
            compare(editor().text, before + inserted + after)
            compare(editor().cursorPosition, before.length + inserted.length)
            verify(!editor().readOnly)
        }

        function test_explain_sends_the_selection_at_once() {
            chat.newConversation()
            codePane.showCode("int x = 1;", "c")
            replyFinished.clear()
            const explain = findChild(codePane, "action_Explain")
            verify(explain)
            mouseClick(explain)
            compare(chat.messages.rowCount() >= 1, true)
            compare(chat.messages.get(0, "role"), "user")
            verify(chat.messages.get(0, "text").indexOf("int x = 1;") >= 0)
            tryCompare(replyFinished, "count", 1, 20000)
        }
    }
}
