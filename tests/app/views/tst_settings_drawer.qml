// SettingsDrawer: "Use this chat as examples" makes a few-shot preset, the
// picker shows it chosen, and choosing None takes it off the conversation.
import QtQuick
import QtTest
import NeoxStudio
import NeoxStudio.Native

Item {
    width: 800
    height: 900

    SettingsDrawer {
        id: drawer
        height: parent.height
    }

    SignalSpy { id: replyFinished; target: chat; signalName: "replyFinished" }

    TestCase {
        name: "SettingsDrawer"
        when: windowShown

        function initTestCase() {
            tryCompare(models, "status", ModelController.Ready, 10000)
            chat.settings.maxTokens = 8
        }

        function test_few_shot_preset_from_this_chat() {
            chat.newConversation()
            replyFinished.clear()
            verify(chat.send("Name a colour."))
            tryCompare(replyFinished, "count", 1, 20000)
            drawer.open()
            tryCompare(drawer, "position", 1.0, 3000)
            const box = findChild(drawer, "fewShotBox")
            compare(box.currentIndex, 0)  // None
            mouseClick(findChild(drawer, "saveFewShotButton"))
            verify(chat.settings.fewShotPreset > 0)
            verify(box.currentIndex > 0)
            verify(box.currentText.indexOf("Name a colour.") === 0)
            box.activated(0)
            compare(chat.settings.fewShotPreset, 0)
            drawer.close()
        }

        function test_write_my_own_template() {
            chat.newConversation()
            drawer.open()
            tryCompare(drawer, "position", 1.0, 3000)
            const box = findChild(drawer, "templateBox")
            const field = findChild(drawer, "templateTextField")
            verify(!field.visible)
            box.activated(box.count - 1)  // "Write my own…"
            verify(chat.settings.chatTemplate.indexOf("{{assistant}}") > 0)
            compare(chat.templateName, "custom")
            tryVerify(() => field.visible)
            field.text = "U: {{user}}\nB:{{assistant}}\n"
            field.editingFinished()
            compare(chat.settings.chatTemplate, "U: {{user}}\nB:{{assistant}}\n")
            box.activated(0)  // back to automatic
            compare(chat.settings.chatTemplate, "")
            drawer.close()
        }
    }
}
