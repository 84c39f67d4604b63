// Theme: both palettes keep body text readable (WCAG contrast ≥ 7 on the
// window, ≥ 4.5 for muted text) and the accent button text ≥ 4.5.
import QtQuick
import QtTest
import NeoxStudio

TestCase {
    name: "Theme"

    function luminance(c) {
        const ch = v => v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4)
        return 0.2126 * ch(c.r) + 0.7152 * ch(c.g) + 0.0722 * ch(c.b)
    }
    function contrast(a, b) {
        const la = luminance(a), lb = luminance(b)
        return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05)
    }

    function test_contrast_data() { return [{ tag: "light", dark: false }, { tag: "dark", dark: true }] }
    function test_contrast(data) {
        Theme.dark = data.dark
        verify(contrast(Theme.text, Theme.window) >= 7)
        verify(contrast(Theme.text, Theme.sidebar) >= 7)
        verify(contrast(Theme.text, Theme.userBubble) >= 7)
        verify(contrast(Theme.textMuted, Theme.window) >= 4.5)
        verify(contrast(Theme.codeText, Theme.codeBackground) >= 7)
        verify(contrast(Theme.accentText, Theme.accent) >= 3)
        Theme.dark = false
    }

    function test_switching_changes_every_surface() {
        Theme.dark = false
        const light = [Theme.window, Theme.sidebar, Theme.text, Theme.codeBackground].map(c => c.toString())
        Theme.dark = true
        const dark = [Theme.window, Theme.sidebar, Theme.text, Theme.codeBackground].map(c => c.toString())
        for (let i = 0; i < light.length; ++i) verify(light[i] !== dark[i])
        Theme.dark = false
    }
}
