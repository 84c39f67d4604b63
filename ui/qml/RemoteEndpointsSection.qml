// Settings page: OpenAI-compatible endpoints as model sources (vLLM, TGI,
// llama.cpp's server, Ollama, another NeoX Studio). Their models appear in the
// model picker beside local ones, marked with the endpoint's name. Context
// object `remoteEndpoints` (RemoteEndpoints).
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

SettingsSection {
    id: section
    objectName: "remoteEndpointsSection"
    title: qsTr("Remote engines")
    subtitle: qsTr("Chat with models served elsewhere, e.g. a large model on a vLLM cluster. "
                   + "API keys are kept unencrypted in the app's data folder, readable only by you.")

    // The endpoint the form edits; "" while adding a new one.
    property string editingId: ""
    property bool formOpen: false

    function openForm(id, name, url, key) {
        editingId = id
        nameField.text = name
        urlField.text = url
        keyField.text = key
        remoteEndpoints.clearTest()
        remoteEndpoints.dismissError()
        formOpen = true
        urlField.forceActiveFocus()
    }
    function save() {
        const ok = editingId.length > 0
                 ? remoteEndpoints.update(editingId, nameField.text, urlField.text, keyField.text)
                 : remoteEndpoints.add(nameField.text, urlField.text, keyField.text).length > 0
        if (ok) formOpen = false
    }

    // The saved endpoints.
    Repeater {
        model: remoteEndpoints
        delegate: Rectangle {
            id: row
            required property string endpointId
            required property string name
            required property string baseUrl
            required property string apiKey
            required property bool hasKey
            required property var models
            required property string status
            required property string error
            objectName: "endpointRow"
            Layout.fillWidth: true
            implicitHeight: rowColumn.implicitHeight + 16
            radius: 6
            color: Theme.window
            border.color: Theme.border
            ColumnLayout {
                id: rowColumn
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
                        color: row.status === "ok" ? Theme.success : row.status === "error" ? Theme.danger
                             : row.status === "checking" ? Theme.accent : Theme.textFaint
                    }
                    Text {
                        text: row.name
                        color: Theme.text
                        font.pixelSize: Theme.fontSize - 1
                        font.weight: Font.DemiBold
                    }
                    Text {
                        Layout.fillWidth: true
                        text: row.baseUrl + (row.hasKey ? qsTr("  · key set") : "")
                        color: Theme.textMuted
                        font.pixelSize: Theme.smallSize
                        font.family: Theme.monoFamily
                        elide: Text.ElideMiddle
                    }
                    IconButton {
                        iconName: "refresh"
                        tip: qsTr("List its models again")
                        onClicked: remoteEndpoints.refresh(row.endpointId)
                    }
                    IconButton {
                        objectName: "editEndpointButton"
                        iconName: "edit"
                        tip: qsTr("Edit")
                        onClicked: section.openForm(row.endpointId, row.name, row.baseUrl, row.apiKey)
                    }
                    IconButton {
                        objectName: "removeEndpointButton"
                        iconName: "trash"
                        tip: qsTr("Remove")
                        onClicked: remoteEndpoints.remove(row.endpointId)
                    }
                }
                Text {
                    Layout.fillWidth: true
                    text: row.status === "error" ? row.error
                        : row.status === "checking" ? qsTr("Listing its models…")
                        : row.models.length === 0 ? qsTr("No models listed yet.")
                        : qsTr("Models: %1").arg(row.models.join(", "))
                    color: row.status === "error" ? Theme.danger : Theme.textMuted
                    font.pixelSize: Theme.smallSize
                    wrapMode: Text.Wrap
                    maximumLineCount: 3
                    elide: Text.ElideRight
                }
            }
        }
    }

    Text {
        visible: remoteEndpoints.count === 0 && !section.formOpen
        text: qsTr("No remote endpoints.")
        color: Theme.textFaint
        font.pixelSize: Theme.smallSize
    }

    FlatButton {
        objectName: "addEndpointButton"
        visible: !section.formOpen
        text: qsTr("Add endpoint…")
        onClicked: section.openForm("", "", "", "")
    }

    // Add / edit form.
    Rectangle {
        objectName: "endpointForm"
        visible: section.formOpen
        Layout.fillWidth: true
        implicitHeight: form.implicitHeight + 24
        radius: 6
        color: Theme.window
        border.color: Theme.borderStrong
        ColumnLayout {
            id: form
            anchors.left: parent.left
            anchors.right: parent.right
            anchors.top: parent.top
            anchors.margins: 12
            spacing: 8
            Text {
                text: section.editingId.length > 0 ? qsTr("Edit endpoint") : qsTr("New endpoint")
                color: Theme.text
                font.weight: Font.DemiBold
                font.pixelSize: Theme.fontSize - 1
            }
            GridLayout {
                Layout.fillWidth: true
                columns: 2
                columnSpacing: 10
                rowSpacing: 6
                Text { text: qsTr("Name"); color: Theme.textMuted; font.pixelSize: Theme.smallSize }
                ThemedTextField {
                    id: nameField
                    objectName: "endpointNameField"
                    Layout.fillWidth: true
                    placeholderText: qsTr("Lab cluster (optional)")
                }
                Text { text: qsTr("Base URL"); color: Theme.textMuted; font.pixelSize: Theme.smallSize }
                ThemedTextField {
                    id: urlField
                    objectName: "endpointUrlField"
                    Layout.fillWidth: true
                    placeholderText: "http://gpu-box:8000/v1"
                    font.family: Theme.monoFamily
                    onAccepted: remoteEndpoints.test(urlField.text, keyField.text)
                }
                Text { text: qsTr("API key"); color: Theme.textMuted; font.pixelSize: Theme.smallSize }
                ThemedTextField {
                    id: keyField
                    objectName: "endpointKeyField"
                    Layout.fillWidth: true
                    placeholderText: qsTr("Optional")
                    echoMode: showKey.checked ? TextInput.Normal : TextInput.Password
                    font.family: Theme.monoFamily
                }
            }
            RowLayout {
                spacing: 6
                CheckBox {
                    id: showKey
                    text: qsTr("Show key")
                    font.pixelSize: Theme.smallSize
                }
                Item { Layout.fillWidth: true }
                FlatButton {
                    objectName: "testConnectionButton"
                    text: remoteEndpoints.testing ? qsTr("Testing…") : qsTr("Test connection")
                    enabled: !remoteEndpoints.testing && urlField.text.length > 0
                    onClicked: remoteEndpoints.test(urlField.text, keyField.text)
                }
                FlatButton {
                    text: qsTr("Cancel")
                    onClicked: section.formOpen = false
                }
                FlatButton {
                    objectName: "saveEndpointButton"
                    primary: true
                    text: section.editingId.length > 0 ? qsTr("Save") : qsTr("Add")
                    enabled: urlField.text.length > 0
                    onClicked: section.save()
                }
            }
            // What "Test connection" found.
            Text {
                objectName: "testResult"
                Layout.fillWidth: true
                visible: remoteEndpoints.testMessage.length > 0
                text: remoteEndpoints.testMessage
                      + (remoteEndpoints.testOk && remoteEndpoints.testModels.length > 0
                         ? "\n" + remoteEndpoints.testModels.join(", ") : "")
                color: remoteEndpoints.testing ? Theme.textMuted : remoteEndpoints.testOk ? Theme.success : Theme.danger
                font.pixelSize: Theme.smallSize
                wrapMode: Text.Wrap
            }
            Text {
                objectName: "endpointError"
                Layout.fillWidth: true
                visible: remoteEndpoints.error.length > 0
                text: remoteEndpoints.error
                color: Theme.danger
                font.pixelSize: Theme.smallSize
                wrapMode: Text.Wrap
            }
        }
    }
}
