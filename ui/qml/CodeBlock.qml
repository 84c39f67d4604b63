// A fenced code block in a message: language, Copy, Save as… and
// "Open in code pane" in its header; the code highlighted below.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtQuick.Dialogs
import NeoxStudio.Native

Rectangle {
    id: block
    objectName: "codeBlock"
    property string code: ""
    property string language: ""
    signal openInCodePane()

    implicitHeight: header.height + codeText.implicitHeight + 24
    radius: Theme.radius
    color: Theme.codeBackground
    border.color: Theme.border
    clip: true

    Rectangle {
        id: header
        width: parent.width
        height: 34
        color: Theme.codeHeader
        radius: Theme.radius
        Rectangle { anchors.bottom: parent.bottom; width: parent.width; height: Theme.radius; color: Theme.codeHeader }
        RowLayout {
            anchors.fill: parent
            anchors.leftMargin: 12
            anchors.rightMargin: 6
            spacing: 2
            Text {
                Layout.fillWidth: true
                text: block.language.length > 0 ? block.language : qsTr("text")
                color: Theme.textMuted
                font.family: Theme.monoFamily
                font.pixelSize: Theme.scaled(12)
            }
            IconButton {
                objectName: "copyCodeButton"
                iconName: copied.running ? "check" : "copy"
                iconSize: 15; width: 28; height: 28
                tip: qsTr("Copy code")
                onClicked: { chat.copyText(block.code); copied.restart() }
                Timer { id: copied; interval: 1500 }
            }
            IconButton {
                iconName: "save"
                iconSize: 15; width: 28; height: 28
                tip: qsTr("Save as…")
                onClicked: saveDialog.open()
            }
            IconButton {
                objectName: "openInCodePaneButton"
                iconName: "code"
                iconSize: 15; width: 28; height: 28
                tip: qsTr("Open in code pane")
                onClicked: block.openInCodePane()
            }
        }
    }

    TextEdit {
        id: codeText
        anchors.top: header.bottom
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.margins: 12
        text: block.code
        textFormat: TextEdit.PlainText
        readOnly: true
        selectByMouse: true
        wrapMode: TextEdit.Wrap
        color: Theme.codeText
        font.family: Theme.monoFamily
        font.pixelSize: Theme.monoSize
        selectionColor: Theme.accent
    }
    CodeHighlighter {
        document: codeText.textDocument
        language: block.language
        dark: Theme.dark
    }

    FileDialog {
        id: saveDialog
        fileMode: FileDialog.SaveFile
        title: qsTr("Save code as")
        onAccepted: textFiles.save(selectedFile, block.code)
    }
}
