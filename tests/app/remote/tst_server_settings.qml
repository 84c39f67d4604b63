// The "Local API server" section: the switch serves the loaded model and the
// status line says where; another address makes and shows a key.
import QtQuick
import QtTest
import NeoxStudio

Item {
    id: root
    width: 860
    height: 700

    ServerSettingsSection {
        id: section
        width: 820
    }

    TestCase {
        name: "ServerSettings"
        when: windowShown

        function find(name) { return findChild(section, name) }

        function test_1_switchServesTheLoadedModel() {
            tryCompare(models, "status", 2, 20000)  // ModelController.Ready
            apiServer.enabled = false  // another test file may have left it on
            apiServer.port = freePort
            compare(find("serverSwitch").checked, false)
            compare(find("serverStatus").text, "Off")
            mouseClick(find("serverSwitch"))
            compare(apiServer.enabled, true)
            tryCompare(apiServer, "state", "running", 10000)
            verify(find("serverStatus").text.indexOf("http://127.0.0.1:" + freePort + "/v1") >= 0,
                   find("serverStatus").text)
            verify(find("copyServerUrlButton").visible)
            compare(find("serverRequestCount").text, "No requests yet.")
        }

        function test_2_anotherAddressGetsAKey() {
            compare(apiServer.apiKey, "")
            const box = find("serverHostBox")
            box.activated(box.model.indexOf("0.0.0.0"))
            compare(apiServer.host, "0.0.0.0")
            verify(apiServer.apiKey.startsWith("neox-"))
            compare(find("serverKeyField").text, apiServer.apiKey)
            tryCompare(apiServer, "state", "running", 10000)
            verify(find("serverStatus").text.indexOf("http://0.0.0.0:" + freePort) >= 0)
            // Back to loopback for the other tests.
            box.activated(box.model.indexOf("127.0.0.1"))
            tryCompare(apiServer, "url", "http://127.0.0.1:" + freePort + "/v1", 10000)
        }
    }
}
