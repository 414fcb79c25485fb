import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Messengers
import Testing

@testable import Persistence
@testable import WelcomeCore
@testable import WelcomeServer

/// The value of one series in Prometheus text: the line named `name` whose labels include all
/// of `labels`. nil when there is no such line.
func metric(_ text: String, _ name: String, _ labels: [String: String] = [:]) -> Double? {
    for line in text.split(separator: "\n") where !line.hasPrefix("#") {
        let (series, value) = (
            line.split(separator: " ").dropLast().joined(separator: " "), line.split(separator: " ").last ?? ""
        )
        let seriesName = series.split(separator: "{", maxSplits: 1).first.map(String.init) ?? ""
        guard seriesName == name else { continue }
        var found: [String: String] = [:]
        for match in series.matches(of: /(\w+)="([^"]*)"/) { found[String(match.output.1)] = String(match.output.2) }
        if labels.allSatisfy({ found[$0.key] == $0.value }) { return Double(value) }
    }
    return nil
}

private func scrape(_ client: any TestClientProtocol, token: String? = nil) async throws -> String {
    var headers: HTTPFields = [:]
    if let token { headers[.authorization] = "Bearer \(token)" }
    return try await client.execute(uri: "/metrics", method: .get, headers: headers) { response in
        #expect(response.status == .ok)
        #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
        return String(buffer: response.body)
    }
}

/// A signed WhatsApp notification around `value` (a change of field `messages`).
private func whatsappNotification(_ value: String) -> (headers: HTTPFields, body: String) {
    let body = #"{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":\#(value)}]}]}"#
    let signature = WebhookSigning.meta(body: Data(body.utf8), appSecret: "wa-app-secret")
    return ([.contentType: "application/json", HTTPField.Name(signature.header)!: signature.value], body)
}

@Suite("Metrics, the dashboard and unanswered questions", .serialized)
struct ObservabilityTests {
    @Test("every metric moves when its event happens, with no user id in any label")
    func metricsMove() async throws {
        // The second send is refused for good (a dead letter), the third fails for now (a retry).
        var flaky = ChannelPlayer.whatsapp
        flaky.sendAnswer = { n in
            switch n {
            case 2: (400, #"{"error":{"message":"(#100) Invalid parameter","type":"OAuthException","code":100}}"#)
            case 3: (503, #"{"error":{"message":"Service temporarily unavailable","code":2}}"#)
            default: ChannelPlayer.whatsapp.sendAnswer(n)
            }
        }
        let player = flaky
        let users = ["4915100000101", "4915100000102", "4915100000103"]
        try await channelEndToEnd(player) { client, fake, server in
            let before = try await scrape(client)
            #expect(metric(before, "welcomebot_outbox_oldest_pending_age_seconds") == 0)
            let good = player.webhooks([.init(id: "m1", user: users[0], text: "wann habt ihr offen?")], false)[0]
            #expect(try await postWebhook(client, player, good).0 == .ok)
            #expect(try await postWebhook(client, player, good).0 == .ok)
            #expect(
                try await postWebhook(client, player, player.webhooks([.init(id: "m9", user: users[0], text: "x")], true)[0]).0
                    == .unauthorized)
            #expect(try await postWebhook(client, player, whatsappNotification("[1,2")).0 == .badRequest)
            #expect(try await postWebhook(client, player, whatsappNotification(#"{"messaging_product":"whatsapp"}"#)).0 == .ok)
            // Nothing in the catalog answers this: a fallback, in German.
            let unknown = player.webhooks([.init(id: "m2", user: users[1], text: "xyzzy quux frobnitz")], false)[0]
            #expect(try await postWebhook(client, player, unknown).0 == .ok)
            #expect(try await waitUntil { fake.received.count >= 2 })
            let third = player.webhooks([.init(id: "m3", user: users[2], text: "Adresse")], false)[0]
            #expect(try await postWebhook(client, player, third).0 == .ok)
            // The retry comes within the first backoff (at most a second).
            #expect(try await waitUntil(5) { fake.received.count >= 4 })
            #expect(try await waitUntil { try await server.services.store.outboxCounts() == [.sent: 2, .dead: 1] })
            let report = player.status(player.providerID(1))
            #expect(try await postWebhook(client, player, (report.headers, report.body)).0 == .ok)
            _ = try await client.execute(uri: "/no/such/page", method: .get) { _ in }

            let after = try await scrape(client)
            let deliveries = "welcomebot_webhook_deliveries_total"
            #expect(metric(after, deliveries, ["channel": "whatsapp", "outcome": "accepted"]) == 3)
            #expect(metric(after, deliveries, ["channel": "whatsapp", "outcome": "duplicate"]) == 1)
            #expect(metric(after, deliveries, ["channel": "whatsapp", "outcome": "bad_signature"]) == 1)
            #expect(metric(after, deliveries, ["channel": "whatsapp", "outcome": "malformed"]) == 1)
            #expect(metric(after, deliveries, ["channel": "whatsapp", "outcome": "ignored"]) == 1)
            #expect(metric(after, deliveries, ["channel": "whatsapp", "outcome": "status"]) == 1)
            let attempts = "welcomebot_send_attempts_total"
            #expect(metric(after, attempts, ["channel": "whatsapp", "result": "sent"]) == 2)
            #expect(metric(after, attempts, ["channel": "whatsapp", "result": "dead"]) == 1)
            #expect(metric(after, attempts, ["channel": "whatsapp", "result": "retry"]) == 1)
            #expect(metric(after, "welcomebot_dead_letters_total", ["channel": "whatsapp"]) == 1)
            #expect(metric(after, "welcomebot_outbox_calls", ["state": "sent"]) == 2)
            #expect(metric(after, "welcomebot_outbox_calls", ["state": "dead"]) == 1)
            #expect(metric(after, "welcomebot_outbox_calls", ["state": "pending"]) == 0)
            #expect(metric(after, "welcomebot_fallbacks_total", ["language": "de"]) == 1)
            #expect(metric(after, "welcomebot_answers_total", ["language": "de", "outcome": "no-match", "intent": ""]) == 1)
            #expect(
                metric(after, "welcomebot_answers_total", ["language": "de", "outcome": "matched", "intent": "opening-hours"])
                    == 1)
            let duration = "http_server_request_duration_seconds_count"
            #expect(
                metric(
                    after, duration,
                    ["http_route": "/webhooks/whatsapp", "http_request_method": "POST", "http_response_status_code": "200"]) == 6)
            #expect(metric(after, duration, ["http_route": "/webhooks/whatsapp", "http_response_status_code": "401"]) == 1)
            #expect(metric(after, duration, ["http_route": "/webhooks/whatsapp", "http_response_status_code": "400"]) == 1)
            // A path no route knows is counted without its path, so scanners add no series.
            #expect(metric(after, duration, ["http_route": "", "http_response_status_code": "404"]) == 1)
            #expect(!after.contains("/no/such/page"))
            #expect(metric(after, "welcomebot_catalog_last_good_load_timestamp_seconds")! > 1_700_000_000)
            #expect(metric(after, "welcomebot_catalog_errors") == 0)
            #expect(after.contains("# HELP welcomebot_webhook_deliveries_total "))
            #expect(after.contains("# TYPE http_server_request_duration_seconds histogram"))
            for user in users { #expect(!after.contains(user)) }
            let pseudonym = server.services.pseudonymizer.pseudonym(channel: "whatsapp", userID: users[0]).value
            #expect(!after.contains(pseudonym.prefix(16)))
        }
    }

