// The app-wide Settings page (Ctrl+Shift+,): a column of sections. The
// per-conversation chat settings stay in the drawer (Ctrl+,). A section is a
// SettingsSection in the column below; add new ones there.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

Rectangle {
    id: page
    objectName: "settingsPage"
    color: Theme.window
    signal closed()
    signal openModels()

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        // Header.
        Rectangle {
            Layout.fillWidth: true
            implicitHeight: 56
            color: Theme.window
            Rectangle { anchors.bottom: parent.bottom; width: parent.width; height: 1; color: Theme.border }
            RowLayout {
                anchors.fill: parent
                anchors.leftMargin: 12
                anchors.rightMargin: 16
                spacing: 8
                IconButton {
                    objectName: "settingsBackButton"
                    iconName: "left"
                    tip: qsTr("Back to the chat (Esc)")
                    onClicked: page.closed()
                }
                Text {
                    text: qsTr("Settings")
                    color: Theme.text
                    font.pixelSize: Theme.titleSize + 3
                    font.weight: Font.DemiBold
                }
                Text {
                    Layout.fillWidth: true
                    text: qsTr("For the whole app. Chat settings (Ctrl+,) belong to each conversation.")
                    color: Theme.textMuted
                    font.pixelSize: Theme.smallSize
                    elide: Text.ElideRight
                }
                FlatButton { text: qsTr("Models (Ctrl+M)"); onClicked: page.openModels() }
            }
        }

        ScrollView {
            id: scroll
            Layout.fillWidth: true
            Layout.fillHeight: true
            contentWidth: availableWidth
            clip: true

            ColumnLayout {
                id: sections
                objectName: "settingsSections"
                width: Math.min(scroll.availableWidth - 48, 860)
                x: (scroll.availableWidth - width) / 2
                spacing: 16

                Item { implicitHeight: 8 }
                EngineSettingsSection {}
                AppearanceSettingsSection {}
                FoldersSettingsSection {}
                ServerSettingsSection {}
                RemoteEndpointsSection {}
                // Sections of other features go here.
                Item { implicitHeight: 24 }
            }
        }
    }
}
