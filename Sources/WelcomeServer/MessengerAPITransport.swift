import Foundation
import Messengers
import OutboundHTTP
import Persistence

/// Sends outbox rows through a messenger's API with the libcurl client, as its adapter says, and
/// classifies the answers.
public struct MessengerAPITransport: MessengerTransport {
    let adapter: any MessengerAdapter
    let http: any HTTPTransport
    /// A send that takes longer is given up and retried (it may have arrived).
    let timeout: Duration

    public init(adapter: any MessengerAdapter, http: any HTTPTransport, timeout: Duration = .seconds(10)) {
        self.adapter = adapter
        self.http = http
        self.timeout = timeout
    }

    public func send(_ row: OutboxRow) async -> SendOutcome {
        let request = adapter.request(for: APICall(method: row.call.method, body: row.call.body))
        let outgoing = OutgoingRequest(
            url: request.url, method: request.method,
            headers: request.headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
            body: request.body, timeout: timeout)
        do {
            let response = try await http.perform(outgoing)
            return adapter.classify(
                APIResponse(
                    status: response.status, headers: response.headers, body: response.body, retryAfter: response.retryAfter))
        } catch let error as HTTPClientError {
            // The request may have arrived and the answer been lost; none of these APIs takes an
            // idempotency key for messages, so a retry may duplicate one. A lost reply is worse.
            return .retry(
                after: nil, reason: "network: \(error.kind.rawValue)\(error.requestMayHaveArrived ? ", may have arrived" : "")")
        } catch {
            return .retry(after: nil, reason: "network: \(type(of: error))")
        }
    }
}
