// Messages as the chat shows them: the user's bubble, the reply with its
// stats, Regenerate making a branch with ‹ 2 / 2 › navigation, Markdown and
// code blocks with their buttons.
import QtQuick
import QtQuick.Controls
import QtTest
import NeoxStudio
import NeoxStudio.Native

Item {
    width: 1000
    height: 700

    ListView {
        id: list
        anchors.fill: parent
        model: chat.messages
        delegate: MessageItem {
            required property var model
            message: model
            width: ListView.view.width
            onOpenCode: (code, language) => { opened.code = code; opened.language = language }
        }
    }
    QtObject { id: opened; property string code; property string language }

    CodeBlock {
        id: block
        y: 600
        width: 600
        code: "def f(x):\n    return x * 2  # double"
        language: "python"
        onOpenInCodePane: opened.language = "from-block"
    }

    TestCase {
        name: "MessageList"
        when: windowShown

        function items(name) {
            const found = []
            const walk = item => {
                if (item.objectName === name && item.visible) found.push(item)
                for (let i = 0; i < item.children.length; ++i) walk(item.children[i])
            }
            walk(list.contentItem)
            return found
        }

        // A footer that has just appeared (the reply finished) is placed by
        // its layouts at the next polish; a click before that lands where the
        // button will not be.
        function clickWhenPlaced(item) {
            for (let p = item; p; p = p.parent) {
                if (isPolishScheduled(p)) verify(waitForItemPolished(p))
            }
            mouseClick(item)
        }

        function initTestCase() {
            tryCompare(models, "status", ModelController.Ready, 10000)
            chat.settings.maxTokens = 12
            chat.settings.seed = 9
            chat.newConversation()
            verify(chat.send("Tell me something"))
            tryCompare(chat, "generating", false, 10000)
        }

        function test_user_bubble_and_reply() {
            compare(list.count, 2)
            const bubbles = items("userText")
            compare(bubbles.length, 1)
            compare(bubbles[0].text, "Tell me something")
            const stats = items("replyStats")
            compare(stats.length, 1)
            verify(stats[0].text.indexOf("tokens ·") > 0)
            compare(items("replyError").length, 0)
        }

        function test_regenerate_shows_branch_navigation() {
            chat.settings.seed = 10
            const regenerate = items("regenerateButton")
            compare(regenerate.length, 1)
            mouseClick(regenerate[0])
            tryCompare(chat, "generating", false, 10000)
            tryVerify(() => items("branchLabel").length === 1, 3000)
            compare(items("branchLabel")[0].text, "2 / 2")
            clickWhenPlaced(items("previousBranch")[0])
            tryVerify(() => items("branchLabel").length === 1 && items("branchLabel")[0].text === "1 / 2", 3000)
        }

        function test_code_block_buttons() {
            const open = findChild(block, "openInCodePaneButton")
            verify(open !== null)
            mouseClick(open)
            compare(opened.language, "from-block")
            mouseClick(findChild(block, "copyCodeButton"))  // copies without error
            verify(block.height > 60)
        }
    }
}
