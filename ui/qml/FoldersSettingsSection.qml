// Settings page: the data folder (the database; a change holds from the next
// start), the app's models folder, and folders of models the user adds.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtQuick.Dialogs

SettingsSection {
    id: section
    title: qsTr("Folders")

    FolderDialog {
        id: dataFolderDialog
        title: qsTr("Data folder (conversations and downloads)")
        onAccepted: appSettings.setNextDataFolder(selectedFolder.toString())
    }
    FolderDialog {
        id: modelsFolderDialog
        title: qsTr("A folder with models")
        onAccepted: appSettings.addModelsFolder(selectedFolder.toString())
    }

    component PathText: Text {
        Layout.fillWidth: true
        color: Theme.text
        font.pixelSize: Theme.smallSize
        font.family: Theme.monoFamily
        elide: Text.ElideMiddle
    }

    SettingRow {
        label: qsTr("Data folder")
        help: appSettings.nextDataFolder.length > 0 && appSettings.nextDataFolder !== appSettings.dataFolder
              ? qsTr("From the next start: %1").arg(appSettings.nextDataFolder)
              : qsTr("Conversations, settings and the app's models.")
        Row {
            spacing: 6
            FlatButton { text: qsTr("Show"); onClicked: appSettings.reveal(appSettings.dataFolder) }
            FlatButton { objectName: "changeDataFolderButton"; text: qsTr("Change…"); onClicked: dataFolderDialog.open() }
        }
    }
    PathText { objectName: "dataFolderText"; text: appSettings.dataFolder; Layout.topMargin: -6 }

    SettingRow {
        label: qsTr("NeoX Studio's models")
        help: qsTr("Downloads go here.")
        FlatButton { objectName: "showModelsFolderButton"; text: qsTr("Show"); onClicked: appSettings.reveal(appSettings.appModelsFolder) }
    }
    PathText { text: appSettings.appModelsFolder; Layout.topMargin: -6 }

    SettingRow {
        label: qsTr("Your model folders")
        help: qsTr("Read in place, never copied. Hugging Face, LM Studio, Ollama and GPT4All stores are found on their own.")
        Row {
            spacing: 6
            FlatButton { objectName: "rescanButton"; text: modelLibrary.scanning ? qsTr("Scanning…") : qsTr("Rescan"); enabled: !modelLibrary.scanning; onClicked: modelLibrary.refresh() }
            FlatButton { objectName: "addFolderButton"; text: qsTr("Add folder…"); primary: true; onClicked: modelsFolderDialog.open() }
        }
    }
    Text {
        visible: appSettings.modelsFolders.length === 0
        text: qsTr("None added.")
        color: Theme.textFaint
        font.pixelSize: Theme.smallSize
        Layout.topMargin: -4
    }
    Repeater {
        model: appSettings.modelsFolders
        delegate: RowLayout {
            required property string modelData
            Layout.fillWidth: true
            Layout.topMargin: -4
            spacing: 6
            PathText { text: modelData }
            IconButton {
                objectName: "removeFolderButton"
                iconName: "close"
                iconSize: 14
                implicitWidth: 26
                implicitHeight: 26
                tip: qsTr("Stop reading this folder (nothing is deleted)")
                onClicked: appSettings.removeModelsFolder(modelData)
            }
        }
    }
}
