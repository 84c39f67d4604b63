// ModelsPage over the fixture stores: models of every source are listed
// (those the engine cannot run with the reason), other apps' files cannot
// be trashed, the catalog lists models with a fit per variant, and a bad
// "Download from URL" address is refused with a message.
import QtQuick
import QtTest
import NeoxStudio
import NeoxStudio.Native

Item {
    width: 1200
    height: 900

    ModelsPage {
        id: page
        anchors.fill: parent
    }

    SignalSpy {
        id: quantizeFinished
        target: quantizer
        signalName: "finished"
    }

    TestCase {
        name: "ModelsPage"
        when: windowShown

        function rows() {
            const list = findChild(page, "modelList")
            const out = []
            const children = list.contentItem.children
            for (let i = 0; i < children.length; ++i)
                if (children[i].objectName === "modelRow") out.push(children[i])
            return out
        }

        function initTestCase() {
            // A folder of the user's with models the engine must refuse.
            appSettings.addModelsFolder(fixtureStores + "/unsupported")
            modelLibrary.refresh()
            tryVerify(() => !modelLibrary.scanning && modelLibrary.count > 5, 15000)
        }
        function cleanupTestCase() {
            appSettings.removeModelsFolder(fixtureStores + "/unsupported")
        }

        function test_every_source_and_the_unsupported() {
            const list = findChild(page, "modelList")
            compare(list.count, modelLibrary.count)
            const sources = {}
            let unsupported = 0
            verify(rows().length > 0)
            for (let i = 0; i < modelLibrary.count; ++i) {
                const m = modelLibrary.get(i)
                sources[m.source] = true
                if (!m.supported) {
                    ++unsupported
                    verify(m.unsupportedReason.length > 0)
                }
            }
            verify(sources.huggingface && sources.lmstudio && sources.ollama && sources.gpt4all, JSON.stringify(sources))
            verify(unsupported > 0)
        }

        function test_other_apps_files_cannot_be_trashed() {
            for (const row of rows()) {
                const trash = findChild(row, "trashButton")
                compare(trash.enabled, !row.ownedByOtherApp)
            }
        }

        // Quantize… on F32/F16/BF16 models only; a recipe from its menu writes
        // the file, the row shows the job, and the new model joins the list.
        function test_quantize_a_float_model_from_its_row() {
            let row = null
            for (const r of rows()) {
                const button = findChild(r, "quantizeButton")
                compare(button.visible, r.supported && ["F32", "F16", "BF16"].indexOf(r.quantization.split(" ")[0]) >= 0,
                        r.name + " " + r.quantization)
                if (button.visible && !row) row = r
            }
            verify(row, "a float model among the fixtures")
            const before = modelLibrary.count
            const path = row.path  // the rows are made again when the list refreshes
            mouseClick(findChild(row, "quantizeButton"))
            const menu = findChild(row, "recipeMenu")
            tryVerify(() => menu && menu.opened)
            let item = null
            for (let i = 0; i < menu.count; ++i)
                if (menu.itemAt(i).objectName === "recipe_Q8_0") item = menu.itemAt(i)
            verify(item)
            tryVerify(() => item.visible)
            verify(item.text.indexOf("Q8_0") === 0)
            quantizeFinished.clear()
            mouseClick(item)
            // The job ran: wait for its end, not for an idle quantizer (idle before it starts too).
            quantizeFinished.wait(30000)
            compare(quantizeFinished.count, 1)
            compare(quantizer.source, "")
            compare(quantizer.noticeIsError, false, quantizer.notice)
            verify(findChild(page, "quantizeNotice").visible)
            tryVerify(() => modelLibrary.count === before + 1, 15000)
            verify(modelLibrary.rowOf(quantizer.outputFor(path, "Q8_0")) >= 0)
        }

        function test_per_model_defaults_are_saved() {
            let row = null
            for (const r of rows()) if (r.supported && !row) row = r
            verify(row)
            mouseClick(findChild(row, "modelDefaultsButton"))
            const box = findChild(page, "modelContextBox")
            tryVerify(() => box && box.visible)
            box.currentIndex = 1   // 512 tokens
            mouseClick(findChild(page, "saveDefaultsButton"))
            tryVerify(() => !box.visible)
            compare(modelLibrary.modelDefaults(row.path).contextLength, 512)
            compare(modelLibrary.modelDefaults(row.path).gpuLayers, -1)   // left at the app's
        }

        function test_catalog_and_download_from_url() {
            mouseClick(findChild(page, "catalogTab"))
            compare(page.tab, 1)
            const catalog = findChild(page, "catalogList")
            verify(catalog.count >= 10)
            mouseClick(findChild(page, "downloadsTab"))
            compare(page.tab, 2)
            const field = findChild(page, "downloadUrlField")
            field.text = "not a url at all"
            mouseClick(findChild(page, "downloadUrlButton"))
            const view = findChild(page, "downloadsView")
            verify(view.urlError.length > 0)
            compare(downloads.list.count, 0)
            page.tab = 0
        }
    }
}
