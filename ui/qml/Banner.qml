// A strip under the top bar for errors and notices, with one action.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

Rectangle {
    id: banner
    property string kind: "error"   // "error", "warning", "info"
    property string message: ""
    property string actionText: ""
    property string secondaryText: ""
    signal action()
    signal secondary()

    implicitHeight: visible ? layout.implicitHeight + 20 : 0
    color: kind === "error" ? Theme.dangerSoft : kind === "warning" ? Theme.warningSoft : Theme.accentSoft
    Rectangle { anchors.bottom: parent.bottom; width: parent.width; height: 1; color: Theme.border }

    RowLayout {
        id: layout
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.verticalCenter: parent.verticalCenter
        anchors.leftMargin: 20
        anchors.rightMargin: 14
        spacing: 12
        Icon {
            name: banner.kind === "info" ? "chip" : "warning"
            size: 18
            color: banner.kind === "error" ? Theme.danger : Theme.textMuted
        }
        Text {
            objectName: "bannerText"
            Layout.fillWidth: true
            text: banner.message
            color: Theme.text
            font.pixelSize: Theme.scaled(13)
            wrapMode: Text.Wrap
            maximumLineCount: 4
            elide: Text.ElideRight
        }
        FlatButton {
            visible: banner.secondaryText.length > 0
            text: banner.secondaryText
            onClicked: banner.secondary()
        }
        FlatButton {
            visible: banner.actionText.length > 0
            text: banner.actionText
            onClicked: banner.action()
        }
    }
}
