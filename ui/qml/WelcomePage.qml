// The welcome screen on the first start without a model: this computer's
// devices and memory, models already on disk, and the catalog model that
// fits best, with Download, Choose existing and Skip. Once dismissed it
// never shows again.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

Rectangle {
    id: page
    objectName: "welcomePage"
    color: Theme.window
    signal chooseExisting()
    property string error: ""
    readonly property var rec: firstRun.recommendation

    // Swallow clicks meant for the chat underneath.
    MouseArea { anchors.fill: parent; acceptedButtons: Qt.AllButtons }

    ScrollView {
        id: scroll
        anchors.fill: parent
        contentWidth: availableWidth
        clip: true

        ColumnLayout {
            width: Math.min(scroll.availableWidth - 48, 640)
            x: (scroll.availableWidth - width) / 2
            spacing: 18

            Item { implicitHeight: Math.max(24, (scroll.height - 640) / 3) }
            Text {
                Layout.fillWidth: true
                text: qsTr("Welcome to NeoX Studio")
                color: Theme.text
                font.pixelSize: Theme.fontSize + 12
                font.weight: Font.DemiBold
            }
            Text {
                Layout.fillWidth: true
                text: qsTr("Chat and code with language models that run on this computer. Nothing you type leaves it.")
                color: Theme.textMuted
                font.pixelSize: Theme.fontSize
                wrapMode: Text.Wrap
            }

            // This computer.
            SettingsSection {
                title: qsTr("This computer")
                Repeater {
                    model: appSettings.devices
                    delegate: RowLayout {
                        required property var modelData
                        Layout.fillWidth: true
                        spacing: 10
                        Icon { name: "chip"; size: 16; color: modelData.backend === "cpu" || modelData.type === "CPU" ? Theme.textMuted : Theme.accent }
                        Text {
                            Layout.fillWidth: true
                            text: modelData.backend === "cpu" ? qsTr("CPU: %1 (%2 threads)").arg(modelData.name).arg(appSettings.maxThreads)
                                                              : modelData.backend.toUpperCase() + ": " + modelData.name
                            color: Theme.text
                            font.pixelSize: Theme.smallSize + 1
                            elide: Text.ElideRight
                        }
                        Text {
                            text: modelData.memory > 0 ? appSettings.formatBytes(modelData.memory) : ""
                            color: Theme.textMuted
                            font.pixelSize: Theme.smallSize
                            font.family: Theme.monoFamily
                        }
                    }
                }
                Text {
                    objectName: "welcomeRam"
                    Layout.fillWidth: true
                    text: qsTr("Memory: %1 free of %2").arg(appSettings.formatBytes(firstRun.ramAvailable)).arg(appSettings.formatBytes(firstRun.ramTotal))
                    color: Theme.text
                    font.pixelSize: Theme.smallSize + 1
                }
                Text {
                    objectName: "welcomeFound"
                    Layout.fillWidth: true
                    text: modelLibrary.scanning ? qsTr("Looking for models you already have…")
                          : modelLibrary.count > 0 ? (modelLibrary.count === 1 ? qsTr("Found 1 model already on disk") : qsTr("Found %1 models already on disk").arg(modelLibrary.count))
                                                     + qsTr(" (Hugging Face, LM Studio, Ollama, GPT4All and your folders); they are used where they are, not copied.")
                          : qsTr("No models found on disk yet.")
                    color: modelLibrary.count > 0 ? Theme.success : Theme.textMuted
                    font.pixelSize: Theme.smallSize + 1
                    wrapMode: Text.Wrap
                }
            }

            // The recommendation.
            SettingsSection {
                title: qsTr("Recommended for this computer")
                Text {
                    objectName: "welcomeRecommendation"
                    Layout.fillWidth: true
                    text: page.rec.name ? page.rec.name + " (" + page.rec.quantization + ")" : qsTr("Nothing in the catalog fits the memory that is free now.")
                    color: Theme.text
                    font.pixelSize: Theme.fontSize + 1
                    font.weight: Font.DemiBold
                    wrapMode: Text.Wrap
                }
                Text {
                    Layout.fillWidth: true
                    visible: !!page.rec.name
                    text: (page.rec.reason || "") + (page.rec.license ? "\n" + qsTr("Licence: %1 · download about %2").arg(page.rec.license).arg(appSettings.formatBytes(page.rec.sizeBytes)) : "")
                    color: Theme.textMuted
                    font.pixelSize: Theme.smallSize + 1
                    wrapMode: Text.Wrap
                }
                Text {
                    Layout.fillWidth: true
                    visible: page.error.length > 0
                    text: page.error
                    color: Theme.danger
                    font.pixelSize: Theme.smallSize
                    wrapMode: Text.Wrap
                }
            }

            RowLayout {
                Layout.fillWidth: true
                spacing: 8
                FlatButton {
                    objectName: "welcomeDownloadButton"
                    visible: !!page.rec.name
                    primary: true
                    text: qsTr("Download %1").arg(page.rec.name || "")
                    onClicked: {
                        page.error = firstRun.downloadRecommended()
                        if (page.error.length === 0) page.chooseExisting()
                    }
                }
                FlatButton {
                    objectName: "welcomeChooseButton"
                    text: qsTr("Choose a model I have")
                    onClicked: { firstRun.dismiss(); page.chooseExisting() }
                }
                Item { Layout.fillWidth: true }
                FlatButton {
                    objectName: "welcomeSkipButton"
                    text: qsTr("Skip")
                    onClicked: firstRun.dismiss()
                }
            }
            Item { implicitHeight: 24 }
        }
    }
}
