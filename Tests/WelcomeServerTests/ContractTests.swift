import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Messengers
import Testing
import Yams

@testable import Persistence
@testable import WelcomeCore
@testable import WelcomeServer

/// `openapi.yaml` as the tests read it: operations, their documented statuses and content
/// types, and the schemas, with a validator for the part of JSON Schema the document uses.
struct ContractDocument {
    let root: [String: Any]

    static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("openapi.yaml").path

    init() throws {
        let text = try String(contentsOfFile: Self.path, encoding: .utf8)
        root = try #require(try Yams.load(yaml: text) as? [String: Any])
    }

    var paths: [String: [String: Any]] { (root["paths"] as? [String: [String: Any]]) ?? [:] }

    /// Every documented (path, method).
    var operations: [(path: String, method: String)] {
        paths.flatMap { path, item in
            item.keys.filter { ["get", "post", "put", "delete", "patch"].contains($0) }.map { (path, $0) }
        }
    }

    /// The documented path a concrete path belongs to (`/admin/outbox/7/retry` → `/admin/outbox/{id}/{action}`).
    func template(for path: String) -> String? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        return paths.keys.first { template in
            let pattern = template.split(separator: "/", omittingEmptySubsequences: false)
            return pattern.count == parts.count
                && zip(pattern, parts).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
        }
    }

    func response(_ path: String, _ method: String, _ status: Int) -> [String: Any]? {
        guard let operation = paths[path]?[method] as? [String: Any],
            let responses = operation["responses"] as? [String: Any]
        else { return nil }
        return resolve(responses["\(status)"] as? [String: Any])
    }

    func resolve(_ object: [String: Any]?) -> [String: Any]? {
        guard let object else { return nil }
        guard let reference = object["$ref"] as? String else { return object }
        var node: Any = root
        for part in reference.dropFirst(2).split(separator: "/") {
            node = (node as? [String: Any])?[String(part)] ?? [:]
        }
        return resolve(node as? [String: Any])
    }

    /// What is wrong with `value` against `schema`; empty when it conforms.
    func problems(_ value: Any?, _ schema: [String: Any]?, at place: String = "body") -> [String] {
        guard let schema = resolve(schema) else { return [] }
        var problems: [String] = []
        let types: [String] = (schema["type"] as? [String]) ?? (schema["type"] as? String).map { [$0] } ?? []
        if !types.isEmpty && !types.contains(where: { Self.matches(value, type: $0) }) {
            return ["\(place): \(String(describing: value)) is not \(types.joined(separator: " or "))"]
        }
        if let allowed = schema["enum"] as? [Any], let value = value as? String, !allowed.contains(where: { "\($0)" == value }) {
            problems.append("\(place): '\(value)' is not one of \(allowed)")
        }
        if let number = Self.number(value) {
            if let minimum = Self.number(schema["minimum"]), number < minimum {
                problems.append("\(place): \(number) < \(minimum)")
            }
            if let maximum = Self.number(schema["maximum"]), number > maximum {
                problems.append("\(place): \(number) > \(maximum)")
            }
        }
        if let object = value as? [String: Any] {
            for name in (schema["required"] as? [String]) ?? [] where object[name] == nil {
                problems.append("\(place).\(name) is missing")
            }
            for (name, property) in (schema["properties"] as? [String: Any]) ?? [:] where object[name] != nil {
                problems += self.problems(object[name], property as? [String: Any], at: "\(place).\(name)")
            }
        }
        if let array = value as? [Any], let items = schema["items"] as? [String: Any] {
            for (index, item) in array.enumerated() { problems += self.problems(item, items, at: "\(place)[\(index)]") }
        }
        return problems
    }

    static func number(_ value: Any?) -> Double? {
        if value is String || value is Bool && !(value is NSNumber) { return nil }
        return (value as? NSNumber)?.doubleValue ?? (value as? Int).map(Double.init) ?? (value as? Double)
    }

    static func matches(_ value: Any?, type: String) -> Bool {
        switch type {
        case "null": return value == nil || value is NSNull
        case "string": return value is String
        case "boolean": return value is Bool
        case "integer": return number(value).map { $0.rounded() == $0 } ?? false
        case "number": return number(value) != nil
        case "object": return value is [String: Any]
        case "array": return value is [Any]
        default: return true
        }
    }
}