    @Test("the oldest pending reply's age shows while the messenger is down")
    func oldestPending() async throws {
        let server = try TestServer()
        defer { server.remove() }
        _ = try await server.services.store.accept(
            InboundRecord(channel: "telegram", providerMessageID: "1", pseudonym: Pseudonym("p"), chatID: "1")
        ) { _ in Answered(state: ConversationState(), calls: [OutboundCall(method: "sendMessage", body: Data("{}".utf8))]) }
        let text = await server.services.metrics.render(
            store: server.services.store, catalog: server.services.catalog, now: Date() + 90)
        #expect(metric(text, "welcomebot_outbox_calls", ["state": "pending"]) == 1)
        #expect((89...92).contains(metric(text, "welcomebot_outbox_oldest_pending_age_seconds") ?? 0))
    }

    @Test("catalog reloads count by result; a broken edit counts its errors and keeps the last good time")
    func catalogMetrics() async throws {
        let intents = try EditableIntents()
        defer { intents.remove() }
        let live = try intents.liveCatalog()
        let metrics = BotMetrics()
        let server = try TestServer()
        defer { server.remove() }
        let reloader = CatalogReloader(catalog: live, interval: nil, logger: Logger(label: "test"), metrics: metrics)
        try intents.setGermanFallback("Neu.")
        #expect(reloader.reload(because: "test") == .reloaded(intents: 175, languages: 7))
        let good = await metrics.render(store: server.services.store, catalog: live)
        #expect(metric(good, "welcomebot_catalog_reloads_total", ["result": "reloaded"]) == 1)
        let loaded = try #require(metric(good, "welcomebot_catalog_last_good_load_timestamp_seconds"))
        try intents.breakGerman()
        guard case .failed = reloader.reload(because: "test") else {
            Issue.record("a broken file was accepted")
            return
        }
        let broken = await metrics.render(store: server.services.store, catalog: live)
        #expect(metric(broken, "welcomebot_catalog_reloads_total", ["result": "failed"]) == 1)
        #expect((metric(broken, "welcomebot_catalog_errors") ?? 0) >= 1)
        #expect(metric(broken, "welcomebot_catalog_last_good_load_timestamp_seconds") == loaded)
    }

    @Test("with METRICS_TOKEN set, a scrape must bring it")
    func metricsToken() async throws {
        let server = try TestServer()
        defer { server.remove() }
        var settings = server.settings
        settings.metricsToken = "scrape-secret"
        let app = try buildApplication(settings: settings, services: server.services)
        try await app.test(.live) { client in
            try await client.execute(uri: "/metrics", method: .get) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer wrong"]) {
                #expect($0.status == .unauthorized)
            }
            #expect(try await scrape(client, token: "scrape-secret").contains("welcomebot_catalog_errors"))
        }
    }
}
