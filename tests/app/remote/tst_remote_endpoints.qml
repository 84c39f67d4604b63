// The "Remote engines" section: add an endpoint through the form (here the
// app's own API server: "another NeoX Studio"), test it, see its models; a
// dead port gives a clear error.
import QtQuick
import QtTest
import NeoxStudio

Item {
    id: root
    width: 860
    height: 800

    RemoteEndpointsSection {
        id: section
        width: 820
    }

    TestCase {
        name: "RemoteEndpoints"
        when: windowShown

        function find(name) { return findChild(section, name) }
        function typeInto(field, text) {
            field.forceActiveFocus()
            field.selectAll()
            keySequence("Backspace")
            field.insert(0, text)
        }

        function initTestCase() {
            tryCompare(models, "status", 2, 20000)
            apiServer.port = freePort
            apiServer.enabled = true
            tryCompare(apiServer, "state", "running", 10000)
        }

        function test_1_deadPortIsAClearError() {
            mouseClick(find("addEndpointButton"))
            verify(find("endpointForm").visible)
            typeInto(find("endpointUrlField"), "http://127.0.0.1:" + deadPort + "/v1")
            mouseClick(find("testConnectionButton"))
            tryCompare(remoteEndpoints, "testing", false, 10000)
            verify(find("testResult").visible)
            verify(find("testResult").text.indexOf("Cannot connect") >= 0, find("testResult").text)
        }

        function test_2_addsAnEndpointAndListsItsModels() {
            typeInto(find("endpointNameField"), "studio")
            typeInto(find("endpointUrlField"), apiServer.url)
            typeInto(find("endpointKeyField"), apiServer.apiKey)
            mouseClick(find("testConnectionButton"))
            tryCompare(remoteEndpoints, "testing", false, 10000)
            verify(remoteEndpoints.testOk, remoteEndpoints.testMessage)
            verify(find("testResult").text.indexOf(apiServer.modelId) >= 0, find("testResult").text)
            mouseClick(find("saveEndpointButton"))
            compare(find("endpointForm").visible, false)
            compare(remoteEndpoints.count, 1)
            tryVerify(() => remoteEndpoints.pickerModels.length === 1, 10000)
            compare(remoteEndpoints.pickerModels[0].model, apiServer.modelId)
            compare(remoteEndpoints.pickerModels[0].endpointName, "studio")
            verify(find("endpointRow") !== null)
        }
    }
}
