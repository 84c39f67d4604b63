// One download: name, state, a progress bar, bytes, speed and time left;
// Pause / Resume / Cancel; the error in words when it failed (a checksum
// mismatch means the file was not registered as a model).
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

Rectangle {
    id: row
    required property int index
    required property var model   // the row's roles (Item already has a `state`)
    readonly property string name: model.name
    readonly property string destination: model.destination
    readonly property int downloadState: model.state
    readonly property string stateName: model.stateName
    readonly property real received: model.received
    readonly property real total: model.total
    readonly property real fraction: model.fraction
    readonly property real bytesPerSecond: model.bytesPerSecond
    readonly property real etaSeconds: model.etaSeconds
    readonly property string error: model.error

    // DownloadState: 0 queued, 1 downloading, 2 paused, 3 verifying, 4 finished, 5 failed, 6 cancelled.
    readonly property bool failed: downloadState === 5
    function duration(s) {
        if (s < 0) return ""
        if (s < 60) return qsTr("%1 s left").arg(s)
        if (s < 3600) return qsTr("%1 min left").arg(Math.ceil(s / 60))
        return qsTr("%1 h %2 min left").arg(Math.floor(s / 3600)).arg(Math.round((s % 3600) / 60))
    }
    readonly property string stateText: ["Queued", "Downloading", "Paused", "Verifying checksum…", "Done", "Failed", "Cancelled"][downloadState] || stateName

    objectName: "downloadRow"
    visible: downloadState !== 6
    implicitHeight: visible ? column.implicitHeight + 22 : 0
    radius: Theme.radius
    color: failed ? Theme.dangerSoft : Theme.surface
    border.color: failed ? Theme.danger : Theme.border

    ColumnLayout {
        id: column
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.verticalCenter: parent.verticalCenter
        anchors.leftMargin: 16
        anchors.rightMargin: 12
        spacing: 6
        RowLayout {
            Layout.fillWidth: true
            spacing: 8
            Text {
                Layout.fillWidth: true
                text: row.name
                color: Theme.text
                font.pixelSize: Theme.fontSize - 1
                font.weight: Font.DemiBold
                elide: Text.ElideMiddle
            }
            Text {
                objectName: "downloadState"
                text: row.stateText
                color: row.failed ? Theme.danger : row.downloadState === 4 ? Theme.success : Theme.textMuted
                font.pixelSize: Theme.smallSize
                font.weight: Font.DemiBold
            }
            FlatButton {
                objectName: "pauseButton"
                visible: row.downloadState === 0 || row.downloadState === 1
                implicitHeight: 26
                text: qsTr("Pause")
                onClicked: downloads.pause(row.index)
            }
            FlatButton {
                objectName: "resumeButton"
                visible: row.downloadState === 2 || row.failed
                implicitHeight: 26
                text: row.failed ? qsTr("Retry") : qsTr("Resume")
                primary: true
                onClicked: downloads.resume(row.index)
            }
            FlatButton {
                objectName: "cancelButton"
                visible: row.downloadState <= 2 || row.failed
                implicitHeight: 26
                text: row.failed ? qsTr("Remove") : qsTr("Cancel")
                onClicked: downloads.cancel(row.index)
            }
        }
        // Progress bar.
        Rectangle {
            Layout.fillWidth: true
            visible: row.downloadState !== 4
            implicitHeight: 6
            radius: 3
            color: Theme.border
            Rectangle {
                objectName: "progressFill"
                width: parent.width * Math.max(0, Math.min(1, row.fraction))
                height: parent.height
                radius: 3
                color: row.failed ? Theme.danger : row.downloadState === 2 ? Theme.textFaint : Theme.accent
                Behavior on width { NumberAnimation { duration: 200 } }
            }
        }
        RowLayout {
            Layout.fillWidth: true
            spacing: 14
            Text {
                objectName: "downloadBytes"
                text: row.total > 0 ? qsTr("%1 of %2 (%3%)").arg(appSettings.formatBytes(row.received))
                                                           .arg(appSettings.formatBytes(row.total))
                                                           .arg(Math.floor(row.fraction * 100))
                                    : appSettings.formatBytes(row.received)
                color: Theme.text
                font.pixelSize: Theme.smallSize
            }
            Text {
                objectName: "downloadSpeed"
                visible: row.downloadState === 1 && row.bytesPerSecond > 0
                text: appSettings.formatBytes(row.bytesPerSecond) + "/s"
                color: Theme.textMuted
                font.pixelSize: Theme.smallSize
            }
            Text {
                objectName: "downloadEta"
                visible: row.downloadState === 1 && row.etaSeconds >= 0
                text: row.duration(row.etaSeconds)
                color: Theme.textMuted
                font.pixelSize: Theme.smallSize
            }
            Item { Layout.fillWidth: true }
            Text {
                Layout.maximumWidth: 360
                text: row.destination
                color: Theme.textFaint
                font.pixelSize: Theme.smallSize - 1
                font.family: Theme.monoFamily
                elide: Text.ElideMiddle
            }
        }
        Text {
            objectName: "downloadError"
            Layout.fillWidth: true
            visible: row.error.length > 0
            text: row.error
            color: Theme.danger
            font.pixelSize: Theme.smallSize
            wrapMode: Text.Wrap
        }
    }
}
