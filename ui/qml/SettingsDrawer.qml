// Per-conversation settings: model, system prompt, chat template, few-shot
// examples and sampling. Changes are saved with the conversation as they are made.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

Drawer {
    id: drawer
    objectName: "settingsDrawer"
    edge: Qt.RightEdge
    width: 360
    readonly property var s: chat.settings
    // The few-shot presets, re-read each time the drawer opens: [{id, name, examples}].
    property var fewShotPresets: []
    signal chooseModel()

    onAboutToShow: fewShotPresets = chat.fewShotPresets()

    background: Rectangle {
        color: Theme.surface
        Rectangle { width: 1; height: parent.height; color: Theme.border }
    }

    component Label_: Text {
        color: Theme.textMuted
        font.pixelSize: Theme.scaled(12)
        font.weight: Font.DemiBold
    }
    component ValueRow: RowLayout {
        property alias label: name.text
        property string value: ""
        Layout.fillWidth: true
        Label_ { id: name; Layout.fillWidth: true }
        Text { text: parent.value; color: Theme.text; font.pixelSize: Theme.scaled(12); font.family: Theme.monoFamily }
    }
    component ThemedSlider: Slider {
        id: slider
        Layout.fillWidth: true
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
    component ThemedSpin: SpinBox {
        editable: true
        font.pixelSize: Theme.scaled(12)
        implicitWidth: 130
    }

    ScrollView {
        anchors.fill: parent
        contentWidth: availableWidth
        ColumnLayout {
            width: drawer.width - 40
            x: 20
            spacing: 10

            Text {
                Layout.topMargin: 18
                text: qsTr("Chat settings")
                color: Theme.text
                font.pixelSize: Theme.scaled(17)
                font.weight: Font.DemiBold
            }
            Text {
                Layout.fillWidth: true
                text: qsTr("Saved with this conversation.")
                color: Theme.textFaint
                font.pixelSize: Theme.scaled(12)
            }

            Label_ { text: qsTr("Model"); Layout.topMargin: 8 }
            Text {
                Layout.fillWidth: true
                text: drawer.s.modelPath.length > 0 ? drawer.s.modelPath
                    : qsTr("The loaded model (%1)").arg(models.fileName.length > 0 ? models.fileName : qsTr("none"))
                color: Theme.text
                font.pixelSize: Theme.scaled(12)
                font.family: Theme.monoFamily
                wrapMode: Text.WrapAnywhere
            }
            FlatButton {
                objectName: "chooseModelButton"
                text: qsTr("Choose another model…")
                onClicked: { drawer.close(); drawer.chooseModel() }
            }

            Label_ { text: qsTr("System prompt"); Layout.topMargin: 8 }
            Rectangle {
                Layout.fillWidth: true
                implicitHeight: 90
                radius: 6
                color: Theme.window
                border.color: systemPrompt.activeFocus ? Theme.accent : Theme.border
                ScrollView {
                    anchors.fill: parent
                    TextArea {
                        id: systemPrompt
                        objectName: "systemPromptField"
                        text: drawer.s.systemPrompt
                        placeholderText: qsTr("You are a helpful assistant…")
                        placeholderTextColor: Theme.textFaint
                        color: Theme.text
                        font.pixelSize: Theme.scaled(13)
                        wrapMode: TextArea.Wrap
                        background: null
                        onEditingFinished: drawer.s.systemPrompt = text
                    }
                }
            }

            Label_ { text: qsTr("Chat template"); Layout.topMargin: 8 }
            ThemedComboBox {
                id: templateBox
                objectName: "templateBox"
                readonly property bool custom: drawer.s.chatTemplate.indexOf("{{user}}") >= 0
                Layout.fillWidth: true
                model: [qsTr("Automatic (%1)").arg(models.chatTemplate.length > 0 ? models.chatTemplate : "raw")]
                       .concat(drawer.s.chatTemplates).concat([qsTr("Write my own…")])
                currentIndex: custom ? drawer.s.chatTemplates.length + 1
                            : drawer.s.chatTemplate.length === 0 ? 0
                            : Math.max(0, drawer.s.chatTemplates.indexOf(drawer.s.chatTemplate) + 1)
                onActivated: index => {
                    if (index === drawer.s.chatTemplates.length + 1) {
                        // A starting point to edit: Dolly's layout, the placeholders the renderer knows.
                        if (!custom)
                            drawer.s.chatTemplate = "{{system}}\n\n### Instruction:\n{{user}}\n\n### Response:\n{{assistant}}\n\n"
                    } else {
                        drawer.s.chatTemplate = index === 0 ? "" : drawer.s.chatTemplates[index - 1]
                    }
                }
            }
            Rectangle {
                visible: templateBox.custom
                Layout.fillWidth: true
                implicitHeight: 130
                radius: 6
                color: Theme.window
                border.color: templateText.activeFocus ? Theme.accent : Theme.border
                ScrollView {
                    anchors.fill: parent
                    TextArea {
                        id: templateText
                        objectName: "templateTextField"
                        text: drawer.s.chatTemplate
                        color: Theme.text
                        font.family: Theme.monoFamily
                        font.pixelSize: Theme.scaled(12)
                        wrapMode: TextArea.Wrap
                        background: null
                        // Saved when it still has the placeholders the renderer needs.
                        onEditingFinished: if (text.indexOf("{{user}}") >= 0 && text.indexOf("{{assistant}}") >= 0)
                                               drawer.s.chatTemplate = text
                    }
                }
            }
            Text {
                visible: templateBox.custom
                Layout.fillWidth: true
                text: qsTr("{{system}}, {{user}} and {{assistant}} mark where the text goes; the text before {{user}} also ends a reply.")
                color: Theme.textFaint
                font.pixelSize: Theme.scaled(11)
                wrapMode: Text.Wrap
            }

            Label_ { text: qsTr("Few-shot examples"); Layout.topMargin: 8 }
            ThemedComboBox {
                id: fewShotBox
                objectName: "fewShotBox"
                Layout.fillWidth: true
                model: [qsTr("None")].concat(drawer.fewShotPresets.map(
                    p => qsTr("%1 (%n example(s))", "", p.examples).arg(p.name)))
                currentIndex: Math.max(0, drawer.fewShotPresets.findIndex(p => p.id === drawer.s.fewShotPreset) + 1)
                onActivated: index => drawer.s.fewShotPreset = index === 0 ? 0 : drawer.fewShotPresets[index - 1].id
            }
            FlatButton {
                objectName: "saveFewShotButton"
                text: qsTr("Use this chat as examples")
                enabled: chat.messages.count > 1 && !chat.generating
                onClicked: {
                    if (chat.saveAsFewShotPreset(chat.title.length > 0 ? chat.title : qsTr("Examples")) > 0)
                        drawer.fewShotPresets = chat.fewShotPresets()
                }
            }

            ValueRow { label: qsTr("Temperature"); value: drawer.s.temperature.toFixed(2); Layout.topMargin: 8 }
            ThemedSlider {
                objectName: "temperatureSlider"
                from: 0; to: 2; stepSize: 0.05
                value: drawer.s.temperature
                onMoved: drawer.s.temperature = value
            }
            ValueRow { label: qsTr("Top-p"); value: drawer.s.topP.toFixed(2) }
            ThemedSlider {
                from: 0; to: 1; stepSize: 0.01
                value: drawer.s.topP
                onMoved: drawer.s.topP = value
            }
            ValueRow { label: qsTr("Min-p"); value: drawer.s.minP.toFixed(2) }
            ThemedSlider {
                from: 0; to: 1; stepSize: 0.01
                value: drawer.s.minP
                onMoved: drawer.s.minP = value
            }
            ValueRow { label: qsTr("Repetition penalty"); value: drawer.s.repeatPenalty.toFixed(2) }
            ThemedSlider {
                from: 1; to: 2; stepSize: 0.01
                value: drawer.s.repeatPenalty
                onMoved: drawer.s.repeatPenalty = value
            }

            GridLayout {
                Layout.fillWidth: true
                Layout.topMargin: 8
                columns: 2
                columnSpacing: 12
                rowSpacing: 8
                Label_ { text: qsTr("Top-k"); Layout.fillWidth: true }
                ThemedSpin { from: 0; to: 1000; value: drawer.s.topK; onValueModified: drawer.s.topK = value }
                Label_ { text: qsTr("Max tokens"); Layout.fillWidth: true }
                ThemedSpin {
                    objectName: "maxTokensSpin"
                    from: 1; to: 32768; value: drawer.s.maxTokens
                    onValueModified: drawer.s.maxTokens = value
                }
                Label_ { text: qsTr("Context (0: model)"); Layout.fillWidth: true }
                ThemedSpin { from: 0; to: 131072; stepSize: 256; value: drawer.s.contextLength; onValueModified: drawer.s.contextLength = value }
                Label_ { text: qsTr("Seed (-1: random)"); Layout.fillWidth: true }
                ThemedSpin { from: -1; to: 2147483647; value: drawer.s.seed; onValueModified: drawer.s.seed = value }
            }

            FlatButton {
                Layout.topMargin: 12
                Layout.bottomMargin: 20
                text: qsTr("Reset to defaults")
                onClicked: drawer.s.resetToDefaults()
            }
        }
    }
}
