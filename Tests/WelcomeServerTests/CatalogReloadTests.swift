import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import OutboundHTTP
import Persistence
import Testing

@testable import WelcomeCore
@testable import WelcomeServer

/// A copy of the shipped intent files that a test may edit, removed afterwards.
struct EditableIntents {
    let folder: String

    init() throws {
        folder = NSTemporaryDirectory() + "welcomebot-intents-" + UUID().uuidString
        // Resolved first: a linked folder would be copied as the link, and the edits would land
        // in the real files.
        let source = URL(fileURLWithPath: TestServer.intentsPath).resolvingSymlinksInPath().path
        try FileManager.default.copyItem(atPath: source, toPath: folder)
    }

    var german: String { folder + "/de.yaml" }

    /// Replaces the German fallback text (the answer to anything the bot does not understand).
    func setGermanFallback(_ text: String) throws {
        try setGermanText("fallback", text)
    }

    /// Replaces one of the German fixed texts.
    func setGermanText(_ name: String, _ text: String) throws {
        let original = try String(contentsOfFile: german, encoding: .utf8)
        let lines = original.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasPrefix("  \(name):") ? "  \(name): \(text)" : String(line)
        }
        try lines.joined(separator: "\n").write(toFile: german, atomically: true, encoding: .utf8)
    }

    /// A mistake staff make: a tab for indentation in line 3.
    func breakGerman() throws {
        var lines = try String(contentsOfFile: german, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            .map(String.init)
        lines.insert("\tkaputt: ja", at: 2)
        try lines.joined(separator: "\n").write(toFile: german, atomically: true, encoding: .utf8)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: folder)
    }

    func liveCatalog() throws -> LiveCatalog {
        LiveCatalog(assistant: Assistant(catalog: try IntentCatalog.load(from: folder)), directory: folder)
    }
}

private func fallbackText(_ assistant: Assistant) throws -> String {
    var state = ConversationState(language: "de", languageChosen: true)
    return try assistant.respond(to: .text("xyzzy quux"), state: &state).reply.text
}

@Suite("Hot reload of the intent files", .serialized)
struct CatalogReloadTests {
    @Test("a broken edit keeps the last good answers and keeps the error with file and line; a good edit swaps")
    func liveCatalog() throws {
        let intents = try EditableIntents()
        defer { intents.remove() }
        let live = try intents.liveCatalog()
        let before = live.assistant
        try intents.setGermanFallback("Neuer Text nach dem Bearbeiten.")
        #expect(live.reload() == .reloaded(intents: 175, languages: 7))
        #expect(try fallbackText(live.assistant) == "Neuer Text nach dem Bearbeiten.")
        // A request that took the assistant before the swap finishes on the old catalog.
        #expect(try fallbackText(before).hasPrefix("Das habe ich leider nicht verstanden"))

        try intents.breakGerman()
        guard case .failed(let count) = live.reload() else {
            Issue.record("a broken file was accepted")
            return
        }
        #expect(count >= 1)
        #expect(try fallbackText(live.assistant) == "Neuer Text nach dem Bearbeiten.")
        let error = try #require(live.status.errors.first)
        #expect(error.file.hasSuffix("de.yaml"))
        #expect(error.line == 3)
        #expect(live.status.failedReloads == 1)
        #expect(live.status.successfulReloads == 1)
    }

