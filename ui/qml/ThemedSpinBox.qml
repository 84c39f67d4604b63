// A SpinBox in the theme's colours, with an optional text for special values
// (e.g. 0 → "All", -1 → "Auto").
import QtQuick
import QtQuick.Controls

SpinBox {
    id: spin
    property var specialText: ({})   // value → text shown instead of the number
    editable: true
    implicitWidth: 150
    implicitHeight: 32
    font.pixelSize: Theme.smallSize + 1
    textFromValue: (value, locale) => spin.specialText[value] !== undefined ? spin.specialText[value]
                                                                            : Number(value).toLocaleString(locale, "f", 0)
    valueFromText: (text, locale) => {
        for (const key in spin.specialText) if (spin.specialText[key] === text) return Number(key)
        return Number.fromLocaleString(locale, text)
    }
    validator: RegularExpressionValidator { regularExpression: /.*/ }
    background: Rectangle {
        radius: 6
        color: Theme.surface
        border.color: spin.activeFocus ? Theme.accent : Theme.borderStrong
    }
    contentItem: TextInput {
        text: spin.displayText
        font: spin.font
        color: Theme.text
        selectionColor: Theme.accent
        selectedTextColor: Theme.accentText
        horizontalAlignment: Qt.AlignHCenter
        verticalAlignment: Qt.AlignVCenter
        readOnly: !spin.editable
        validator: spin.validator
        inputMethodHints: Qt.ImhFormattedNumbersOnly
        onEditingFinished: spin.value = spin.valueFromText(text, spin.locale)
    }
    up.indicator: Rectangle {
        x: spin.width - width - 1
        y: 1
        width: 28
        height: spin.height - 2
        radius: 5
        color: spin.up.pressed ? Theme.selected : (spin.up.hovered ? Theme.hover : "transparent")
        Text { anchors.centerIn: parent; text: "+"; color: spin.up.indicator.enabled ? Theme.text : Theme.textFaint; font.pixelSize: Theme.scaled(15) }
    }
    down.indicator: Rectangle {
        x: 1
        y: 1
        width: 28
        height: spin.height - 2
        radius: 5
        color: spin.down.pressed ? Theme.selected : (spin.down.hovered ? Theme.hover : "transparent")
        Text { anchors.centerIn: parent; text: "−"; color: spin.down.indicator.enabled ? Theme.text : Theme.textFaint; font.pixelSize: Theme.scaled(15) }
    }
}
