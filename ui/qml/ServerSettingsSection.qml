// Settings page: the local OpenAI-compatible API server over the loaded model
// (context object `apiServer`, a ServerController). Loopback by default; any
// other address needs the API key, which is generated, shown and copied here.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

SettingsSection {
    id: section
    objectName: "serverSettingsSection"
    title: qsTr("Local API server")
    subtitle: qsTr("Serves the loaded model over the OpenAI API (/v1/chat/completions, /v1/completions, "
                   + "/v1/models) to editors, scripts and other tools. The chat and API requests take turns "
                   + "on the model.")

    function isLoopback(host) {
        return host === "localhost" || host === "::1" || host === "[::1]" || host.startsWith("127.")
    }

    SettingRow {
        label: qsTr("Serve the loaded model")
        help: qsTr("Comes back on when the app starts if you leave it on.")
        Switch {
            id: toggle
            objectName: "serverSwitch"
            checked: apiServer.enabled
            onToggled: apiServer.enabled = checked
            indicator: Rectangle {
                implicitWidth: 40
                implicitHeight: 22
                x: toggle.leftPadding
                y: parent.height / 2 - height / 2
                radius: 11
                color: toggle.checked ? Theme.accent : Theme.borderStrong
                Rectangle {
                    x: toggle.checked ? parent.width - width - 3 : 3
                    y: 3
                    width: 16; height: 16; radius: 8
                    color: "#ffffff"
                    Behavior on x { NumberAnimation { duration: Theme.animationMs } }
                }
            }
        }
    }

    // Status: where it listens, or why it does not; the requests served.
    Rectangle {
        Layout.fillWidth: true
        implicitHeight: statusColumn.implicitHeight + 16
        radius: 6
        color: apiServer.state === "error" ? Theme.dangerSoft : Theme.window
        border.color: Theme.border
        ColumnLayout {
            id: statusColumn
            anchors.left: parent.left
            anchors.right: parent.right
            anchors.verticalCenter: parent.verticalCenter
            anchors.margins: 10
            spacing: 4
            RowLayout {
                Layout.fillWidth: true
                spacing: 8
                Rectangle {
                    width: 8; height: 8; radius: 4
                    color: apiServer.state === "running" ? Theme.success
                         : apiServer.state === "error" ? Theme.danger
                         : apiServer.state === "off" ? Theme.textFaint : Theme.accent
                }
                Text {
                    objectName: "serverStatus"
                    Layout.fillWidth: true
                    text: apiServer.statusText
                    color: apiServer.state === "error" ? Theme.danger : Theme.text
                    font.pixelSize: Theme.smallSize + 1
                    wrapMode: Text.Wrap
                }
                FlatButton {
                    objectName: "copyServerUrlButton"
                    visible: apiServer.running
                    text: qsTr("Copy URL")
                    onClicked: apiServer.copyToClipboard(apiServer.url)
                }
            }
            Text {
                objectName: "serverRequestCount"
                Layout.fillWidth: true
                visible: apiServer.running
                text: apiServer.requestCount === 0 ? qsTr("No requests yet.")
                    : qsTr("%n request(s) served. Last: %1", "", apiServer.requestCount).arg(apiServer.lastRequest)
                color: Theme.textMuted
                font.pixelSize: Theme.smallSize
                elide: Text.ElideRight
            }
        }
    }

    SettingRow {
        label: qsTr("Address")
        help: section.isLoopback(apiServer.host)
              ? qsTr("127.0.0.1: only programs on this computer can connect.")
              : qsTr("Other machines on the network can connect; they need the API key.")
        ThemedComboBox {
            objectName: "serverHostBox"
            width: 200
            model: apiServer.hostChoices.indexOf(apiServer.host) >= 0 ? apiServer.hostChoices
                                                                        : apiServer.hostChoices.concat([apiServer.host])
            currentIndex: model.indexOf(apiServer.host)
            onActivated: index => {
                const host = model[index]
                // Another interface needs a key: make one now, shown below.
                if (!section.isLoopback(host) && apiServer.apiKey.length === 0) apiServer.generateKey()
                apiServer.host = host
            }
        }
    }

    SettingRow {
        label: qsTr("Port")
        help: qsTr("4891 by default.")
        ThemedSpinBox {
            objectName: "serverPortBox"
            from: 1
            to: 65535
            value: apiServer.port
            textFromValue: (value, locale) => String(value)
            onValueModified: apiServer.port = value
        }
    }

    SettingRow {
        label: qsTr("API key")
        help: apiServer.loopback
              ? qsTr("Optional on 127.0.0.1. When set, clients send it as “Authorization: Bearer KEY”.")
              : qsTr("Required on this address: clients send it as “Authorization: Bearer KEY”.")
        RowLayout {
            spacing: 6
            ThemedTextField {
                objectName: "serverKeyField"
                implicitWidth: 260
                readOnly: true
                text: apiServer.apiKey
                placeholderText: qsTr("No key")
                font.family: Theme.monoFamily
                selectByMouse: true
                onTextChanged: cursorPosition = 0  // the key's start, not its end
            }
            FlatButton {
                objectName: "generateKeyButton"
                text: apiServer.apiKey.length > 0 ? qsTr("New key") : qsTr("Generate")
                onClicked: apiServer.generateKey()
            }
            FlatButton {
                objectName: "copyKeyButton"
                text: qsTr("Copy")
                enabled: apiServer.apiKey.length > 0
                onClicked: apiServer.copyToClipboard(apiServer.apiKey)
            }
            FlatButton {
                visible: apiServer.loopback && apiServer.apiKey.length > 0
                text: qsTr("Remove")
                onClicked: apiServer.clearKey()
            }
        }
    }
}
