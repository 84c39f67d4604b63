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
    }
}
