import Foundation
import Hummingbird
import HummingbirdTesting
import Persistence
import Testing

@testable import WelcomeCore
@testable import WelcomeServer

/// A server on the shipped content and a fresh database, for one test.
struct TestServer {
    let folder: String
    let services: BotServices
    let settings: ServerSettings
    /// Turns the Telegram channel on for a test.
    var settingsOverride: TelegramSettings?

    static let intentsPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Intents").path

    static let catalog: IntentCatalog = {
        do {
            return try IntentCatalog.load(from: intentsPath)
        } catch {
            fatalError("the shipped intent files do not load: \(error)")
        }
    }()

    /// - Parameter catalog: a catalog that reloads from files; the shipped one, fixed, when nil.
    init(catalog: LiveCatalog? = nil, keepsUnansweredQuestions: Bool = false) throws {
        folder = NSTemporaryDirectory() + "welcomebot-server-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var settings = ServerSettings()
        settings.dataDirectory = folder
        settings.port = 0
        settings.maximumBodyBytes = 16 * 1024
        self.settings = settings
        services = BotServices(
            catalog: catalog ?? LiveCatalog(assistant: Assistant(catalog: Self.catalog)),
            store: try SQLiteMessageStore(path: settings.databasePath),
            pseudonymizer: try Pseudonymizer(key: [UInt8](repeating: 1, count: 32)),
            keepsUnansweredQuestions: keepsUnansweredQuestions)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: folder)
    }

    func test(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        var settings = settings
        settings.telegram = settingsOverride
        let app = try buildApplication(settings: settings, services: services)
        try await app.test(.live, body)
    }
}

extension TestClientProtocol {
    func chat(_ json: String, contentType: String = "application/json") async throws -> (HTTPResponse.Status, [String: Any]) {
        try await execute(
            uri: "/api/chat", method: .post, headers: [.contentType: contentType], body: ByteBuffer(string: json)
        ) { response in
            let object = (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))) as? [String: Any] ?? [:]
            return (response.status, object)
        }
    }
}

@Suite("The web chat API and pages")
struct ChatAPITests {
    @Test("health and readiness")
    func health() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.test { client in
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == "ready\n")
            }
        }
    }

    @Test("a question gets language, intent and reply; the language sticks to the session")
    func conversation() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.test { client in
            let (status, first) = try await client.chat(#"{"session":"abcdefgh1","text":"wann habt ihr offen?"}"#)
            #expect(status == .ok)
            #expect(first["language"] as? String == "de")
            #expect(first["intent"] as? String == "opening-hours")
            #expect(first["direction"] as? String == "ltr")
            let reply = try #require(first["reply"] as? [String: Any])
            #expect((reply["text"] as? String)?.contains("11:00–17:00") == true)
            #expect((reply["buttons"] as? [[String: Any]])?.isEmpty == false)

            let (_, arabic) = try await client.chat(#"{"session":"abcdefgh1","button":"lang.ar","language":"ar"}"#)
            #expect(arabic["language"] as? String == "ar")
            #expect(arabic["direction"] as? String == "rtl")
            // A one-word greeting in German does not take the chosen Arabic away.
            let (_, hello) = try await client.chat(#"{"session":"abcdefgh1","text":"hallo"}"#)
            #expect(hello["language"] as? String == "ar")
        }
    }

    @Test("no match answers with intent null and the menu")
    func noMatch() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.test { client in
            let (status, body) = try await client.chat(
                #"{"session":"abcdefgh2","text":"who won the football match","language":"en"}"#)
            #expect(status == .ok)
            #expect(body["intent"] is NSNull)
            #expect(body["outcome"] as? String == "no-match")
        }
    }

    @Test(
        "bad requests get their status and a JSON error",
        arguments: [
            (#"{"session":"abcdefgh3","text":"hi"}"#, "text/plain", HTTPResponse.Status.unsupportedMediaType),
            (#"{"session":"abcdefgh3","text":"#, "application/json", .badRequest),
            (#"{"text":"hi"}"#, "application/json", .badRequest),
            (#"{"session":"short","text":"hi"}"#, "application/json", .badRequest),
            (#"{"session":"abcdefgh3"}"#, "application/json", .badRequest),
            (#"{"session":"abcdefgh3","text":"hi","language":"xx"}"#, "application/json", .badRequest),
            (#"{"session":"abcdefgh3","text":"\#(String(repeating: "a", count: 5000))"}"#, "application/json", .contentTooLarge),
            (#"{"session":"abcdefgh3","text":"\#(String(repeating: "a", count: 20000))"}"#, "application/json", .contentTooLarge),
        ])
    func badRequests(body: String, contentType: String, status: HTTPResponse.Status) async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.test { client in
            let (got, json) = try await client.chat(body, contentType: contentType)
            #expect(got == status)
            #expect(json["error"] is String || status == .contentTooLarge)
        }
        #expect(try await server.services.store.outboxCounts().isEmpty)
    }

    @Test("the page lists every language in its own script and loads nothing from elsewhere")
    func page() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.test { client in
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                #expect(response.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
                let html = String(buffer: response.body)
                for name in ["Deutsch", "English", "العربية", "Українська", "Русский", "فارسی", "Türkçe"] {
                    #expect(html.contains(">\(name)</button>"), "\(name)")
                }
                #expect(html.contains(#"data-lang="fa" lang="fa" dir="rtl""#))
                // Each language carries its own privacy line, shown once it is chosen; the page
                // opens with the English and German one.
                #expect(html.contains(#"data-lang="ar" lang="ar" dir="rtl" data-notice="لا تُحفظ أسماء ولا نصوص رسائل.""#))
                #expect(html.contains(#"data-notice="Имена и тексты сообщений не сохраняются.""#))
                #expect(html.contains(#"id="notice" dir="ltr" lang="en">No names, no message texts are stored. · Keine Namen"#))
                #expect(!html.contains("http://") && !html.contains("https://"))
                #expect(html.contains("<label for=\"text\""))
            }
        }
    }
}

@Suite("Delete my data in the web chat")
struct WebChatDeletionTests {
    @Test("the offer, the question and the confirmation go through the chat API; the session's state is gone")
    func deletion() async throws {
        let server = try TestServer()
        defer { server.remove() }
        try await server.test { client in
            let (_, privacy) = try await client.chat(#"{"session":"forget-me-1","text":"Datenschutz","language":"de"}"#)
            let buttons = (privacy["reply"] as? [String: Any])?["buttons"] as? [[String: Any]] ?? []
            #expect(buttons.first?["value"] as? String == "delete")
            let (_, question) = try await client.chat(#"{"session":"forget-me-1","button":"delete"}"#)
            #expect(((question["reply"] as? [String: Any])?["text"] as? String)?.hasPrefix("Soll ich alles löschen") == true)
            let pseudonym = server.services.pseudonymizer.pseudonym(channel: "web", userID: "forget-me-1")
            #expect(try await server.services.store.conversation(pseudonym) != nil)
            let (status, done) = try await client.chat(#"{"session":"forget-me-1","button":"delete.confirm"}"#)
            #expect(status == .ok)
            #expect(((done["reply"] as? [String: Any])?["text"] as? String)?.hasPrefix("Erledigt") == true)
            #expect(try await server.services.store.conversation(pseudonym) == nil)
        }
    }
}
