// The message box: multi-line, Enter sends, Shift+Enter breaks the line.
// Below it, the live token count of the conversation with this draft
// against the model's context. The send button becomes Stop while a reply streams.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtQuick.Dialogs

Item {
    id: composer
    implicitHeight: box.height + hint.height + 28

    function focusInput() { input.forceActiveFocus() }
    function setDraft(text) {
        input.text = text
        input.cursorPosition = input.length
        input.forceActiveFocus()
    }
    function submit() {
        if (chat.send(input.text)) input.text = ""
    }
    readonly property bool overContext: chat.promptTokens > chat.contextLength

    Rectangle {
        id: box
        objectName: "composerBox"
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.top: parent.top
        anchors.topMargin: 8
        width: Math.min(parent.width - 48, Theme.contentWidth)
        height: Math.min(Math.max(input.implicitHeight, 24) + 26, 240)
        radius: Theme.radiusLarge
        color: Theme.raised
        border.color: input.activeFocus ? Theme.accent : Theme.borderStrong
        border.width: input.activeFocus ? 1.5 : 1

        IconButton {
            id: attachButton
            objectName: "attachButton"
            anchors.left: parent.left
            anchors.bottom: parent.bottom
            anchors.margins: 10
            iconName: "attach"
            tip: qsTr("Attach a file's text")
            onClicked: attachDialog.open()
        }
        ScrollView {
            id: scroll
            anchors.left: attachButton.right
            anchors.right: sendButton.left
            anchors.top: parent.top
            anchors.bottom: parent.bottom
            anchors.leftMargin: 2
            anchors.topMargin: 4
            anchors.bottomMargin: 4
            TextArea {
                id: input
                objectName: "messageInput"
                placeholderText: qsTr("Message NeoX…   (Enter to send, Shift+Enter for a new line)")
                placeholderTextColor: Theme.textFaint
                wrapMode: TextArea.Wrap
                color: Theme.text
                selectionColor: Theme.accent
                font.pixelSize: Theme.fontSize
                background: null
                verticalAlignment: TextEdit.AlignVCenter
                onTextChanged: countTimer.restart()
                Keys.onPressed: event => {
                    if ((event.key === Qt.Key_Return || event.key === Qt.Key_Enter)
                            && !(event.modifiers & Qt.ShiftModifier)) {
                        event.accepted = true
                        if (!chat.generating) composer.submit()
                    }
                }
            }
        }

        AbstractButton {
            id: sendButton
            objectName: chat.generating ? "stopButton" : "sendButton"
            anchors.right: parent.right
            anchors.bottom: parent.bottom
            anchors.margins: 9
            width: 34; height: 34
            hoverEnabled: true
            enabled: chat.generating || input.text.trim().length > 0
            onClicked: chat.generating ? chat.stop() : composer.submit()
            ToolTip.visible: hovered
            ToolTip.delay: 600
            ToolTip.text: chat.generating ? qsTr("Stop (Esc)") : qsTr("Send (Enter)")
            background: Rectangle {
                radius: 17
                color: !sendButton.enabled ? Theme.border
                     : sendButton.hovered ? Theme.accentHover : Theme.accent
            }
            contentItem: Item {
                Icon {
                    anchors.centerIn: parent
                    name: chat.generating ? "stop" : "send"
                    filled: chat.generating
                    size: chat.generating ? 14 : 18
                    lineWidth: 2.2
                    color: Theme.accentText
                }
            }
        }
    }

    // A file's text goes into the draft as a fenced block, named, for the model to read.
    FileDialog {
        id: attachDialog
        title: qsTr("Attach a text file")
        onAccepted: {
            const text = textFiles.read(selectedFile)
            if (text.length === 0) return
            const block = qsTr("File %1:").arg(textFiles.fileName(selectedFile)) + "\n```\n" + text + "\n```\n"
            composer.setDraft(input.text.length > 0 ? input.text + "\n\n" + block : block)
        }
    }

    // Debounced: count once typing pauses (the count runs off the UI thread).
    Timer {
        id: countTimer
        interval: 150
        onTriggered: chat.countTokens(input.text)
    }

    Text {
        id: hint
        objectName: "tokenCount"
        anchors.top: box.bottom
        anchors.topMargin: 6
        anchors.right: box.right
        anchors.rightMargin: 6
        // Over the context the conversation still runs, without its oldest
        // turns (EngineWorker::fit_prompt); say so before the user sends.
        text: chat.promptTokens < 0 ? qsTr("— / %1 tokens").arg(chat.contextLength)
              : !composer.overContext ? qsTr("%1 / %2 tokens").arg(chat.promptTokens).arg(chat.contextLength)
              : chat.messages.count > 0 ? qsTr("%1 / %2 tokens · the oldest messages will be left out")
                                              .arg(chat.promptTokens).arg(chat.contextLength)
              : qsTr("%1 / %2 tokens · too long for this model's context")
                    .arg(chat.promptTokens).arg(chat.contextLength)
        color: composer.overContext ? Theme.danger : Theme.textFaint
        font.pixelSize: Theme.scaled(11)
        ToolTip.visible: leftOutArea.containsMouse && chat.messagesLeftOut > 0
        ToolTip.text: qsTr("The last reply was written without the first %n message(s) of this conversation: "
                           + "together they no longer fit the model's %1-token context.", "", chat.messagesLeftOut)
                          .arg(chat.contextLength)
        MouseArea {
            id: leftOutArea
            anchors.fill: parent
            hoverEnabled: true
            acceptedButtons: Qt.NoButton
        }
    }
    Text {
        anchors.top: box.bottom
        anchors.topMargin: 6
        anchors.left: box.left
        anchors.leftMargin: 6
        anchors.right: hint.left
        anchors.rightMargin: 12
        elide: Text.ElideRight  // the token count on the right wins in a narrow window
        text: chat.generating ? qsTr("Generating… press Esc to stop") : qsTr("Replies are generated locally and may be wrong.")
        color: Theme.textFaint
        font.pixelSize: Theme.scaled(11)
    }
}
