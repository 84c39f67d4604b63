// The code pane: the conversation's code blocks as a list, and an editor with
// highlighting. Actions send the selection (or the whole buffer) to the chat
// with a prompt in one click; Copy and Save keep it. Complete (Ctrl+Space)
// lets the model continue the code at the cursor (fill-in-the-middle when the
// model has FIM tokens); the text streams in at the cursor, Stop (Esc) keeps it.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtQuick.Dialogs
import NeoxStudio.Native

Rectangle {
    id: pane
    objectName: "codePane"
    color: Theme.sidebar
    // The instruction and the code were sent to the chat.
    signal askedChat()

    // Where the running completion inserts, and how much of it is in the editor.
    property int completionStart: -1
    property int completionLength: 0

    function showCode(code, language) {
        editor.text = code
        languageBox.currentIndex = Math.max(0, languageBox.find(languageOf(language)))
    }
    function languageOf(name) {
        const aliases = { "py": "python", "js": "javascript", "ts": "javascript", "c++": "cpp", "cc": "cpp",
                          "sh": "shell", "bash": "shell", "rs": "rust", "golang": "go", "htm": "html" }
        const key = (name || "").toLowerCase()
        return aliases[key] || key || "text"
    }
    function selectionOrAll() {
        return editor.selectedText.length > 0 ? editor.selectedText : editor.text
    }
    function ask(instruction) {
        const code = selectionOrAll()
        if (code.trim().length === 0) return
        const fence = "```" + (languageBox.currentText === "text" ? "" : languageBox.currentText)
        if (chat.send(instruction + "\n\n" + fence + "\n" + code + "\n```")) pane.askedChat()
    }
    function complete() {
        if (codeCompletion.running) return
        const cursor = editor.cursorPosition
        if (!codeCompletion.start(editor.text.substring(0, cursor), editor.text.substring(cursor))) return
        completionStart = cursor
        completionLength = 0
    }
    function stopCompletion() { codeCompletion.stop() }

    // Replaces what this completion inserted so far with the text so far.
    Connections {
        target: codeCompletion
        function onTextChanged() {
            if (pane.completionStart < 0) return
            const text = codeCompletion.text
            if (pane.completionLength > 0)
                editor.remove(pane.completionStart, pane.completionStart + pane.completionLength)
            editor.insert(pane.completionStart, text)
            pane.completionLength = text.length
            editor.cursorPosition = pane.completionStart + text.length
        }
        function onFinished() {
            if (pane.completionStart < 0) return
            // The editor was read-only while the text streamed in; the cursor goes after the insertion now.
            editor.cursorPosition = pane.completionStart + pane.completionLength
            pane.completionStart = -1
        }
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        // Header.
        Rectangle {
            Layout.fillWidth: true
            height: 52
            color: Theme.sidebar
            Rectangle { anchors.bottom: parent.bottom; width: parent.width; height: 1; color: Theme.border }
            RowLayout {
                anchors.fill: parent
                anchors.leftMargin: 16
                anchors.rightMargin: 10
                spacing: 6
                Text {
                    text: qsTr("Code")
                    color: Theme.text
                    font.pixelSize: Theme.titleSize
                    font.weight: Font.DemiBold
                }
                Item { Layout.fillWidth: true }
                ThemedComboBox {
                    id: languageBox
                    objectName: "languageBox"
                    model: ["text", "c", "cpp", "css", "go", "html", "java", "javascript", "json", "python",
                            "rust", "shell", "sql"]
                    implicitWidth: 130
                    implicitHeight: 30
                    font.pixelSize: Theme.scaled(12)
                }
                IconButton {
                    iconName: "copy"; iconSize: 15
                    tip: qsTr("Copy")
                    onClicked: chat.copyText(pane.selectionOrAll())
                }
                IconButton {
                    iconName: "save"; iconSize: 15
                    tip: qsTr("Save as…")
                    onClicked: saveDialog.open()
                }
                IconButton {
                    iconName: "close"; iconSize: 15
                    tip: qsTr("Close (Ctrl+K)")
                    onClicked: pane.visible = false
                }
            }
        }

        // Blocks of this conversation.
        Text {
            Layout.leftMargin: 16
            Layout.topMargin: 12
            text: qsTr("In this conversation (%1)").arg(codeBlocks.count)
            color: Theme.textFaint
            font.pixelSize: Theme.scaled(11)
            font.weight: Font.DemiBold
            font.capitalization: Font.AllUppercase
        }
        ListView {
            id: blockList
            objectName: "codeBlockList"
            Layout.fillWidth: true
            Layout.preferredHeight: Math.min(contentHeight, 150)
            Layout.topMargin: 4
            clip: true
            model: codeBlocks
            delegate: ItemDelegate {
                width: ListView.view.width
                height: 32
                hoverEnabled: true
                leftPadding: 16
                background: Rectangle {
                    anchors.fill: parent
                    anchors.leftMargin: 6
                    anchors.rightMargin: 6
                    radius: 6
                    color: parent.hovered ? Theme.hover : "transparent"
                }
                contentItem: RowLayout {
                    spacing: 8
                    Text {
                        text: language.length > 0 ? language : "text"
                        color: Theme.accent
                        font.family: Theme.monoFamily
                        font.pixelSize: Theme.scaled(11)
                        Layout.preferredWidth: 70
                        elide: Text.ElideRight
                    }
                    Text {
                        Layout.fillWidth: true
                        text: summary
                        color: Theme.textMuted
                        font.family: Theme.monoFamily
                        font.pixelSize: Theme.scaled(12)
                        elide: Text.ElideRight
                    }
                }
                onClicked: pane.showCode(code, language)
            }
            Text {
                visible: blockList.count === 0
                anchors.left: parent.left
                anchors.leftMargin: 16
                text: qsTr("Code blocks from replies appear here.")
                color: Theme.textFaint
                font.pixelSize: Theme.scaled(12)
            }
        }

        // Editor.
        Rectangle {
            Layout.fillWidth: true
            Layout.fillHeight: true
            Layout.margins: 10
            radius: Theme.radius
            color: Theme.codeBackground
            border.color: Theme.border
            ScrollView {
                anchors.fill: parent
                anchors.margins: 1
                TextArea {
                    id: editor
                    objectName: "codeEditor"
                    font.family: Theme.monoFamily
                    font.pixelSize: Theme.monoSize
                    color: Theme.codeText
                    selectionColor: Theme.accent
                    selectByMouse: true
                    wrapMode: TextArea.NoWrap
                    placeholderText: qsTr("Paste or open code here")
                    placeholderTextColor: Theme.textFaint
                    padding: 12
                    tabStopDistance: 4 * fontMetrics.averageCharacterWidth
                    background: null
                    readOnly: codeCompletion.running
                    Keys.onPressed: event => {
                        if (event.key === Qt.Key_Space && (event.modifiers & Qt.ControlModifier)) {
                            pane.complete()
                            event.accepted = true
                        } else if (event.key === Qt.Key_Escape && codeCompletion.running) {
                            pane.stopCompletion()
                            event.accepted = true
                        }
                    }
                    FontMetrics { id: fontMetrics; font: editor.font }
                }
            }
            CodeHighlighter {
                document: editor.textDocument
                language: languageBox.currentText
                dark: Theme.dark
            }
        }

        // Why the last completion did not run (no model, nothing before the cursor).
        Text {
            objectName: "completionError"
            visible: codeCompletion.error.length > 0
            Layout.fillWidth: true
            Layout.leftMargin: 12
            Layout.rightMargin: 12
            Layout.bottomMargin: 6
            text: codeCompletion.error
            color: Theme.danger
            font.pixelSize: Theme.scaled(12)
            wrapMode: Text.Wrap
        }

        // Actions on the selection.
        Flow {
            Layout.fillWidth: true
            Layout.leftMargin: 10
            Layout.rightMargin: 10
            Layout.bottomMargin: 12
            spacing: 6
            FlatButton {
                objectName: "completeButton"
                primary: true
                text: codeCompletion.running ? qsTr("Stop") : qsTr("Complete")
                enabled: codeCompletion.running || (models.status === ModelController.Ready && !chat.generating)
                ToolTip.visible: hovered
                ToolTip.delay: 600
                ToolTip.text: codeCompletion.running ? qsTr("Stop (Esc)")
                                                     : qsTr("Continue the code at the cursor (Ctrl+Space)")
                onClicked: codeCompletion.running ? pane.stopCompletion() : pane.complete()
            }
            Repeater {
                model: [
                    { label: qsTr("Explain"), prompt: qsTr("Explain what this code does, step by step.") },
                    { label: qsTr("Refactor"), prompt: qsTr("Refactor this code to be clearer, keeping its behaviour.") },
                    { label: qsTr("Write tests"), prompt: qsTr("Write unit tests for this code.") },
                    { label: qsTr("Find bugs"), prompt: qsTr("Find bugs in this code and show the fixes.") }
                ]
                delegate: FlatButton {
                    objectName: "action_" + modelData.label
                    text: modelData.label
                    enabled: editor.text.trim().length > 0 && !chat.generating && !codeCompletion.running
                    onClicked: pane.ask(modelData.prompt)
                }
            }
        }
    }

    FileDialog {
        id: saveDialog
        fileMode: FileDialog.SaveFile
        title: qsTr("Save code as")
        onAccepted: textFiles.save(selectedFile, editor.text)
    }
}
