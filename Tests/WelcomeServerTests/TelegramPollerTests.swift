import Foundation
import Messengers
import OutboundHTTP
import Testing

@testable import Persistence
@testable import WelcomeServer

@Suite("Telegram long polling")
struct TelegramPollerTests {
    private func makePoller(_ responses: [IncomingResponse?], server: TestServer) throws -> (TelegramPoller, FakeHTTP) {
        let http = FakeHTTP(responses)
        let api = try TelegramAPI(token: FakeTelegramAPI.token, baseURL: "http://127.0.0.1:9")
        return (TelegramPoller(api: api, http: http, services: server.services), http)
    }

    @Test("updates are answered through the pipeline and confirmed by the next offset")
    func poll() async throws {
        let server = try TestServer()
        defer { server.remove() }
        let updates =
            #"{"ok":true,"result":[{"update_id":500,"message":{"message_id":1,"from":{"id":7,"is_bot":false,"first_name":"A"},"chat":{"id":7,"type":"private"},"date":1,"text":"wann habt ihr offen"}},{"update_id":501,"poll":{"id":"x"}}]}"#
        let (poller, http) = try makePoller([IncomingResponse(status: 200, body: Data(updates.utf8))], server: server)
        let next = try await poller.poll(from: nil)
        #expect(next == 502)
        #expect(try await server.services.store.outboxCounts() == [.pending: 1])
        let request = try #require(http.seen.first)
        #expect(request.url.hasSuffix("/getUpdates"))
        let body = try #require(try JSONSerialization.jsonObject(with: request.body) as? [String: Any])
        #expect(body["offset"] == nil)
        #expect(body["timeout"] as? Int == 25)
        // Operators see polled updates as they see webhook deliveries.
        // (the latest first: the poll update is acknowledged and ignored)
        let deliveries = server.services.deliveries.latest
        #expect(deliveries.map(\.outcome) == [.ignored, .accepted])
        #expect(deliveries.allSatisfy { $0.channel == "telegram" } && deliveries.last?.messages == 1)

        // The same updates again (a restart before confirming) are not answered twice.
        let (again, againHTTP) = try makePoller([IncomingResponse(status: 200, body: Data(updates.utf8))], server: server)
        #expect(try await again.poll(from: 502) == 502)
        #expect(try await server.services.store.outboxCounts() == [.pending: 1])
        let secondRequest = try #require(againHTTP.seen.first)
        let second = try #require(try JSONSerialization.jsonObject(with: secondRequest.body) as? [String: Any])
        #expect(second["offset"] as? Int == 502)
    }

    @Test("an empty poll keeps the offset; a conflict (a webhook is set) is an error")
    func emptyAndConflict() async throws {
        let server = try TestServer()
        defer { server.remove() }
        let (poller, _) = try makePoller(
            [
                IncomingResponse(status: 200, body: Data(#"{"ok":true,"result":[]}"#.utf8)),
                IncomingResponse(status: 409, body: Data(#"{"ok":false,"error_code":409,"description":"Conflict"}"#.utf8)),
            ], server: server)
        #expect(try await poller.poll(from: 42) == 42)
        await #expect(throws: (any Error).self) { try await poller.poll(from: 42) }
    }

    @Test("an update that cannot be read is skipped and shown as malformed; the ones after it are answered")
    func poisonUpdate() async throws {
        let server = try TestServer()
        defer { server.remove() }
        let updates =
            #"{"ok":true,"result":[{"update_id":600,"message":{"message_id":1,"from":{"id":7,"is_bot":false,"first_name":"A"},"chat":{"id":"not a number","type":"private"},"date":1,"text":"hallo"}},{"update_id":601,"message":{"message_id":2,"from":{"id":8,"is_bot":false,"first_name":"B"},"chat":{"id":8,"type":"private"},"date":1,"text":"wann habt ihr offen"}}]}"#
        let (poller, _) = try makePoller([IncomingResponse(status: 200, body: Data(updates.utf8))], server: server)
        #expect(try await poller.poll(from: nil) == 602)
        #expect(try await server.services.store.outboxCounts() == [.pending: 1])
        let outcomes = server.services.deliveries.latest.map(\.outcome)
        #expect(outcomes == [.accepted, .malformed])
    }
}
