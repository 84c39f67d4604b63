// A line icon drawn from a path on a 24×24 grid, so it scales crisply and
// takes the theme's colours. name: one of the keys of `paths`.
import QtQuick
import QtQuick.Shapes

Item {
    id: icon
    property string name: "plus"
    property color color: Theme.text
    property real size: 18
    property real lineWidth: 1.8
    property bool filled: false

    readonly property var paths: ({
        "plus": "M12 5 L12 19 M5 12 L19 12",
        "search": "M10.5 4.5 A6 6 0 1 1 10.49 4.5 Z M15 15 L20 20",
        "stop": "M7 7 L17 7 L17 17 L7 17 Z",
        "send": "M12 19 L12 5 M6 11 L12 5 L18 11",
        "copy": "M9 9 L19 9 L19 19 L9 19 Z M5 15 L5 5 L15 5",
        "code": "M9 7 L4 12 L9 17 M15 7 L20 12 L15 17",
        "sliders": "M4 7 L20 7 M4 17 L20 17 M9 4.5 L9 9.5 M15 14.5 L15 19.5",
        "theme": "M12 4 A8 8 0 1 1 11.99 4 Z M12 4 L12 20",
        "pin": "M9 4 L15 4 M10 4 L10 10 L7 14 L17 14 L14 10 L14 4 M12 14 L12 20",
        "edit": "M5 19 L5.8 15.2 L15.5 5.5 L18.5 8.5 L8.8 18.2 Z M13.5 7.5 L16.5 10.5",
        "trash": "M5 7 L19 7 M10 7 L10 4.5 L14 4.5 L14 7 M7 7 L8 19.5 L16 19.5 L17 7",
        "refresh": "M19 12 A7 7 0 1 1 16.95 7.05 M19 4 L19 8 L15 8",
        "left": "M14 6 L8 12 L14 18",
        "right": "M10 6 L16 12 L10 18",
        "close": "M6 6 L18 18 M18 6 L6 18",
        "sidebar": "M4 5 L20 5 L20 19 L4 19 Z M9.5 5 L9.5 19",
        "chip": "M7 7 L17 7 L17 17 L7 17 Z M10 3.5 L10 7 M14 3.5 L14 7 M10 17 L10 20.5 M14 17 L14 20.5 M3.5 10 L7 10 M3.5 14 L7 14 M17 10 L20.5 10 M17 14 L20.5 14",
        "check": "M5 12.5 L10 17 L19 7",
        "save": "M12 4 L12 15 M7 10 L12 15 L17 10 M5 20 L19 20",
        "more": "M6 12 L6.01 12 M12 12 L12.01 12 M18 12 L18.01 12",
        "chat": "M5 6 L19 6 L19 16 L10 16 L6 19.5 L6 16 L5 16 Z",
        "bars": "M6 19 L6 13 M12 19 L12 6 M18 19 L18 10",
        "attach": "M16.5 7.5 L9.6 14.4 A1.9 1.9 0 0 0 12.3 17.1 L19 10.4 A3.8 3.8 0 0 0 13.6 5 L6.6 12 A5.7 5.7 0 0 0 14.7 20.1 L20 14.8",
        "warning": "M12 4 L21 19.5 L3 19.5 Z M12 10 L12 14 M12 16.8 L12 16.9"
    })

    implicitWidth: size
    implicitHeight: size
    // Multisampled at the icon's own pixel size: smooth edges without blur.
    layer.enabled: true
    layer.samples: 4
    layer.smooth: true

    Shape {
        anchors.centerIn: parent
        width: 24
        height: 24
        scale: icon.size / 24
        ShapePath {
            strokeColor: icon.color
            strokeWidth: icon.lineWidth * 24 / Math.max(icon.size, 1)  // the shape is scaled by size/24
            fillColor: icon.filled ? icon.color : "transparent"
            capStyle: ShapePath.RoundCap
            joinStyle: ShapePath.RoundJoin
            PathSvg { path: icon.paths[icon.name] || "" }
        }
    }
}
