// SettingsPage: the devices found are listed with their memory, and each
// control writes its AppSettings value (which the engine's next load uses).
import QtQuick
import QtTest
import NeoxStudio
import NeoxStudio.Native

Item {
    width: 1100
    height: 900

    SettingsPage {
        id: page
        anchors.fill: parent
    }

    TestCase {
        name: "SettingsPage"
        when: windowShown

        // Scrolled down, each row's buttons stay on their row (none drawn over the next).
        function test_rows_do_not_overlap_when_scrolled() {
            const column = findChild(page, "settingsSections")
            const flickable = column.parent.parent
            for (const y of [0, 300, 600, flickable.contentHeight - flickable.height]) {
                flickable.contentY = Math.max(0, y)
                waitForRendering(page)
                const change = findChild(page, "changeDataFolderButton")
                const show = findChild(page, "showModelsFolderButton")
                const a = change.mapToItem(page, 0, 0), b = show.mapToItem(page, 0, 0)
                verify(a.y + change.height <= b.y, "data folder buttons end at " + (a.y + change.height) +
                       ", the models folder's Show starts at " + b.y + " (contentY " + flickable.contentY + ")")
            }
            flickable.contentY = 0
        }

        function test_devices_are_listed_with_memory() {
            verify(appSettings.devices.length >= 1)
            const cpu = appSettings.devices[appSettings.devices.length - 1]
            compare(cpu.backend, "cpu")
            verify(cpu.memory > 0)
            const list = findChild(page, "deviceList")
            verify(list)
            const memory = findChild(page, "deviceMemory")
            verify(memory && memory.text.length > 0)
        }

        function test_controls_write_the_settings() {
            const backend = findChild(page, "backendBox")
            backend.activated(3)   // CPU
            compare(appSettings.backend, "cpu")
            backend.activated(1)   // CUDA: the device picker appears
            compare(appSettings.backend, "cuda")
            tryVerify(() => findChild(page, "deviceBox").visible)
            backend.activated(0)
            compare(appSettings.backend, "auto")

            const threads = findChild(page, "threadsSpin")
            threads.value = 1
            threads.valueModified()
            compare(appSettings.threads, 1)
            compare(threads.displayText, "1")
            threads.value = 0
            threads.valueModified()
            compare(appSettings.threads, 0)
            compare(threads.displayText, "All")

            const layers = findChild(page, "gpuLayersSpin")
            compare(layers.displayText, "Auto")
            layers.value = 10
            layers.valueModified()
            compare(appSettings.gpuLayers, 10)
            appSettings.gpuLayers = -1

            const context = findChild(page, "contextBox")
            context.activated(3)   // 4096
            compare(appSettings.contextLength, 4096)
            compare(modelLibrary.contextLength, 4096)  // the Models page's fit follows
            context.activated(2)
            compare(appSettings.contextLength, 2048)
        }
    }
}
