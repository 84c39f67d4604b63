// About NeoX Studio (F1): version, commit, build type, the backends compiled
// in and the devices found on this machine, the licence and links. The facts
// come from BuildInfo (app/shell/about_info.h), the same source as
// `neox-studio --version` and `neox --version`.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtQuick.Shapes
import NeoxStudio.Native

Popup {
    id: about
    objectName: "aboutDialog"
    modal: true
    focus: true
    anchors.centerIn: Overlay.overlay
    width: Math.min(520, (parent ? parent.width : 520) - 48)
    padding: 24
    closePolicy: Popup.CloseOnEscape | Popup.CloseOnPressOutside

    // Filled when the dialog opens: listing devices initialises the GPU backends.
    property var devices: []
    onAboutToShow: devices = BuildInfo.findDevices()

    background: Rectangle {
        color: Theme.raised
        radius: Theme.radiusLarge
        border.color: Theme.border
    }

    contentItem: ColumnLayout {
        spacing: 14

        RowLayout {
            spacing: 14
            // The app's mark, the shapes of resources/icons/neox-studio.svg (a
            // chat bubble holding an N) scaled from its 256 grid (16-unit margin)
            // to 56 px; drawn here so no SVG image plugin is needed at run time.
            Rectangle {
                id: mark
                readonly property real k: 56 / 224
                function at(v) { return (v - 16) * k }
                Layout.preferredWidth: 56
                Layout.preferredHeight: 56
                radius: 52 * k
                gradient: Gradient {
                    orientation: Gradient.Vertical
                    GradientStop { position: 0; color: "#6e6cf0" }
                    GradientStop { position: 1; color: "#4341c4" }
                }
                Rectangle {
                    x: mark.at(48); y: mark.at(56)
                    width: 160 * mark.k; height: 128 * mark.k
                    radius: 32 * mark.k
                    color: "#ffffff"
                }
                Shape {
                    anchors.fill: parent
                    antialiasing: true
                    ShapePath {  // the bubble's tail
                        strokeColor: "#ffffff"
                        fillColor: "#ffffff"
                        strokeWidth: 8 * mark.k
                        joinStyle: ShapePath.RoundJoin
                        startX: mark.at(76); startY: mark.at(176)
                        PathLine { x: mark.at(64); y: mark.at(212) }
                        PathLine { x: mark.at(116); y: mark.at(180) }
                    }
                    ShapePath {  // the N
                        strokeColor: "#5250d8"
                        strokeWidth: 20 * mark.k
                        fillColor: "transparent"
                        capStyle: ShapePath.RoundCap
                        joinStyle: ShapePath.RoundJoin
                        startX: mark.at(96); startY: mark.at(152)
                        PathLine { x: mark.at(96); y: mark.at(88) }
                        PathLine { x: mark.at(160); y: mark.at(152) }
                        PathLine { x: mark.at(160); y: mark.at(88) }
                    }
                }
            }
            ColumnLayout {
                spacing: 2
                Label {
                    text: "NeoX Studio"
                    color: Theme.text
                    font.pixelSize: Theme.scaled(20)
                    font.weight: Font.DemiBold
                }
                Label {
                    objectName: "aboutVersion"
                    text: "Version " + BuildInfo.version
                    color: Theme.textMuted
                }
            }
        }

        Label {
            Layout.fillWidth: true
            wrapMode: Text.WordWrap
            color: Theme.text
            text: "Chat and code with GPT-NeoX-family language models that run on this computer."
        }

        ColumnLayout {
            objectName: "aboutFacts"
            Layout.fillWidth: true
            spacing: 4
            Repeater {
                model: [
                    ["Commit", BuildInfo.commit],
                    ["Build", BuildInfo.buildType + ", " + BuildInfo.compiler + ", Qt " + BuildInfo.qtVersion],
                    ["Backends built", BuildInfo.compiledBackends.join(", ")],
                    ["Devices found", about.devices.join("\n")],
                    ["Licence", BuildInfo.license]
                ]
                delegate: Item {
                    // One fact: the name (column 1) then its value (column 2).
                    required property var modelData
                    Layout.fillWidth: true
                    implicitHeight: Math.max(name.implicitHeight, value.implicitHeight)
                    Label {
                        id: name
                        width: 110
                        text: modelData[0]
                        color: Theme.textMuted
                    }
                    Label {
                        id: value
                        x: 122
                        width: parent.width - x
                        text: modelData[1]
                        color: Theme.text
                        wrapMode: Text.WrapAnywhere
                    }
                }
            }
        }

        Label {
            Layout.fillWidth: true
            wrapMode: Text.WordWrap
            color: Theme.textMuted
            textFormat: Text.StyledText
            linkColor: Theme.accent
            text: "<a href=\"" + BuildInfo.homepage + "\">Project page</a> · "
                  + "<a href=\"https://www.apache.org/licenses/LICENSE-2.0\">Apache License 2.0</a> · "
                  + "Built with <a href=\"https://www.qt.io/\">Qt</a>"
            onLinkActivated: link => Qt.openUrlExternally(link)
            HoverHandler { cursorShape: parent.hoveredLink ? Qt.PointingHandCursor : Qt.ArrowCursor }
        }

        RowLayout {
            Layout.fillWidth: true
            Item { Layout.fillWidth: true }
            FlatButton {
                text: copied.visible ? "Copied" : "Copy details"
                onClicked: {
                    // No clipboard API in QML: copy through an invisible text field.
                    clipboardText.text = BuildInfo.reportText()
                    clipboardText.selectAll()
                    clipboardText.copy()
                    copied.restart()
                }
                Timer { id: copied; interval: 1500; readonly property bool visible: running }
            }
            FlatButton {
                objectName: "aboutClose"
                text: "Close"
                primary: true
                onClicked: about.close()
            }
        }

        TextEdit {
            id: clipboardText
            visible: false
        }
    }
}
