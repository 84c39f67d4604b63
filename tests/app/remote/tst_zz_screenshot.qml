// The Settings page with the "Local API server" and "Remote engines"
// sections in use (the server on, an endpoint that is the app's own server),
// scrolled to them and saved as <build>/tests/app/remote/screenshots/settings-remote.png
// (and -dark.png). Runs last (file order), after the other tests set things up.
import QtQuick
import QtTest
import NeoxStudio

Item {
    id: root
    width: 1280
    height: 900

    SettingsPage {
        id: page
        anchors.fill: parent
    }

    TestCase {
        name: "SettingsScreenshot"
        when: windowShown

        function test_screenshot() {
            tryCompare(models, "status", 2, 20000)
            if (!apiServer.enabled) {
                apiServer.port = freePort
                apiServer.enabled = true
            }
            tryCompare(apiServer, "state", "running", 10000)
            if (remoteEndpoints.count === 0)
                remoteEndpoints.add("studio", apiServer.url, apiServer.apiKey)
            tryVerify(() => remoteEndpoints.pickerModels.length > 0, 10000)
            const server = findChild(page, "serverSettingsSection")
            verify(server !== null, "the Settings page has the Local API server section")
            verify(findChild(page, "remoteEndpointsSection") !== null, "... and the Remote engines section")
            const column = findChild(page, "settingsSections")
            const flickable = column.parent.parent
            flickable.contentY = Math.max(0, Math.min(server.y - 16, flickable.contentHeight - flickable.height))
            wait(100)
            let shot = grabImage(root)
            shot.save(screenshotDir + "/settings-remote.png")
            Theme.dark = true
            wait(100)
            shot = grabImage(root)
            shot.save(screenshotDir + "/settings-remote-dark.png")
            Theme.dark = false
        }
    }
}
