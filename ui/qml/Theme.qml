// The one place colours, fonts and sizes are chosen. Every view reads these;
// switching `dark` re-colours the whole window.
pragma Singleton
import QtQuick

QtObject {
    property bool dark: false

    // Surfaces, back to front.
    readonly property color window: dark ? "#16171b" : "#ffffff"
    readonly property color sidebar: dark ? "#101114" : "#f4f5f7"
    readonly property color surface: dark ? "#1e1f25" : "#ffffff"
    readonly property color raised: dark ? "#24262d" : "#ffffff"
    readonly property color userBubble: dark ? "#2a2c35" : "#eef0f4"
    readonly property color hover: dark ? "#24262d" : "#e8eaee"
    readonly property color selected: dark ? "#2c2e37" : "#e0e3ea"
    readonly property color border: dark ? "#2c2e36" : "#e2e4e9"
    readonly property color borderStrong: dark ? "#3a3d47" : "#cfd3da"

    // Text.
    readonly property color text: dark ? "#e6e7eb" : "#1c1e23"
    readonly property color textMuted: dark ? "#9a9da8" : "#646873"
    readonly property color textFaint: dark ? "#6d707b" : "#9095a0"

    // Accent and states.
    readonly property color accent: dark ? "#7172e6" : "#5250d8"
    readonly property color accentHover: dark ? "#8283ee" : "#4341c4"
    readonly property color accentSoft: dark ? "#2b2b4a" : "#ecebfd"
    readonly property color accentText: "#ffffff"
    readonly property color danger: dark ? "#f07171" : "#c62f2f"
    readonly property color dangerSoft: dark ? "#3a1f22" : "#fdeeee"
    readonly property color warningSoft: dark ? "#3a3220" : "#fff6e0"
    readonly property color success: dark ? "#5fd08a" : "#1f8a4c"

    // Code (CodeHighlighter's palettes are tuned against these two).
    readonly property color codeBackground: dark ? "#0d1117" : "#f6f8fa"
    readonly property color codeHeader: dark ? "#161b22" : "#eaeef2"
    readonly property color codeText: dark ? "#e6edf3" : "#1f2328"

    // Type.
    readonly property string fontFamily: "DejaVu Sans"
    readonly property string monoFamily: "DejaVu Sans Mono"
    // The text size chosen on the Settings page (AppSettings.fontSize); the others follow it.
    property int fontSize: 14
    readonly property int smallSize: fontSize - 2
    readonly property int titleSize: fontSize + 1
    readonly property int monoSize: fontSize - 1
    // A size designed at the default text size (14), at the chosen one: the
    // fixed sizes of chips, badges, stats and headings follow the setting too.
    function scaled(px) { return Math.round(px * fontSize / 14) }

    // Shape and rhythm.
    readonly property int radius: 8
    readonly property int radiusLarge: 14
    readonly property int spacing: 8
    readonly property int contentWidth: 820    // the chat column's reading width
    readonly property int animationMs: 140
}
