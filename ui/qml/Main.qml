// The main window: conversations on the left, the chat in the middle, the
// code pane on the right (toggle with Ctrl+K), settings in a drawer.
// Context objects from C++ (StudioApp): chat, conversations, searchResults,
// models, codeBlocks, initialTheme, storageNotice.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtQuick.Window
import Qt.labs.settings
import NeoxStudio.Native

ApplicationWindow {
    id: window
    objectName: "mainWindow"
    width: 1240
    height: 800
    minimumWidth: 760
    minimumHeight: 480
    visible: true
    title: chat.title.length > 0 ? chat.title + " — NeoX Studio" : "NeoX Studio"
    color: Theme.window
    font.family: Theme.fontFamily
    font.pixelSize: Theme.fontSize

    property alias codePaneOpen: codePane.visible
    property alias settingsOpen: settingsDrawer.opened
    // "chat", "models" or "settings": the Models and Settings pages cover the chat.
    property string page: "chat"
    function showPage(name) { window.page = window.page === name ? "chat" : name }

    function focusInput() { chatPane.focusInput() }
    function openInCodePane(code, language) {
        codePane.visible = true
        codePane.showCode(code, language)
    }
    function toggleTheme() { Theme.dark = !Theme.dark }

    // Window geometry, pane sizes and theme, remembered between runs.
    Settings {
        id: remembered
        category: "window"
        property alias x: window.x
        property alias y: window.y
        property alias width: window.width
        property alias height: window.height
        property alias codePaneOpen: codePane.visible
        property bool dark: false
        property var splitState   // SplitView.saveState(): the pane sizes
    }
    Component.onCompleted: {
        Theme.dark = initialTheme === "dark" || (initialTheme === "" && remembered.dark)
        if (remembered.splitState) split.restoreState(remembered.splitState)
        focusInput()
    }
    onClosing: remembered.splitState = split.saveState()
    Component.onDestruction: remembered.splitState = split.saveState()
    Connections {
        target: Theme
        function onDarkChanged() { remembered.dark = Theme.dark }
    }

    Shortcut { sequence: "Ctrl+N"; onActivated: { chat.newConversation(); window.focusInput() } }
    Shortcut { sequence: "Ctrl+F"; onActivated: sidebar.focusSearch() }
    Shortcut { sequence: "Ctrl+L"; onActivated: window.focusInput() }
    Shortcut { sequence: "Ctrl+K"; onActivated: codePane.visible = !codePane.visible }
    Shortcut { sequence: "Ctrl+,"; onActivated: settingsDrawer.opened ? settingsDrawer.close() : settingsDrawer.open() }
    Shortcut { sequence: "Ctrl+Shift+L"; onActivated: window.toggleTheme() }
    Shortcut { sequence: "F1"; onActivated: aboutDialog.open() }  // About: version, build, devices
    Shortcut { sequence: "Ctrl+M"; onActivated: window.showPage("models") }
    Shortcut { sequences: ["Ctrl+Shift+,", "Ctrl+Shift+<"]; onActivated: window.showPage("settings") }
    Shortcut {
        sequence: "Esc"
        enabled: window.page !== "chat" && !chat.generating && models.status !== ModelController.Loading
        onActivated: window.page = "chat"
    }
    Binding { target: Theme; property: "fontSize"; value: appSettings.fontSize }
    Shortcut {
        sequence: "Esc"
        enabled: chat.generating || models.status === ModelController.Loading
        onActivated: chat.generating ? chat.stop() : models.cancelLoad()
    }

    SplitView {
        id: split
        anchors.fill: parent
        orientation: Qt.Horizontal
        handle: Rectangle {
            implicitWidth: 1
            color: SplitHandle.hovered || SplitHandle.pressed ? Theme.accent : Theme.border
            // A wider invisible grip than the 1 px line.
            containmentMask: Item { x: -4; width: 9; height: split.height }
        }

        Sidebar {
            id: sidebar
            SplitView.minimumWidth: 210
            SplitView.preferredWidth: 268
            SplitView.maximumWidth: 420
            onConversationChosen: (id, messageId) => {
                chat.openConversation(id, messageId)
                window.focusInput()
            }
            onNewChat: { chat.newConversation(); window.focusInput() }
            onOpenModels: window.page = "models"
            onOpenSettings: window.page = "settings"
            onOpenAbout: aboutDialog.open()
        }

        ChatPane {
            id: chatPane
            SplitView.fillWidth: true
            SplitView.minimumWidth: 380
            codePaneOpen: codePane.visible
            onOpenCode: (code, language) => window.openInCodePane(code, language)
            onToggleCodePane: codePane.visible = !codePane.visible
            onOpenSettings: settingsDrawer.open()
            onToggleTheme: window.toggleTheme()
        }

        CodePane {
            id: codePane
            visible: false
            SplitView.minimumWidth: 300
            SplitView.preferredWidth: 460
            onAskedChat: window.focusInput()
        }
    }

    SettingsDrawer {
        id: settingsDrawer
        height: window.height
        onChooseModel: window.page = "models"
    }

    ModelsPage {
        anchors.fill: parent
        visible: window.page === "models"
        onClosed: window.page = "chat"
        onOpenSettings: window.page = "settings"
    }
    SettingsPage {
        anchors.fill: parent
        visible: window.page === "settings"
        onClosed: window.page = "chat"
        onOpenModels: window.page = "models"
    }
    WelcomePage {
        anchors.fill: parent
        visible: firstRun.active
        onChooseExisting: window.page = "models"
    }

    AboutDialog { id: aboutDialog }

    UndoToast {
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.bottom: parent.bottom
        anchors.bottomMargin: 24
    }
}
