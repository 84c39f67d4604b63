// One message. The user's on the right in a bubble; the assistant's across
// the column as Markdown with highlighted code blocks, its stats, and
// actions (copy, regenerate, token probabilities, ‹ n/m › between branches).
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import NeoxStudio.Native

Item {
    id: root
    signal openCode(string code, string language)
    // The row of chat.messages: {messageId, role, text, blocks, status, error,
    // siblingIndex, siblingCount, completionTokens, tokensPerSecond, timeToFirstTokenMs, tokens}.
    required property var message

    readonly property bool isUser: message.role === "user"
    readonly property bool streaming: message.status === "streaming"
    property bool editing: false
    property bool showTokens: false
    // The token under the mouse in the probability view, and its chip.
    property var hoveredToken: null
    property Item hoveredChip: null
    readonly property real columnWidth: Math.min(width - 48, Theme.contentWidth)

    implicitHeight: body.implicitHeight + 12
    height: implicitHeight
    z: hoveredChip ? 1 : 0  // the token tooltip may reach over the next message

    HoverHandler { id: hover }

    ColumnLayout {
        id: body
        width: root.columnWidth
        anchors.horizontalCenter: parent.horizontalCenter
        spacing: 6

        // ---- user message: the bubble, with Copy and Edit beside it on hover ----
        RowLayout {
            visible: root.isUser && !root.editing
            Layout.alignment: Qt.AlignRight
            spacing: 2
            IconButton {
                iconName: "copy"; iconSize: 15; width: 28; height: 28
                tip: qsTr("Copy")
                opacity: hover.hovered ? 1 : 0
                onClicked: chat.copyText(message.text)
            }
            IconButton {
                objectName: "editButton"
                iconName: "edit"; iconSize: 15; width: 28; height: 28
                tip: qsTr("Edit (makes a new branch)")
                opacity: hover.hovered ? 1 : 0
                enabled: !chat.generating
                onClicked: {
                    editArea.text = message.text
                    root.editing = true
                    editArea.forceActiveFocus()
                }
            }
            Rectangle {
                id: bubble
                Layout.maximumWidth: root.columnWidth * 0.8
                implicitWidth: userText.implicitWidth + 32
                implicitHeight: userText.implicitHeight + 22
                radius: Theme.radiusLarge
                color: Theme.userBubble
                TextEdit {
                    id: userText
                    objectName: "userText"
                    x: 16; y: 11
                    width: Math.min(implicitWidth, root.columnWidth * 0.8 - 32)
                    text: message.text
                    textFormat: TextEdit.PlainText
                    readOnly: true
                    selectByMouse: true
                    wrapMode: TextEdit.Wrap
                    color: Theme.text
                    font.pixelSize: Theme.fontSize
                    selectionColor: Theme.accent
                }
            }
        }
        // Editing a user message: a new branch is sent.
        Rectangle {
            visible: root.isUser && root.editing
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
                Keys.onEscapePressed: root.editing = false
            }
            Row {
                anchors.right: parent.right
                anchors.bottom: parent.bottom
                anchors.margins: 10
                spacing: 8
                FlatButton { text: qsTr("Cancel"); onClicked: root.editing = false }
                FlatButton {
                    objectName: "editSendButton"
                    primary: true
                    text: qsTr("Send")
                    enabled: !chat.generating
                    onClicked: {
                        if (chat.editMessage(message.messageId, editArea.text)) root.editing = false
                    }
                }
            }
        }

        // ---- assistant message ----
        RowLayout {
            visible: !root.isUser
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
                    font.pixelSize: Theme.scaled(13)
                    font.weight: Font.Bold
                }
            }
            ColumnLayout {
                Layout.fillWidth: true
                spacing: 10
                // Prose and code blocks. A Column (not a layout) so each block's
                // height follows its content as it streams in.
                Column {
                    Layout.fillWidth: true
                    Layout.preferredWidth: 1  // grows by fillWidth (an implicit width of 0 would pin it)
                    spacing: 10
                    Repeater {
                        model: root.isUser ? [] : message.blocks
                        delegate: Loader {
                            width: parent ? parent.width : 0
                            height: item ? item.implicitHeight : 0
                            sourceComponent: modelData.kind === "code" ? codeComponent : proseComponent
                            property var block: modelData
                        }
                    }
                }
                // Typing indicator before the first words.
                Row {
                    visible: root.streaming && message.text.length === 0
                    spacing: 5
                    Layout.topMargin: 6
                    Repeater {
                        model: 3
                        Rectangle {
                            width: 7; height: 7; radius: 3.5
                            color: Theme.textFaint
                            SequentialAnimation on opacity {
                                loops: Animation.Infinite
                                running: root.streaming
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
                    visible: message.status === "failed"
                    Layout.fillWidth: true
                    implicitHeight: errorText.implicitHeight + 20
                    radius: Theme.radius
                    color: Theme.dangerSoft
                    Text {
                        id: errorText
                        anchors.fill: parent
                        anchors.margins: 10
                        text: message.error
                        color: Theme.danger
                        font.pixelSize: Theme.scaled(13)
                        wrapMode: Text.Wrap
                    }
                }
                // Token probabilities (transparency): each token shaded by how sure the model was.
                Flow {
                    visible: root.showTokens
                    Layout.fillWidth: true
                    spacing: 1
                    Repeater {
                        model: root.showTokens ? message.tokens : []
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
                                font.pixelSize: Theme.scaled(12)
                            }
                            objectName: "tokenChip"
                            // A plain item shows the tooltip (below): a popup took the hover away from
                            // the chip when it opened (Qt 6.4), so it flickered.
                            HoverHandler {
                                onHoveredChanged: {
                                    if (hovered) {
                                        root.hoveredToken = modelData
                                        root.hoveredChip = parent
                                    } else if (root.hoveredChip === parent) {
                                        root.hoveredChip = null
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }

        // ---- footer: branches, actions, stats ----
        RowLayout {
            Layout.fillWidth: true
            Layout.leftMargin: root.isUser ? 0 : 42
            spacing: 2
            visible: !root.editing && !root.streaming && (!root.isUser || message.siblingCount > 1)
            Item { visible: root.isUser; Layout.fillWidth: true }
            IconButton {
                visible: message.siblingCount > 1
                objectName: "previousBranch"
                iconName: "left"; iconSize: 14; width: 24; height: 24
                enabled: message.siblingIndex > 1
                tip: qsTr("Previous version")
                onClicked: chat.showSibling(message.messageId, -1)
            }
            Text {
                visible: message.siblingCount > 1
                objectName: "branchLabel"
                text: message.siblingIndex + " / " + message.siblingCount
                color: Theme.textMuted
                font.pixelSize: Theme.scaled(12)
            }
            IconButton {
                visible: message.siblingCount > 1
                objectName: "nextBranch"
                iconName: "right"; iconSize: 14; width: 24; height: 24
                enabled: message.siblingIndex < message.siblingCount
                tip: qsTr("Next version")
                onClicked: chat.showSibling(message.messageId, 1)
            }
            IconButton {
                visible: !root.isUser
                iconName: "copy"; iconSize: 15; width: 28; height: 28
                tip: qsTr("Copy")
                onClicked: chat.copyText(message.text)
            }
            IconButton {
                visible: !root.isUser
                objectName: "regenerateButton"
                iconName: "refresh"; iconSize: 15; width: 28; height: 28
                tip: qsTr("Regenerate")
                enabled: !chat.generating
                onClicked: chat.regenerate(message.messageId)
            }
            IconButton {
                visible: !root.isUser && message.tokens.length > 0
                objectName: "tokensButton"
                iconName: "bars"; iconSize: 15; width: 28; height: 28
                checked: root.showTokens
                tip: qsTr("Token probabilities")
                onClicked: root.showTokens = !root.showTokens
            }
            Text {
                visible: !root.isUser && message.status === "stopped"
                text: qsTr("Stopped")
                color: Theme.textMuted
                font.pixelSize: Theme.scaled(12)
                font.italic: true
                leftPadding: 6
            }
            Text {
                objectName: "replyStats"
                visible: !root.isUser && message.completionTokens > 0
                text: qsTr("%1 tokens · %2 tok/s · %3 ms to first token")
                          .arg(message.completionTokens)
                          .arg(message.tokensPerSecond.toFixed(1))
                          .arg(Math.round(message.timeToFirstTokenMs))
                color: Theme.textFaint
                font.pixelSize: Theme.scaled(12)
                leftPadding: 6
            }
            Item { visible: !root.isUser; Layout.fillWidth: true }
        }
    }

    Component {
        id: proseComponent
        TextEdit {
            objectName: "prose"
            // The Loader holding this item carries the block.
            readonly property var block: parent && parent.block ? parent.block : ({})
            text: Markdown.html(block.text || "", Theme.dark, Theme.fontSize)
            textFormat: TextEdit.RichText
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
            onOpenInCodePane: root.openCode(code, language)
        }
    }

    // The hovered token: its probability and the alternatives the model weighed, below the chip.
    Rectangle {
        id: tokenTip
        objectName: "tokenTooltip"
        visible: root.showTokens && root.hoveredChip !== null && root.hoveredToken !== null
        readonly property point at: root.hoveredChip
            ? root.hoveredChip.mapToItem(root, 0, root.hoveredChip.height + 4) : Qt.point(0, 0)
        x: Math.max(0, Math.min(at.x, root.width - width))
        y: at.y
        width: tipText.implicitWidth + 16
        height: tipText.implicitHeight + 12
        radius: 6
        color: Theme.surface
        border.color: Theme.borderStrong
        Text {
            id: tipText
            objectName: "tokenTooltipText"
            anchors.centerIn: parent
            textFormat: Text.PlainText
            color: Theme.text
            font.family: Theme.monoFamily
            font.pixelSize: Theme.scaled(12)
            text: {
                const t = root.hoveredToken
                if (!t) return ""
                let lines = [JSON.stringify(t.text) + "  " + (t.probability * 100).toFixed(1) + "%"]
                for (const alt of t.alternatives)
                    lines.push("   " + JSON.stringify(alt.text) + "  " + (alt.probability * 100).toFixed(1) + "%")
                return lines.join("\n")
            }
        }
    }
}
