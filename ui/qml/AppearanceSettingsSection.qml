// Settings page: theme and the size of text across the app.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

SettingsSection {
    id: section
    title: qsTr("Appearance")

    SettingRow {
        label: qsTr("Theme")
        help: qsTr("Ctrl+Shift+L switches it anywhere.")
        Row {
            spacing: 6
            Repeater {
                model: [{ name: qsTr("Light"), dark: false }, { name: qsTr("Dark"), dark: true }]
                delegate: FlatButton {
                    required property var modelData
                    objectName: modelData.dark ? "darkThemeButton" : "lightThemeButton"
                    text: modelData.name
                    primary: Theme.dark === modelData.dark
                    onClicked: Theme.dark = modelData.dark
                }
            }
        }
    }

    SettingRow {
        label: qsTr("Text size")
        help: qsTr("%1 px; the default is 14.").arg(appSettings.fontSize)
        RowLayout {
            spacing: 10
            Text { text: "A"; color: Theme.textMuted; font.pixelSize: 11 }
            Slider {
                id: slider
                objectName: "fontSizeSlider"
                implicitWidth: 200
                from: 10
                to: 22
                stepSize: 1
                snapMode: Slider.SnapAlways
                value: appSettings.fontSize
                onMoved: appSettings.fontSize = value
                background: Rectangle {
                    x: slider.leftPadding
                    y: slider.topPadding + slider.availableHeight / 2 - height / 2
                    width: slider.availableWidth
                    height: 4
                    radius: 2
                    color: Theme.border
                    Rectangle { width: slider.visualPosition * parent.width; height: parent.height; radius: 2; color: Theme.accent }
                }
                handle: Rectangle {
                    x: slider.leftPadding + slider.visualPosition * (slider.availableWidth - width)
                    y: slider.topPadding + slider.availableHeight / 2 - height / 2
                    width: 16; height: 16; radius: 8
                    color: Theme.surface
                    border.color: Theme.accent
                    border.width: 2
                }
            }
            Text { text: "A"; color: Theme.textMuted; font.pixelSize: 20 }
        }
    }
}
