// The chat column: a top bar (title, model, pane toggles), the model's
// loading/error banner, the messages, and the composer.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtQuick.Dialogs
import NeoxStudio.Native

Rectangle {
    id: pane
    color: Theme.window
    property bool codePaneOpen: false
    signal openCode(string code, string language)
    signal toggleCodePane()
    signal openSettings()
    signal toggleTheme()

    function focusInput() { composer.focusInput() }
    function setDraft(text) { composer.setDraft(text) }
    function chooseModel() { modelDialog.open() }

    FileDialog {
        id: modelDialog
        title: qsTr("Choose a model (.gguf file or a model folder's config.json)")
        nameFilters: [qsTr("Models (*.gguf *.json *.safetensors)"), qsTr("All files (*)")]
        onAccepted: {
            var path = selectedFile.toString()
            // A Hugging Face folder is chosen through a file inside it.
            if (!path.endsWith(".gguf")) path = path.substring(0, path.lastIndexOf("/"))
            models.load(path)
        }
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        // Top bar.
        Rectangle {
            Layout.fillWidth: true
            height: 52
            color: Theme.window
            Rectangle { anchors.bottom: parent.bottom; width: parent.width; height: 1; color: Theme.border }
            RowLayout {
                anchors.fill: parent
                anchors.leftMargin: 20
                anchors.rightMargin: 12
                spacing: 6
                Text {
                    objectName: "chatTitle"
                    Layout.fillWidth: true
                    text: chat.title.length > 0 ? chat.title : qsTr("New chat")
                    color: Theme.text
                    font.pixelSize: Theme.titleSize
                    font.weight: Font.DemiBold
                    elide: Text.ElideRight
                }
                ModelChip {
                    onClicked: pane.chooseModel()
                }
                Item { width: 4 }
                IconButton {
                    objectName: "themeButton"
                    iconName: "theme"
                    tip: Theme.dark ? qsTr("Light theme (Ctrl+Shift+L)") : qsTr("Dark theme (Ctrl+Shift+L)")
                    onClicked: pane.toggleTheme()
                }
                IconButton {
                    objectName: "settingsButton"
                    iconName: "sliders"
                    tip: qsTr("Chat settings (Ctrl+,)")
                    onClicked: pane.openSettings()
                }
                IconButton {
                    objectName: "codePaneButton"
                    iconName: "code"
                    checkable: false
                    checked: pane.codePaneOpen
                    tip: qsTr("Code pane (Ctrl+K)")
                    onClicked: pane.toggleCodePane()
                }
            }
        }

        ModelBanner {
            Layout.fillWidth: true
            onChooseModel: pane.chooseModel()
        }
        Banner {
            objectName: "chatErrorBanner"
            Layout.fillWidth: true
            visible: chat.error.length > 0
            kind: "error"
            message: chat.error
            actionText: qsTr("Dismiss")
            onAction: chat.dismissError()
        }
        Banner {
            Layout.fillWidth: true
            visible: conversations.error.length > 0 || textFiles.error.length > 0
            kind: "error"
            message: conversations.error.length > 0 ? conversations.error : textFiles.error
            actionText: qsTr("Dismiss")
            onAction: { conversations.dismissError(); textFiles.dismissError() }
        }
        Banner {
            Layout.fillWidth: true
            visible: storageNotice.length > 0 && !dismissed
            property bool dismissed: false
            kind: "warning"
            message: storageNotice
            actionText: qsTr("OK")
            onAction: dismissed = true
        }

        ChatView {
            id: chatView
            Layout.fillWidth: true
            Layout.fillHeight: true
            onOpenCode: (code, language) => pane.openCode(code, language)
            onSuggestion: text => composer.setDraft(text)
        }

        Composer {
            id: composer
            Layout.fillWidth: true
        }
    }
}
