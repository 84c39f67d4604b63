// The Models page (Ctrl+M): the models on this computer (the app's folder,
// your folders, models imported in place, and other apps' stores read
// without copying), the catalog to download from, and the downloads queue.
// Drop model files or folders anywhere on the page to import them.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtQuick.Dialogs

Rectangle {
    id: page
    objectName: "modelsPage"
    color: Theme.window
    property int tab: 0   // 0 on this computer, 1 catalog, 2 downloads
    signal closed()
    signal openSettings()

    readonly property var contextSizes: [512, 1024, 2048, 4096, 8192, 16384, 32768]

    FileDialog {
        id: importDialog
        title: qsTr("Import models (.gguf, or a model folder's config.json)")
        fileMode: FileDialog.OpenFiles
        nameFilters: [qsTr("Models (*.gguf *.safetensors config.json)"), qsTr("All files (*)")]
        onAccepted: modelLibrary.importPaths(selectedFiles)
    }
    FolderDialog {
        id: importFolderDialog
        title: qsTr("A model folder, or a folder of models")
        onAccepted: modelLibrary.importPaths([selectedFolder])
    }
    ConfirmPopup {
        id: trashConfirm
        objectName: "trashConfirm"
        property int row: -1
        title: qsTr("Move to the trash?")
        acceptText: qsTr("Move to trash")
        destructive: true
        onAccepted: {
            const error = modelLibrary.trash(row)
            if (error.length > 0) trashError.message = error
        }
    }
    ModelDefaultsPopup { id: defaultsPopup }

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        // Header: back, title, tabs, actions.
        Rectangle {
            Layout.fillWidth: true
            implicitHeight: 96
            color: Theme.window
            Rectangle { anchors.bottom: parent.bottom; width: parent.width; height: 1; color: Theme.border }
            RowLayout {
                id: titleRow
                anchors.left: parent.left
                anchors.right: parent.right
                anchors.top: parent.top
                anchors.topMargin: 10
                anchors.leftMargin: 12
                anchors.rightMargin: 16
                spacing: 8
                IconButton {
                    objectName: "modelsBackButton"
                    iconName: "left"
                    tip: qsTr("Back to the chat (Esc)")
                    onClicked: page.closed()
                }
                Text {
                    text: qsTr("Models")
                    color: Theme.text
                    font.pixelSize: Theme.titleSize + 3
                    font.weight: Font.DemiBold
                }
                Text {
                    objectName: "modelsSummary"
                    Layout.fillWidth: true
                    text: modelLibrary.scanning && modelLibrary.count === 0 ? qsTr("Looking for models…")
                          : modelLibrary.count === 1 ? qsTr("1 model on this computer")
                          : qsTr("%1 models on this computer").arg(modelLibrary.count)
                    color: Theme.textMuted
                    font.pixelSize: Theme.smallSize
                    elide: Text.ElideRight
                }
                FlatButton { objectName: "importButton"; text: qsTr("Import file…"); onClicked: importDialog.open() }
                FlatButton { text: qsTr("Import folder…"); onClicked: importFolderDialog.open() }
                IconButton {
                    objectName: "rescanModelsButton"
                    iconName: "refresh"
                    enabled: !modelLibrary.scanning
                    tip: qsTr("Look for models again")
                    onClicked: { modelLibrary.refresh(); downloads.refreshCatalog() }
                }
                IconButton {
                    iconName: "sliders"
                    tip: qsTr("Settings (Ctrl+Shift+,)")
                    onClicked: page.openSettings()
                }
            }
            RowLayout {
                anchors.left: parent.left
                anchors.right: parent.right
                anchors.bottom: parent.bottom
                anchors.leftMargin: 20
                anchors.rightMargin: 16
                spacing: 4
                TabButtonFlat { objectName: "localTab"; text: qsTr("On this computer"); current: page.tab === 0; onClicked: page.tab = 0 }
                TabButtonFlat { objectName: "catalogTab"; text: qsTr("Catalog"); current: page.tab === 1; onClicked: page.tab = 1 }
                TabButtonFlat {
                    objectName: "downloadsTab"
                    text: qsTr("Downloads")
                    badge: downloads.activeCount
                    current: page.tab === 2
                    onClicked: page.tab = 2
                }
                Item { Layout.fillWidth: true }
                Text {
                    visible: page.tab !== 2
                    text: qsTr("Fit at")
                    color: Theme.textMuted
                    font.pixelSize: Theme.smallSize
                }
                ThemedComboBox {
                    objectName: "fitContextBox"
                    visible: page.tab !== 2
                    width: 140
                    Layout.bottomMargin: 6
                    model: page.contextSizes.map(n => n + qsTr(" tokens"))
                    currentIndex: Math.max(0, page.contextSizes.indexOf(modelLibrary.contextLength))
                    onActivated: index => modelLibrary.contextLength = page.contextSizes[index]
                    ToolTip.visible: hovered
                    ToolTip.delay: 600
                    ToolTip.text: qsTr("The context length the fit estimates are for")
                }
            }
        }

        Banner {
            objectName: "modelsNotice"
            Layout.fillWidth: true
            visible: modelLibrary.notice.length > 0
            kind: "info"
            message: modelLibrary.notice
            actionText: qsTr("OK")
            onAction: modelLibrary.dismissNotice()
        }
        Banner {
            objectName: "quantizeNotice"
            Layout.fillWidth: true
            visible: quantizer.notice.length > 0
            kind: quantizer.noticeIsError ? "error" : "info"
            message: quantizer.notice
            actionText: qsTr("OK")
            onAction: quantizer.dismissNotice()
        }
        Banner {
            id: trashError
            objectName: "trashError"
            Layout.fillWidth: true
            visible: message.length > 0
            kind: "error"
            actionText: qsTr("OK")
            onAction: message = ""
        }
        Banner {
            objectName: "downloadsNotice"
            Layout.fillWidth: true
            visible: downloads.notice.length > 0
            kind: downloads.notice.indexOf("failed") >= 0 ? "error" : "info"
            message: downloads.notice
            actionText: qsTr("OK")
            secondaryText: page.tab !== 2 ? qsTr("Show downloads") : ""
            onAction: downloads.dismissNotice()
            onSecondary: page.tab = 2
        }

        StackLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            currentIndex: page.tab

            // On this computer.
            ListView {
                id: localList
                objectName: "modelList"
                clip: true
                spacing: 8
                model: modelLibrary.list
                topMargin: 16
                bottomMargin: 16
                leftMargin: 20
                rightMargin: 20
                ScrollBar.vertical: ScrollBar {}
                delegate: ModelRow {
                    width: localList.width - 40
                    onAskTrash: (row, name, path) => {
                        trashConfirm.row = row
                        trashConfirm.message = qsTr("%1 will go to the trash; you can restore it from there.\n%2").arg(name).arg(path)
                        trashConfirm.open()
                    }
                    onAskDefaults: (row, name, path) => defaultsPopup.edit(name, path)
                }
                Text {
                    anchors.centerIn: parent
                    width: Math.min(parent.width - 80, 520)
                    visible: modelLibrary.count === 0 && !modelLibrary.scanning
                    text: qsTr("No models found. Download one from the Catalog, import a .gguf file or a model folder, or drop it here.")
                    color: Theme.textMuted
                    font.pixelSize: Theme.fontSize
                    horizontalAlignment: Text.AlignHCenter
                    wrapMode: Text.Wrap
                }
            }

            // Catalog.
            ListView {
                id: catalogList
                objectName: "catalogList"
                clip: true
                spacing: 8
                model: downloads.catalog
                topMargin: 16
                bottomMargin: 16
                leftMargin: 20
                rightMargin: 20
                ScrollBar.vertical: ScrollBar {}
                header: Text {
                    width: catalogList.width - 40
                    bottomPadding: 10
                    text: downloads.catalogError.length > 0 ? downloads.catalogError
                          : qsTr("GPT-NeoX family models. Sizes are downloads; memory is for the context chosen above, against what is free now.")
                    color: downloads.catalogError.length > 0 ? Theme.danger : Theme.textMuted
                    font.pixelSize: Theme.smallSize
                    wrapMode: Text.Wrap
                }
                delegate: CatalogRow {
                    width: catalogList.width - 40
                    onDownload: (modelId, variantIndex) => {
                        const error = downloads.downloadVariant(modelId, variantIndex)
                        if (error.length > 0) trashError.message = error
                        else page.tab = 2
                    }
                }
            }

            // Downloads.
            ScrollView {
                id: downloadsScroll
                contentWidth: availableWidth
                clip: true
                DownloadsView {
                    objectName: "downloadsView"
                    x: 20
                    y: 16
                    width: downloadsScroll.availableWidth - 40
                }
            }
        }
    }

    // Drag and drop: model files or folders from the file manager.
    DropArea {
        id: drop
        anchors.fill: parent
        keys: ["text/uri-list"]
        onDropped: event => {
            if (event.hasUrls) modelLibrary.importPaths(event.urls)
            page.tab = 0
        }
        Rectangle {
            anchors.fill: parent
            anchors.margins: 8
            visible: drop.containsDrag
            radius: Theme.radiusLarge
            color: Theme.dark ? "#cc16171b" : "#ccffffff"
            border.color: Theme.accent
            border.width: 2
            Text {
                anchors.centerIn: parent
                text: qsTr("Drop .gguf files or model folders to add them (they stay where they are)")
                color: Theme.accent
                font.pixelSize: Theme.titleSize
                font.weight: Font.DemiBold
            }
        }
    }
}
