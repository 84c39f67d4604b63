// Model chip: the loaded model's name, and where it runs (CPU or GPU, with the
// backend's whole report on hover).
import QtQuick
import QtTest
import NeoxStudio
import NeoxStudio.Native

Item {
    width: 500
    height: 80

    ModelChip { id: chip; width: 360; height: 34 }

    TestCase {
        name: "ModelChip"
        when: windowShown

        function test_shows_where_the_loaded_model_runs() {
            tryCompare(models, "status", ModelController.Ready, 10000)
            verify(models.device.length > 0, "the engine reports a device")
            const tag = findChild(chip, "deviceTag")
            verify(tag.visible)
            // The fixture loads with the default (Auto) backend: no GPU here
            // means the CPU; a CUDA or Vulkan GPU shows as one.
            compare(tag.text, /^(cuda|vulkan)/.test(models.device) ? "GPU" : "CPU")
            verify(chip.tip.indexOf(models.device) >= 0, chip.tip)
        }

        // The Settings page's text size reaches the chip's small fixed-size
        // labels too (designed at 14 px: 11 px there, 16 px at 20).
        function test_text_size_reaches_the_small_labels() {
            const tag = findChild(chip, "deviceTag")
            const before = Theme.fontSize
            Theme.fontSize = 14
            compare(tag.font.pixelSize, 11)
            Theme.fontSize = 20
            compare(tag.font.pixelSize, 16)
            verify(tag.implicitWidth > 0)
            Theme.fontSize = before
        }
    }
}
