// Settings page: which backend and device run the model, CPU threads, GPU
// layers and the default context length. They apply at the next load.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import NeoxStudio.Native

SettingsSection {
    id: section
    title: qsTr("Engine")
    subtitle: qsTr("Used the next time a model loads. A model's own defaults (Models page) take precedence.")

    readonly property var backendValues: ["auto", "cuda", "vulkan", "cpu"]
    readonly property var backendNames: [qsTr("Auto"), "CUDA", "Vulkan", "CPU"]
    // The devices of the chosen backend (all of them for Auto).
    readonly property var backendDevices: appSettings.devices.filter(
        d => appSettings.backend === "auto" || d.backend === appSettings.backend)

    SettingRow {
        label: qsTr("Backend")
        help: appSettings.backend === "auto"
              ? qsTr("Auto picks CUDA, then a Vulkan GPU, else the CPU.")
              : backendDevices.length === 0 ? qsTr("No %1 device was found; the CPU runs the model.")
                                                  .arg(section.backendNames[section.backendValues.indexOf(appSettings.backend)])
                                            : ""
        ThemedComboBox {
            objectName: "backendBox"
            width: 200
            model: section.backendNames
            currentIndex: Math.max(0, section.backendValues.indexOf(appSettings.backend))
            onActivated: index => appSettings.backend = section.backendValues[index]
        }
    }

    SettingRow {
        visible: appSettings.backend === "cuda" || appSettings.backend === "vulkan"
        label: qsTr("Device")
        ThemedComboBox {
            objectName: "deviceBox"
            width: 280
            model: [qsTr("Preferred")].concat(section.backendDevices.map(d => "#" + d.index + "  " + d.name))
            currentIndex: {
                for (let i = 0; i < section.backendDevices.length; ++i)
                    if (section.backendDevices[i].index === appSettings.deviceIndex) return i + 1
                return 0
            }
            onActivated: index => appSettings.deviceIndex = index === 0 ? -1 : section.backendDevices[index - 1].index
        }
    }

    // Every device found, with its memory.
    Rectangle {
        Layout.fillWidth: true
        implicitHeight: devicesColumn.implicitHeight + 16
        radius: 6
        color: Theme.window
        border.color: Theme.border
        ColumnLayout {
            id: devicesColumn
            objectName: "deviceList"
            anchors.left: parent.left
            anchors.right: parent.right
            anchors.top: parent.top
            anchors.margins: 8
            spacing: 2
            TextMetrics {
                id: widestBackend
                text: "VULKAN"
                font.pixelSize: Theme.smallSize
                font.weight: Font.DemiBold
            }
            Repeater {
                model: appSettings.devices
                delegate: RowLayout {
                    required property var modelData
                    Layout.fillWidth: true
                    spacing: 10
                    Icon { name: "chip"; size: 16; color: modelData.backend === "cpu" || modelData.type === "CPU" ? Theme.textMuted : Theme.accent }
                    Text {
                        text: modelData.backend.toUpperCase()
                        color: Theme.textMuted
                        font.pixelSize: Theme.smallSize
                        font.weight: Font.DemiBold
                        // One column for every backend's name, at any text size.
                        Layout.preferredWidth: widestBackend.advanceWidth + 2
                    }
                    Text {
                        Layout.fillWidth: true
                        text: modelData.name + (modelData.detail.length > 0 ? "  ·  " + modelData.detail : "")
                        color: Theme.text
                        font.pixelSize: Theme.smallSize + 1
                        elide: Text.ElideRight
                    }
                    Text {
                        visible: modelData.backend !== "cpu"
                        text: modelData.type
                        color: Theme.textMuted
                        font.pixelSize: Theme.smallSize
                    }
                    Text {
                        objectName: "deviceMemory"
                        horizontalAlignment: Text.AlignRight
                        text: modelData.memory > 0
                              ? (modelData.free > 0 ? qsTr("%1 free of %2").arg(appSettings.formatBytes(modelData.free))
                                                                             .arg(appSettings.formatBytes(modelData.memory))
                                                    : appSettings.formatBytes(modelData.memory))
                              : ""
                        color: Theme.text
                        font.pixelSize: Theme.smallSize
                        font.family: Theme.monoFamily
                    }
                }
            }
            Text {
                Layout.fillWidth: true
                visible: appSettings.unavailableBackends.length > 0
                text: appSettings.unavailableBackends.join("\n")
                color: Theme.textFaint
                font.pixelSize: Theme.smallSize
                wrapMode: Text.Wrap
            }
        }
    }

    SettingRow {
        label: qsTr("CPU threads")
        help: qsTr("This computer runs %1 threads at once.").arg(appSettings.maxThreads)
        ThemedSpinBox {
            objectName: "threadsSpin"
            from: 0
            to: appSettings.maxThreads
            value: appSettings.threads
            specialText: ({ 0: qsTr("All") })
            onValueModified: appSettings.threads = value
        }
    }

    SettingRow {
        label: qsTr("GPU layers")
        help: qsTr("Layers on the GPU; the rest run on the CPU. Auto: as many as fit.")
        enabled: appSettings.backend !== "cpu"
        ThemedSpinBox {
            objectName: "gpuLayersSpin"
            from: -1
            to: 200
            value: appSettings.gpuLayers
            specialText: ({ "-1": qsTr("Auto") })
            onValueModified: appSettings.gpuLayers = value
        }
    }

    SettingRow {
        label: qsTr("Default context length")
        help: qsTr("Tokens a conversation can hold, capped by what the model was trained on. More needs more memory.")
        ThemedComboBox {
            id: contextBox
            objectName: "contextBox"
            width: 150
            readonly property var sizes: [512, 1024, 2048, 4096, 8192, 16384, 32768]
            model: sizes.map(n => n.toLocaleString(Qt.locale(), "f", 0) + qsTr(" tokens"))
            currentIndex: Math.max(0, sizes.indexOf(appSettings.contextLength))
            onActivated: index => appSettings.contextLength = sizes[index]
        }
    }

    RowLayout {
        Layout.fillWidth: true
        visible: models.status === ModelController.Ready
        Text {
            Layout.fillWidth: true
            text: qsTr("%1 is loaded with the settings it had.").arg(models.name)
            color: Theme.textMuted
            font.pixelSize: Theme.smallSize
            elide: Text.ElideRight
        }
        FlatButton {
            objectName: "reloadButton"
            text: qsTr("Reload with these settings")
            onClicked: models.load(models.path)
        }
    }
}
