import Foundation
import Messengers
import OutboundHTTP
import Persistence

/// Sends outbox rows to the Telegram Bot API and classifies the answers.
public struct TelegramTransport: MessengerTransport {
    let api: TelegramAPI
    let http: any HTTPTransport
    /// A send that takes longer is given up and retried (it may have arrived).
    let timeout: Duration

    public init(api: TelegramAPI, http: any HTTPTransport, timeout: Duration = .seconds(10)) {
        self.api = api
        self.http = http
        self.timeout = timeout
    }

    public func send(_ row: OutboxRow) async -> SendOutcome {
        let request = OutgoingRequest(
            url: api.url(row.call.method), headers: [("Content-Type", "application/json")], body: row.call.body,
            timeout: timeout)
        do {
            let response = try await http.perform(request)
            return TelegramAPI.classify(status: response.status, body: response.body, retryAfterHeader: response.retryAfter)
        } catch let error as HTTPClientError {
            return .retry(
                after: nil, reason: "network: \(error.kind.rawValue)\(error.requestMayHaveArrived ? ", may have arrived" : "")")
        } catch {
            // Network trouble (refused, reset, timed out): the request may or may not have
            // arrived. Telegram has no idempotency key, so a retry may duplicate a message whose
            // answer was lost; it is still better than losing the reply.
            return .retry(after: nil, reason: "network: \(type(of: error))")
        }
    }
}