private let adminToken = "contract-admin-token-0123456789"
private let telegramSecret = "contract-telegram-secret"

/// One request of the contract run, and what it stands for.
private struct Probe: Sendable {
    var method: HTTPRequest.Method
    var path: String
    var headers: HTTPFields = [:]
    var body: String = ""
}

@Suite("The HTTP contract (openapi.yaml)", .serialized)
struct ContractTests {
    @Test("the document parses and names every endpoint the server serves")
    func document() throws {
        let document = try ContractDocument()
        let documented = Set(document.operations.map { "\($0.method.uppercased()) \($0.path)" })
        for expected in [
            "GET /", "POST /api/chat", "GET /healthz", "GET /readyz", "GET /metrics", "POST /webhooks/telegram",
            "GET /webhooks/whatsapp", "POST /webhooks/whatsapp", "GET /webhooks/messenger", "POST /webhooks/messenger",
            "POST /webhooks/viber", "POST /webhooks/sms", "GET /admin", "POST /admin/login", "POST /admin/logout",
            "POST /admin/reload", "POST /admin/outbox/{id}/{action}",
        ] {
            #expect(documented.contains(expected), "\(expected) is not in openapi.yaml")
        }
    }

    @Test("every documented operation answers as documented: status, content type and JSON schema")
    func serverKeepsTheContract() async throws {
        let document = try ContractDocument()
        let server = try TestServer()
        defer { server.remove() }
        var settings = server.settings
        settings.adminToken = adminToken
        settings.telegram = TelegramSettings(
            botToken: FakeTelegramAPI.token, secretToken: telegramSecret, apiBaseURL: "http://127.0.0.1:9")
        for player in ChannelPlayer.all { player.configure(&settings, "http://127.0.0.1:9") }
        let deadLetter = try await server.services.store.accept(
            InboundRecord(channel: "telegram", providerMessageID: "d1", pseudonym: Pseudonym("p"), chatID: "1")
        ) { _ in Answered(state: ConversationState(), calls: [OutboundCall(method: "sendMessage", body: Data("{}".utf8))]) }
        guard case .accepted(let ids) = deadLetter, let id = ids.first else { throw CancellationError() }
        try await server.services.store.markDead(id, reason: "test", at: Date())

        let json: HTTPFields = [.contentType: "application/json"]
        let bearer: HTTPFields = [.authorization: "Bearer \(adminToken)"]
        let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        let telegram: HTTPFields = json + [HTTPField.Name(TelegramVerifier.header)!: telegramSecret]
        let update =
            #"{"update_id":5,"message":{"message_id":5,"from":{"id":7,"is_bot":false,"first_name":"A"},"chat":{"id":7,"type":"private"},"date":1700000000,"text":"Adresse"}}"#
        var probes: [Probe] = [
            Probe(method: .get, path: "/"),
            Probe(method: .post, path: "/api/chat", headers: json, body: #"{"session":"contract-1","text":"Adresse"}"#),
            Probe(method: .post, path: "/api/chat", headers: json, body: #"{"session":"contract-1","button":"lang.ar"}"#),
            Probe(method: .post, path: "/api/chat", headers: json, body: #"{"session":"x"}"#),
            Probe(method: .post, path: "/api/chat", headers: [.contentType: "text/plain"], body: "hi"),
            Probe(
                method: .post, path: "/api/chat", headers: json,
                body: #"{"session":"contract-1","text":"\#(String(repeating: "a", count: 20_000))"}"#),
            Probe(method: .get, path: "/healthz"), Probe(method: .get, path: "/readyz"), Probe(method: .get, path: "/metrics"),
            Probe(method: .post, path: "/webhooks/telegram", headers: telegram, body: update),
            Probe(method: .post, path: "/webhooks/telegram", headers: telegram, body: "[1,"),
            Probe(method: .post, path: "/webhooks/telegram", headers: json, body: update),
            Probe(method: .get, path: "/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=wa-verify&hub.challenge=42"),
            Probe(method: .get, path: "/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=42"),
            Probe(method: .get, path: "/webhooks/messenger?hub.mode=subscribe&hub.verify_token=fb-verify&hub.challenge=42"),
            Probe(method: .get, path: "/admin"), Probe(method: .get, path: "/admin", headers: bearer),
            Probe(method: .post, path: "/admin/login", headers: form, body: "token=wrong"),
            Probe(method: .post, path: "/admin/login", headers: form, body: "token=\(adminToken)"),
            Probe(method: .post, path: "/admin/logout"),
            Probe(method: .post, path: "/admin/reload"), Probe(method: .post, path: "/admin/reload", headers: bearer),
            Probe(method: .post, path: "/admin/outbox/\(id)/retry", headers: bearer),
            Probe(method: .post, path: "/admin/outbox/\(id)/discard", headers: bearer),
            Probe(method: .post, path: "/admin/outbox/\(id)/discard", headers: bearer),
            Probe(method: .post, path: "/admin/outbox/\(id)/retry"),
        ]
        for player in ChannelPlayer.all {
            let path = "/webhooks/\(player.channel.rawValue)"
            for (headers, body) in player.webhooks([.init(id: "c1", user: "4915100000777", text: "Adresse")], false) {
                probes.append(Probe(method: .post, path: path, headers: headers, body: body))
            }
            for (headers, body) in player.webhooks([.init(id: "c2", user: "4915100000777", text: "Adresse")], true) {
                probes.append(Probe(method: .post, path: path, headers: headers, body: body))
            }
        }
        let app = try buildApplication(settings: settings, services: server.services)
        let allProbes = probes
        let results = try await app.test(.live) { client in
            var results: [(Probe, Int, String?, Data)] = []
            for probe in allProbes {
                let result = try await client.execute(
                    uri: probe.path, method: probe.method, headers: probe.headers, body: ByteBuffer(string: probe.body)
                ) { response in
                    (response.status.code, response.headers[.contentType], Data(response.body.readableBytesView))
                }
                results.append((probe, result.0, result.1, result.2))
            }
            return results
        }
        var covered = Set<String>()
        for (probe, status, contentType, body) in results {
            let path = String(probe.path.split(separator: "?").first ?? "")
            let place = "\(probe.method) \(probe.path.prefix(80)) → \(status)"
            let template = try #require(document.template(for: path), "\(place): path not documented")
            let method = probe.method.rawValue.lowercased()
            covered.insert("\(method) \(template)")
            #expect(status < 500, "\(place): a server error")
            guard let response = document.response(template, method, status) else {
                Issue.record("\(place): status not documented")
                continue
            }
            guard let content = response["content"] as? [String: Any] else { continue }
            let type = (contentType ?? "").split(separator: ";").first.map(String.init) ?? ""
            guard let media = content[type] as? [String: Any] else {
                Issue.record("\(place): content type '\(type)' not documented (\(content.keys.sorted()))")
                continue
            }
            if type == "application/json" {
                let value = try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed])
                let problems = document.problems(value, media["schema"] as? [String: Any])
                #expect(problems.isEmpty, "\(place): \(problems)")
            }
        }
        let uncovered = Set(document.operations.map { "\($0.method) \($0.path)" }).subtracting(covered)
        #expect(uncovered.isEmpty, "not exercised: \(uncovered.sorted())")
    }

    @Test("the validator itself finds what is wrong")
    func validator() throws {
        let document = try ContractDocument()
        let schema: [String: Any] = ["$ref": "#/components/schemas/ChatResponse"]
        let good: [String: Any] = [
            "language": "de", "direction": "ltr", "intent": NSNull(), "outcome": "no-match", "confidence": 0,
            "reply": ["text": "…", "buttons": [["label": "a", "kind": "intent", "value": "x"]]],
        ]
        #expect(document.problems(good, schema).isEmpty)
        var bad = good
        bad["direction"] = "up"
        bad["confidence"] = 2
        bad.removeValue(forKey: "reply")
        #expect(document.problems(bad, schema).count == 3)
    }
}
