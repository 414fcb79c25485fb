import Foundation
import Messengers
import OutboundHTTP
import Synchronization
import Testing

@testable import Persistence
@testable import WelcomeServer

/// Answers every request with the next scripted response (or throws), recording the requests.
final class FakeHTTP: HTTPTransport {
    struct Failure: Error {}
    private let responses: Mutex<[IncomingResponse?]>
    private let requests = Mutex<[OutgoingRequest]>([])

    init(_ responses: [IncomingResponse?]) {
        self.responses = Mutex(responses)
    }

    func perform(_ request: OutgoingRequest) async throws -> IncomingResponse {
        requests.withLock { $0.append(request) }
        guard let response = responses.withLock({ $0.isEmpty ? IncomingResponse(status: 200) : $0.removeFirst() }) else {
            throw Failure()
        }
        return response
    }

    var seen: [OutgoingRequest] { requests.withLock { $0 } }
}

@Suite("Sending to Telegram")
struct TelegramTransportTests {
    let token = "123456:ABCdefGhIJKlmnoPQRstuVWXyz_0123-456"
    let row = OutboxRow(
        id: 1, channel: "telegram", chatID: "42",
        call: OutboundCall(method: "sendMessage", body: Data(#"{"chat_id":42,"text":"Hi"}"#.utf8)),
        attempts: 1, createdAt: Date())

    private func transport(_ responses: [IncomingResponse?]) throws -> (TelegramTransport, FakeHTTP) {
        let http = FakeHTTP(responses)
        return (TelegramTransport(api: try TelegramAPI(token: token, baseURL: "http://127.0.0.1:9999"), http: http), http)
    }

    @Test("posts the JSON body to the method's URL")
    func request() async throws {
        let (transport, http) = try transport([IncomingResponse(status: 200, body: Data(#"{"ok":true,"result":{}}"#.utf8))])
        #expect(await transport.send(row) == .sent(providerMessageID: nil))
        #expect(
            http.seen == [
                OutgoingRequest(
                    url: "http://127.0.0.1:9999/bot\(token)/sendMessage", headers: [("Content-Type", "application/json")],
                    body: row.call.body, timeout: .seconds(10))
            ])
    }

    @Test("429, 5xx, 4xx and network errors are classified")
    func outcomes() async throws {
        let (transport, _) = try transport([
            IncomingResponse(
                status: 429,
                body: Data(
                    #"{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 7","parameters":{"retry_after":7}}"#
                        .utf8)),
            IncomingResponse(status: 500),
            IncomingResponse(
                status: 400, body: Data(#"{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}"#.utf8)),
            nil,
        ])
        #expect(await transport.send(row) == .retry(after: .seconds(7), reason: "Too Many Requests: retry after 7"))
        #expect(await transport.send(row) == .retry(after: nil, reason: "HTTP 500"))
        #expect(await transport.send(row) == .dead(reason: "Bad Request: chat not found"))
        #expect(await transport.send(row) == .retry(after: nil, reason: "network: Failure"))
    }

    @Test("Retry-After as seconds and as an HTTP date")
    func retryAfter() {
        #expect(IncomingResponse(status: 429, headers: ["retry-after": "3"]).retryAfter == .seconds(3))
        let inTenSeconds = Date() + 10
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let date = IncomingResponse(status: 503, headers: ["retry-after": formatter.string(from: inTenSeconds)]).retryAfter
        #expect(date != nil)
        #expect(date! > .seconds(8) && date! <= .seconds(10))
        #expect(IncomingResponse(status: 503, headers: ["retry-after": "soon"]).retryAfter == nil)
        #expect(IncomingResponse(status: 503).retryAfter == nil)
    }
}