    @Test("the server picks up a good edit within the poll interval and ignores a broken one")
    func polled() async throws {
        let intents = try EditableIntents()
        defer { intents.remove() }
        let server = try TestServer(catalog: try intents.liveCatalog())
        defer { server.remove() }
        var settings = server.settings
        settings.reloadInterval = .milliseconds(100)
        let app = try buildApplication(settings: settings, services: server.services)
        try await app.test(.live) { client in
            func fallback() async throws -> String {
                let (_, answer) = try await client.chat(#"{"session":"reload-1","text":"xyzzy quux","language":"de"}"#)
                return (answer["reply"] as? [String: Any])?["text"] as? String ?? ""
            }
            #expect(try await fallback().hasPrefix("Das habe ich leider nicht verstanden"))
            func page() async throws -> String {
                try await client.execute(uri: "/", method: .get) { String(buffer: $0.body) }
            }
            #expect(try await page().contains(#"data-notice="Keine Namen, keine Nachrichten werden gespeichert.""#))
            // File systems keep modification times to the second or better; a size change is
            // seen whatever the clock.
            try intents.setGermanFallback("Geänderte Antwort, sofort sichtbar.")
            var seen = false
            for _ in 0..<50 where !seen {
                try await Task.sleep(for: .milliseconds(100))
                seen = try await fallback() == "Geänderte Antwort, sofort sichtbar."
            }
            #expect(seen, "the edit was not served within 5 s")
            // The web chat page follows the catalog too (it carries texts of the files).
            try intents.setGermanText("privacy-notice", "Wir speichern keine Namen.")
            seen = false
            for _ in 0..<50 where !seen {
                try await Task.sleep(for: .milliseconds(100))
                seen = try await page().contains(#"data-notice="Wir speichern keine Namen.""#)
            }
            #expect(seen, "the web chat page did not follow the edit within 5 s")
            try intents.breakGerman()
            // Wait (bounded) until the poll has seen the broken file; a debug build on a busy
            // machine takes a while to read eight files.
            for _ in 0..<100 where server.services.catalog.status.failedReloads == 0 {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(server.services.catalog.status.errors.first?.line == 3)
            #expect(try await fallback() == "Geänderte Antwort, sofort sichtbar.")
        }
    }

    @Test("POST /admin/reload: off without ADMIN_TOKEN, 401 with a wrong one, the result and the errors with the right one")
    func adminReload() async throws {
        let intents = try EditableIntents()
        defer { intents.remove() }
        let server = try TestServer(catalog: try intents.liveCatalog())
        defer { server.remove() }
        var settings = server.settings
        settings.reloadInterval = nil
        let off = try buildApplication(settings: settings, services: server.services)
        try await off.test(.router) { client in
            try await client.execute(uri: "/admin/reload", method: .post) { #expect($0.status == .notFound) }
        }
        settings.adminToken = "admin-secret"
        let on = try buildApplication(settings: settings, services: server.services)
        try await on.test(.router) { client in
            try await client.execute(uri: "/admin/reload", method: .post, headers: [.authorization: "Bearer guess"]) {
                #expect($0.status == .unauthorized)
            }
            try intents.setGermanFallback("Nach dem Neuladen.")
            try await client.execute(uri: "/admin/reload", method: .post, headers: [.authorization: "Bearer admin-secret"]) {
                response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains(#""result":"reloaded""#))
            }
            #expect(try fallbackText(server.services.assistant) == "Nach dem Neuladen.")
            try intents.breakGerman()
            try await client.execute(uri: "/admin/reload", method: .post, headers: [.authorization: "Bearer admin-secret"]) {
                response in
                #expect(response.status == .unprocessableContent)
                let body = String(buffer: response.body)
                #expect(body.contains("de.yaml:3:"))
                #expect(body.contains("keeps serving"))
            }
            #expect(try fallbackText(server.services.assistant) == "Nach dem Neuladen.")
        }
    }

    @Test("SIGHUP makes the real welcomebot serve process reload")
    func sighup() async throws {
        let intents = try EditableIntents()
        defer { intents.remove() }
        let data = NSTemporaryDirectory() + "welcomebot-sighup-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: data) }
        let port = try CrashRecoveryTests.freePort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CrashRecoveryTests.executable)
        process.arguments = [
            "serve", "--port", String(port), "--data", data, "--intents", intents.folder, "--config", "/nonexistent.yaml",
        ]
        // No polling: only the signal can make it reload.
        process.environment = ["INTENTS_RELOAD_INTERVAL": "0", "PATH": "/usr/bin:/bin"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        let client = CurlHTTPClient()
        try await CrashRecoveryTests.waitUntilReady(client, port: port)
        func fallback() async throws -> String {
            let response = try await client.perform(
                OutgoingRequest(
                    url: "http://127.0.0.1:\(port)/api/chat", headers: [("Content-Type", "application/json")],
                    body: Data(#"{"session":"sighup-1","text":"xyzzy quux","language":"de"}"#.utf8)))
            let answer = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any] ?? [:]
            return (answer["reply"] as? [String: Any])?["text"] as? String ?? ""
        }
        try intents.setGermanFallback("Nach SIGHUP.")
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await fallback().hasPrefix("Das habe ich leider nicht verstanden"))
        kill(process.processIdentifier, SIGHUP)
        var seen = false
        for _ in 0..<50 where !seen {
            try await Task.sleep(for: .milliseconds(100))
            seen = try await fallback() == "Nach SIGHUP."
        }
        #expect(seen, "SIGHUP did not reload within 5 s")
        #expect(process.isRunning)
        await client.shutdown()
    }
}
