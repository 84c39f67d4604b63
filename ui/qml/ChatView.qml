// The messages of the branch on screen. Follows a growing reply while the
// view is at the bottom; scrolling up stops following until you come back.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

Item {
    id: view
    signal openCode(string code, string language)
    signal suggestion(string text)

    ListView {
        id: list
        objectName: "messageList"
        anchors.fill: parent
        model: chat.messages
        clip: true
        spacing: 6
        topMargin: 20
        bottomMargin: 20
        boundsBehavior: Flickable.StopAtBounds
        cacheBuffer: 2000
        property bool follow: true
        ScrollBar.vertical: ScrollBar { policy: ScrollBar.AsNeeded }
        onMovementEnded: follow = atYEnd
        onContentHeightChanged: if (follow) Qt.callLater(positionViewAtEnd)
        onCountChanged: { follow = true; Qt.callLater(positionViewAtEnd) }
        delegate: MessageItem {
            required property var model
            message: model
            width: ListView.view.width
            onOpenCode: (code, language) => view.openCode(code, language)
        }
    }

    Connections {
        target: chat
        function onFocusMessage(messageId) {
            const row = chat.messages.rowOf(messageId)
            if (row < 0) return
            list.follow = false
            Qt.callLater(() => list.positionViewAtIndex(row, ListView.Center))
        }
        function onConversationChanged() { list.follow = true }
    }

    // Empty state: a welcome and a few prompts to start with.
    Column {
        objectName: "emptyState"
        anchors.centerIn: parent
        visible: list.count === 0
        spacing: 18
        width: Math.min(parent.width - 48, 560)
        Rectangle {
            anchors.horizontalCenter: parent.horizontalCenter
            width: 52; height: 52; radius: 14
            color: Theme.accentSoft
            Icon { anchors.centerIn: parent; name: "chat"; size: 26; color: Theme.accent }
        }
        Text {
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            text: qsTr("What shall we work on?")
            color: Theme.text
            font.pixelSize: Theme.scaled(22)
            font.weight: Font.DemiBold
        }
        Text {
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            text: qsTr("Everything runs on this computer. Conversations are saved as you go.")
            color: Theme.textMuted
            font.pixelSize: Theme.scaled(13)
            wrapMode: Text.Wrap
        }
        Grid {
            anchors.horizontalCenter: parent.horizontalCenter
            columns: 2
            spacing: 10
            Repeater {
                model: [qsTr("Explain what a KV cache is"), qsTr("Write a Python function that parses CSV"),
                        qsTr("Review this C++ snippet for bugs"), qsTr("Summarise the GPT-NeoX architecture")]
                delegate: AbstractButton {
                    id: card
                    width: 260
                    height: 56
                    hoverEnabled: true
                    onClicked: view.suggestion(modelData)
                    background: Rectangle {
                        radius: Theme.radius + 2
                        color: card.hovered ? Theme.hover : Theme.surface
                        border.color: Theme.border
                    }
                    contentItem: Text {
                        text: modelData
                        color: Theme.textMuted
                        font.pixelSize: Theme.scaled(13)
                        wrapMode: Text.Wrap
                        leftPadding: 14
                        rightPadding: 14
                        verticalAlignment: Text.AlignVCenter
                    }
                }
            }
        }
    }
}
