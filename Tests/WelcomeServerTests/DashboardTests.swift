import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

@testable import Persistence
@testable import WelcomeCore
@testable import WelcomeServer

private let adminToken = "dashboard-admin-token-0123456789"

/// The server with the dashboard on, for one test.
private func withDashboard(
    keepsUnansweredQuestions: Bool = true, logger: Logger = Logger(label: "welcomebot"), catalog: LiveCatalog? = nil,
    _ body: @Sendable (any TestClientProtocol, TestServer) async throws -> Void
) async throws {
    let server = try TestServer(catalog: catalog, keepsUnansweredQuestions: keepsUnansweredQuestions)
    defer { server.remove() }
    var settings = server.settings
    settings.adminToken = adminToken
    let app = try buildApplication(settings: settings, services: server.services, logger: logger)
    try await app.test(.live) { client in try await body(client, server) }
}

private func form(_ fields: [String: String]) -> ByteBuffer {
    ByteBuffer(
        string: fields.map { key, value in
            "\(key)=\(value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? value)"
        }.joined(separator: "&"))
}

private let formHeaders: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

/// Signs in like a browser; returns the cookie header to send from then on.
private func signIn(_ client: any TestClientProtocol) async throws -> String {
    try await client.execute(uri: "/admin/login", method: .post, headers: formHeaders, body: form(["token": adminToken])) {
        response in
        #expect(response.status == .seeOther)
        let cookie = try #require(response.headers[.setCookie])
        #expect(cookie.contains("HttpOnly"))
        #expect(cookie.contains("SameSite=Strict"))
        #expect(cookie.contains("Path=/admin"))
        #expect(!cookie.contains(adminToken))
        return String(cookie.split(separator: ";")[0])
    }
}

private func page(_ client: any TestClientProtocol, _ uri: String = "/admin", cookie: String) async throws -> String {
    try await client.execute(uri: uri, method: .get, headers: [.cookie: cookie]) { response in
        #expect(response.status == .ok)
        #expect(response.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
        return String(buffer: response.body)
    }
}

/// The form token the page put in its forms.
private func csrf(in html: String) throws -> String {
    let match = try #require(html.firstMatch(of: /name="csrf" value="([0-9a-f]+)"/))
    return String(match.output.1)
}

/// A reply given up by the sender, still holding its body.
private func deadLetter(_ server: TestServer) async throws -> Int64 {
    let store = server.services.store
    let outcome = try await store.accept(
        InboundRecord(channel: "telegram", providerMessageID: "d1", pseudonym: Pseudonym("p-dead"), chatID: "555")
    ) { _ in Answered(state: ConversationState(), calls: [OutboundCall(method: "sendMessage", body: Data("{}".utf8))]) }
    guard case .accepted(let ids) = outcome, let id = ids.first else { throw CancellationError() }
    try await store.markDead(id, reason: "unauthorized: the bot token was refused (Unauthorized)", at: Date())
    return id
}

