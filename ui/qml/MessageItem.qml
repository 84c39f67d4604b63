// One message. The user's on the right in a bubble; the assistant's across
// the column as Markdown with highlighted code blocks, its stats, and
// actions (copy, regenerate, token probabilities, ‹ n/m › between branches).
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

Item {
    id: item
    signal openCode(string code, string language)

    readonly property bool isUser: model.role === "user"
    readonly property bool streaming: model.status === "streaming"
    property bool editing: false
    property bool showTokens: false
    readonly property real columnWidth: Math.min(width - 48, Theme.contentWidth)

    implicitHeight: body.implicitHeight + 12
    height: implicitHeight

    HoverHandler { id: hover }

    ColumnLayout {
        id: body
        width: item.columnWidth
        anchors.horizontalCenter: parent.horizontalCenter
        spacing: 6

        // ---- user message ----
        Rectangle {
            id: bubble
            visible: item.isUser && !item.editing
            Layout.alignment: Qt.AlignRight
            Layout.maximumWidth: item.columnWidth * 0.8
            implicitWidth: userText.implicitWidth + 32
            implicitHeight: userText.implicitHeight + 22
            radius: Theme.radiusLarge
            color: Theme.userBubble
            TextEdit {
                id: userText
                objectName: "userText"
                x: 16; y: 11
                width: Math.min(implicitWidth, item.columnWidth * 0.8 - 32)
                text: model.text
                textFormat: TextEdit.PlainText
                readOnly: true
                selectByMouse: true
                wrapMode: TextEdit.Wrap
                color: Theme.text
                font.pixelSize: Theme.fontSize
                selectionColor: Theme.accent
            }
        }
        // Editing a user message: a new branch is sent.
        Rectangle {
            visible: item.isUser && item.editing
            Layout.fillWidth: true
            implicitHeight: editArea.implicitHeight + 56
            radius: Theme.radiusLarge
            color: Theme.surface
            border.color: Theme.accent
            TextArea {
                id: editArea
                objectName: "editArea"
                anchors.left: parent.left
                anchors.right: parent.right
                anchors.top: parent.top
                anchors.margins: 8
                wrapMode: TextArea.Wrap
                color: Theme.text
                font.pixelSize: Theme.fontSize
                background: null
                Keys.onEscapePressed: item.editing = false
            }
            Row {
                anchors.right: parent.right
                anchors.bottom: parent.bottom
                anchors.margins: 10
                spacing: 8
                FlatButton { text: qsTr("Cancel"); onClicked: item.editing = false }
                FlatButton {
                    objectName: "editSendButton"
                    primary: true
                    text: qsTr("Send")
                    enabled: !chat.generating
                    onClicked: {
                        if (chat.editMessage(model.messageId, editArea.text)) item.editing = false
                    }
                }
            }
        }

        // ---- assistant message ----
        RowLayout {
            visible: !item.isUser
            Layout.fillWidth: true
            spacing: 14
            Rectangle {
                Layout.alignment: Qt.AlignTop
                Layout.topMargin: 2
                width: 28; height: 28; radius: 14
                color: Theme.accentSoft
                Text {
                    anchors.centerIn: parent
                    text: "N"
                    color: Theme.accent
                    font.pixelSize: 13
                    font.weight: Font.Bold
                }
            }
            ColumnLayout {
                Layout.fillWidth: true
                spacing: 10
                Repeater {
                    model: item.isUser ? [] : blocks
                    delegate: Loader {
                        Layout.fillWidth: true
                        sourceComponent: modelData.kind === "code" ? codeComponent : proseComponent
                        property var block: modelData
                    }
                }
                // Typing indicator before the first words.
                Row {
                    visible: item.streaming && model.text.length === 0
                    spacing: 5
                    Layout.topMargin: 6
                    Repeater {
                        model: 3
                        Rectangle {
                            width: 7; height: 7; radius: 3.5
                            color: Theme.textFaint
                            SequentialAnimation on opacity {
                                loops: Animation.Infinite
                                running: item.streaming
                                PauseAnimation { duration: index * 150 }
                                NumberAnimation { from: 0.25; to: 1; duration: 350 }
                                NumberAnimation { from: 1; to: 0.25; duration: 350 }
                                PauseAnimation { duration: (2 - index) * 150 }
                            }
                        }
                    }
                }
                // Failed: the reason, in the message where it happened.
                Rectangle {
                    objectName: "replyError"
                    visible: model.status === "failed"
                    Layout.fillWidth: true
                    implicitHeight: errorText.implicitHeight + 20
                    radius: Theme.radius
                    color: Theme.dangerSoft
                    Text {
                        id: errorText
                        anchors.fill: parent
                        anchors.margins: 10
                        text: model.error
                        color: Theme.danger
                        font.pixelSize: 13
                        wrapMode: Text.Wrap
                    }
                }
                // Token probabilities (transparency): each token shaded by how sure the model was.
                Flow {
                    visible: item.showTokens
                    Layout.fillWidth: true
                    spacing: 1
                    Repeater {
                        model: item.showTokens ? tokens : []
                        delegate: Rectangle {
                            width: tokenText.implicitWidth + 2
                            height: tokenText.implicitHeight + 2
                            radius: 3
                            color: Qt.rgba(Theme.accent.r, Theme.accent.g, Theme.accent.b, 0.08 + 0.5 * (1 - modelData.probability))
                            Text {
                                id: tokenText
                                anchors.centerIn: parent
                                text: modelData.text.replace(/\n/g, "↵")
                                color: Theme.text
                                font.family: Theme.monoFamily
                                font.pixelSize: 12
                            }
                            HoverHandler { id: tokenHover }
                            ToolTip.visible: tokenHover.hovered
                            ToolTip.text: {
                                let lines = [JSON.stringify(modelData.text) + "  " + (modelData.probability * 100).toFixed(1) + "%"]
                                for (const alt of modelData.alternatives)
                                    lines.push("   " + JSON.stringify(alt.text) + "  " + (alt.probability * 100).toFixed(1) + "%")
                                return lines.join("\n")
                            }
                        }
                    }
                }
            }
        }

        // ---- footer: branches, actions, stats ----
        RowLayout {
            Layout.fillWidth: true
            Layout.leftMargin: item.isUser ? 0 : 42
            spacing: 2
            opacity: hover.hovered || model.siblingCount > 1 || !item.isUser ? 1 : 0
            visible: !item.editing && !item.streaming
            Item { visible: item.isUser; Layout.fillWidth: true }
            IconButton {
                visible: model.siblingCount > 1
                objectName: "previousBranch"
                iconName: "left"; iconSize: 14; width: 24; height: 24
                enabled: model.siblingIndex > 1
                tip: qsTr("Previous version")
                onClicked: chat.showSibling(model.messageId, -1)
            }
            Text {
                visible: model.siblingCount > 1
                objectName: "branchLabel"
                text: model.siblingIndex + " / " + model.siblingCount
                color: Theme.textMuted
                font.pixelSize: 12
            }
            IconButton {
                visible: model.siblingCount > 1
                objectName: "nextBranch"
                iconName: "right"; iconSize: 14; width: 24; height: 24
                enabled: model.siblingIndex < model.siblingCount
                tip: qsTr("Next version")
                onClicked: chat.showSibling(model.messageId, 1)
            }
            IconButton {
                iconName: "copy"; iconSize: 15; width: 28; height: 28
                tip: qsTr("Copy")
                opacity: hover.hovered ? 1 : 0
                onClicked: chat.copyText(model.text)
            }
            IconButton {
                visible: item.isUser
                objectName: "editButton"
                iconName: "edit"; iconSize: 15; width: 28; height: 28
                tip: qsTr("Edit")
                opacity: hover.hovered ? 1 : 0
                enabled: !chat.generating
                onClicked: {
                    editArea.text = model.text
                    item.editing = true
                    editArea.forceActiveFocus()
                }
            }
            IconButton {
                visible: !item.isUser
                objectName: "regenerateButton"
                iconName: "refresh"; iconSize: 15; width: 28; height: 28
                tip: qsTr("Regenerate")
                opacity: hover.hovered ? 1 : 0
                enabled: !chat.generating
                onClicked: chat.regenerate(model.messageId)
            }
            IconButton {
                visible: !item.isUser && tokens.length > 0
                iconName: "bars"; iconSize: 15; width: 28; height: 28
                checked: item.showTokens
                tip: qsTr("Token probabilities")
                opacity: hover.hovered || item.showTokens ? 1 : 0
                onClicked: item.showTokens = !item.showTokens
            }
            Text {
                visible: !item.isUser && model.status === "stopped"
                text: qsTr("Stopped")
                color: Theme.textMuted
                font.pixelSize: 12
                font.italic: true
                leftPadding: 6
            }
            Text {
                objectName: "replyStats"
                visible: !item.isUser && model.completionTokens > 0
                text: qsTr("%1 tokens · %2 tok/s · %3 ms to first token")
                          .arg(model.completionTokens)
                          .arg(model.tokensPerSecond.toFixed(1))
                          .arg(Math.round(model.timeToFirstTokenMs))
                color: Theme.textFaint
                font.pixelSize: 12
                leftPadding: 6
            }
            Item { visible: !item.isUser; Layout.fillWidth: true }
        }
    }

    Component {
        id: proseComponent
        TextEdit {
            objectName: "prose"
            // The Loader holding this item carries the block.
            readonly property var block: parent && parent.block ? parent.block : ({})
            text: block.text || ""
            textFormat: TextEdit.MarkdownText
            readOnly: true
            selectByMouse: true
            wrapMode: TextEdit.Wrap
            color: Theme.text
            font.pixelSize: Theme.fontSize
            selectionColor: Theme.accent
            onLinkActivated: link => Qt.openUrlExternally(link)
        }
    }
    Component {
        id: codeComponent
        CodeBlock {
            readonly property var block: parent && parent.block ? parent.block : ({})
            code: block.text || ""
            language: block.language || ""
            onOpenInCodePane: item.openCode(code, language)
        }
    }
}