@Suite("The operators' dashboard", .serialized)
struct DashboardTests {
    @Test("without a session the dashboard is a sign-in form; a wrong token is refused, the right one signs in and out")
    func signInAndOut() async throws {
        try await withDashboard { client, _ in
            try await client.execute(uri: "/admin", method: .get, headers: [.acceptLanguage: "de-DE,de;q=0.9"]) { response in
                #expect(response.status == .unauthorized)
                let html = String(buffer: response.body)
                #expect(html.contains(#"name="token""#))
                #expect(html.contains("Anmelden"))
            }
            try await client.execute(uri: "/admin/login", method: .post, headers: formHeaders, body: form(["token": "guess"])) {
                #expect($0.status == .unauthorized)
                #expect(String(buffer: $0.body).contains("That is not the admin token."))
                #expect($0.headers[.setCookie] == nil)
            }
            let cookie = try await signIn(client)
            let html = try await page(client, cookie: cookie)
            for section in ["summary", "catalog", "deliveries", "outbox", "answers", "questions"] {
                #expect(html.contains(#"<section id="\#(section)""#), "\(section) missing")
            }
            // Behind a load balancer the page says which instance it is from.
            let pid = ProcessInfo.processInfo.processIdentifier
            #expect(html.contains(#"<p class="muted" id="instance">This page is from instance <code dir="ltr">"#))
            #expect(html.contains("· pid \(pid)</code>, running since <time"))
            // A forged or expired session is no session.
            for bad in ["welcomebot_admin=9999999999.00", "welcomebot_admin=1.\(String(repeating: "0", count: 64))"] {
                try await client.execute(uri: "/admin", method: .get, headers: [.cookie: bad]) {
                    #expect($0.status == .unauthorized)
                }
            }
            let form = form(["csrf": try csrf(in: html)])
            try await client.execute(
                uri: "/admin/logout", method: .post, headers: formHeaders + [.cookie: cookie], body: form
            ) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.setCookie]?.contains("Max-Age=0") == true)
            }
            // The bearer token works for scripts, without a session.
            try await client.execute(uri: "/admin", method: .get, headers: [.authorization: "Bearer \(adminToken)"]) {
                #expect($0.status == .ok)
            }
        }
    }

    @Test("the dashboard shows answers per intent and the scrubbed unanswered questions, Arabic right to left")
    func answersAndQuestions() async throws {
        try await withDashboard { client, server in
            _ = try await client.chat(#"{"session":"dash-session-1","text":"wann habt ihr offen?","language":"de"}"#)
            let question = "اسمي أحمد رقمي 01761234567 هل يمكنني ركوب الدراجة في الحديقة"
            let (status, answer) = try await client.chat(#"{"session":"dash-session-2","text":"\#(question)","language":"ar"}"#)
            #expect(status == .ok)
            #expect(answer["outcome"] as? String == "no-match")
            let stored = try await server.services.store.unansweredQuestions(limit: 10)
            #expect(stored.count == 1)
            #expect(stored.first?.language == "ar")
            #expect(stored.first?.text.contains("01761234567") == false)
            #expect(stored.first?.text.contains("أحمد") == false)
            #expect(stored.first?.text.contains("[number]") == true)

            let cookie = try await signIn(client)
            let html = try await page(client, cookie: cookie)
            #expect(html.contains(#"<html lang="en" dir="ltr">"#))
            #expect(html.contains("<code>opening-hours</code>"))
            #expect(html.contains(#"<span class="question" lang="ar" dir="rtl">"#))
            #expect(!html.contains("01761234567"))
            #expect(!html.contains("أحمد"))
            let arabic = try await page(client, "/admin?lang=ar", cookie: cookie)
            #expect(arabic.contains(#"<html lang="ar" dir="rtl">"#))
            #expect(arabic.contains("أسئلة بلا إجابة"))
            let german = try await page(client, "/admin?lang=de", cookie: cookie)
            #expect(german.contains("Unbeantwortete Fragen"))
        }
    }

    @Test("a broken intent file shows with file, line, problem and what to do: in German on the German page")
    func catalogErrors() async throws {
        let intents = try EditableIntents()
        defer { intents.remove() }
        let live = try intents.liveCatalog()
        try await withDashboard(catalog: live) { client, _ in
            try intents.breakGerman()
            guard case .failed = live.reload() else {
                Issue.record("a broken file was accepted")
                return
            }
            let cookie = try await signIn(client)
            let german = try await page(client, "/admin?lang=de", cookie: cookie)
            #expect(german.contains(#"<table id="catalog-errors""#))
            #expect(german.contains("de.yaml"))
            #expect(german.contains(#"<span lang="de" dir="ltr">zum Einrücken wird ein Tabulator verwendet</span>"#))
            #expect(german.contains("ersetzen Sie den Tabulator durch Leerzeichen"))
            #expect(!german.contains("a tab is used for indentation"))
            let english = try await page(client, "/admin?lang=en", cookie: cookie)
            #expect(english.contains(#"<span lang="en" dir="ltr">a tab is used for indentation</span>"#))
            // Arabic staff get the English text, laid out left to right inside the right-to-left page.
            let arabic = try await page(client, "/admin?lang=ar", cookie: cookie)
            #expect(arabic.contains(#"<span lang="en" dir="ltr">a tab is used for indentation</span>"#))
        }
    }

    @Test("unanswered questions are not kept unless the operator turns it on, and the dashboard says how")
    func questionsOffByDefault() async throws {
        try await withDashboard(keepsUnansweredQuestions: false) { client, server in
            _ = try await client.chat(#"{"session":"dash-session-3","text":"xyzzy quux frobnitz","language":"de"}"#)
            #expect(try await server.services.store.unansweredQuestions(limit: 10).isEmpty)
            let html = try await page(client, cookie: try await signIn(client))
            #expect(html.contains("UNANSWERED_QUESTIONS=keep"))
        }
    }

    @Test("when questions are kept, the privacy answer and the chat page say so, with the retention period")
    func privacyAnswerTellsTheTruth() async throws {
        try await withDashboard { client, _ in
            let (_, answer) = try await client.chat(#"{"session":"privacy-session-1","text":"datenschutz","language":"de"}"#)
            let reply = try #require(answer["reply"] as? [String: Any])
            #expect((reply["text"] as? String)?.contains("30 Tage aufbewahrt") == true)
            try await client.execute(uri: "/", method: .get) {
                let html = String(buffer: $0.body)
                #expect(html.contains("unbeantwortete Fragen werden 30 Tage"))
                #expect(html.contains("الأسئلة التي لا أستطيع الإجابة عنها تُحفظ 30 يوماً"))
                #expect(!html.contains("{days}"))
            }
        }
        try await withDashboard(keepsUnansweredQuestions: false) { client, _ in
            let (_, answer) = try await client.chat(#"{"session":"privacy-session-2","text":"datenschutz","language":"de"}"#)
            let reply = try #require(answer["reply"] as? [String: Any])
            #expect((reply["text"] as? String)?.contains("aufbewahrt") == false)
            try await client.execute(uri: "/", method: .get) {
                #expect(String(buffer: $0.body).contains("keine Nachrichten werden gespeichert"))
            }
        }
    }

    @Test("\"delete my data\" erases the person's unanswered questions too")
    func forgetQuestions() async throws {
        try await withDashboard { client, server in
            _ = try await client.chat(#"{"session":"forget-questions-1","text":"xyzzy quux frobnitz","language":"de"}"#)
            _ = try await client.chat(#"{"session":"someone-else-1","text":"blorp snarf","language":"de"}"#)
            #expect(try await server.services.store.unansweredQuestions(limit: 10).count == 2)
            _ = try await client.chat(#"{"session":"forget-questions-1","button":"delete"}"#)
            _ = try await client.chat(#"{"session":"forget-questions-1","button":"delete.confirm"}"#)
            #expect(try await server.services.store.unansweredQuestions(limit: 10).map(\.text) == ["blorp snarf"])
        }
    }

    @Test("a dead letter is sent again from the dashboard's button, and discarded by a script; both need their token")
    func outboxActions() async throws {
        try await withDashboard { client, server in
            let id = try await deadLetter(server)
            let cookie = try await signIn(client)
            let html = try await page(client, cookie: cookie)
            #expect(html.contains("unauthorized: the bot token was refused"))
            #expect(html.contains(#"action="/admin/outbox/\#(id)/retry""#))
            // A session without the form token (another site's form) is refused.
            try await client.execute(
                uri: "/admin/outbox/\(id)/retry", method: .post, headers: formHeaders + [.cookie: cookie], body: form([:])
            ) { #expect($0.status == .unauthorized) }
            try await client.execute(
                uri: "/admin/outbox/\(id)/retry", method: .post, headers: formHeaders + [.cookie: cookie],
                body: form(["csrf": try csrf(in: html), "lang": "de"])
            ) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/admin?lang=de&done=retried#outbox")
            }
            #expect(try await server.services.store.outboxOverview(limit: 10).pending == 1)
            let flashed = try await page(client, "/admin?lang=de&done=retried", cookie: cookie)
            #expect(flashed.contains("Die Antwort wird jetzt gesendet."))
            let bearer: HTTPFields = [.authorization: "Bearer \(adminToken)"]
            try await client.execute(uri: "/admin/outbox/\(id)/discard", method: .post, headers: bearer) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains(#""result":"discarded""#))
            }
            try await client.execute(uri: "/admin/outbox/\(id)/discard", method: .post, headers: bearer) {
                #expect($0.status == .notFound)
            }
            try await client.execute(uri: "/admin/outbox/\(id)/explode", method: .post, headers: bearer) {
                #expect($0.status == .notFound)
            }
            try await client.execute(uri: "/admin/outbox/\(id)/retry", method: .post) { #expect($0.status == .unauthorized) }
            // An oversized form is refused before it is read whole.
            try await client.execute(
                uri: "/admin/login", method: .post, headers: formHeaders,
                body: ByteBuffer(string: "token=" + String(repeating: "a", count: 40_000))
            ) { #expect($0.status == .contentTooLarge) }
            let overview = try await server.services.store.outboxOverview(limit: 10)
            #expect((overview.pending, overview.dead) == (0, 1))
            #expect(overview.attention.first?.retryable == false)
        }
    }

    @Test("the web chat's requests are logged with outcome, language and intent, never the text")
    func chatRequestLogs() async throws {
        let sink = LogSink.capture()
        let logger = Logger(label: "welcomebot") { BotLogHandler(label: $0, level: .trace, sink: sink) }
        let text = "meine Nummer ist 01761234567, wann habt ihr offen?"
        try await withDashboard(logger: logger) { client, _ in
            _ = try await client.chat(#"{"session":"log-session-1","text":"\#(text)","language":"de"}"#)
            _ = try await client.chat(#"{"session":"x","text":"\#(text)"}"#)
        }
        let answered = try #require(sink.captured.first { $0.contains(#""message":"chat.answered""#) })
        #expect(answered.contains(#""answer.intent":"opening-hours""#))
        #expect(answered.contains(#""answer.language":"de""#))
        #expect(answered.contains(/"user.pseudonym":"[0-9a-f]{16}"/))
        #expect(sink.captured.contains { $0.contains(#""message":"chat.rejected""#) && $0.contains(#""http.status":"400""#) })
        for line in sink.captured {
            #expect(
                !line.contains("01761234567") && !line.contains("wann habt ihr") && !line.contains("log-session-1"), "\(line)")
        }
    }
}
