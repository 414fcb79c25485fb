import Foundation
import WelcomeCore

/// What one messenger needs from the pipeline, and all the server needs to know of it: verify,
/// decode, render, and the conventions of its send API. Pure: no I/O, no clock, no database. The
/// server runs every messenger's webhook through the same steps with one of these.
public protocol MessengerAdapter: Sendable {
    var channel: Channel { get }

    /// The media type webhook bodies arrive in; anything else is refused with 415 before reading.
    var webhookContentType: WebhookContentType { get }

    /// True when the request was signed by the messenger with a configured secret. Runs on the
    /// raw bytes before any parsing, in constant time.
    func isAuthentic(_ request: WebhookRequest) -> Bool

    /// The messages, statuses and ignored parts of an authentic request.
    func decode(_ request: WebhookRequest) throws(WebhookDecodingError) -> DecodedWebhook

    /// The API calls that send `reply` to a chat, in order, within the channel's limits.
    func render(_ reply: Reply, to chatID: String) -> [APICall]

    /// The HTTP request for a call: the full URL on the configured base URL, the credentials and
    /// the content type. The URL or headers may hold secrets: never log them.
    func request(for call: APICall) -> APIRequest

    /// What the API's answer means for the message: sent (with the id the messenger gave it),
    /// retry later, or dead with the reason.
    func classify(_ response: APIResponse) -> SendOutcome

    /// Meta's `GET` verification handshake (`hub.mode`, `hub.verify_token`, `hub.challenge`);
    /// nil for messengers that have none.
    func handshake(query: [String: String]) -> HandshakeResult?

    /// The 2xx body for a message answered inside the webhook response rather than through the
    /// outbox (`InboundMessage.replyInResponse`): Viber's welcome message, Twilio's TwiML.
    func webhookResponse(_ reply: Reply, to message: InboundMessage) -> WebhookResponse

    /// The 2xx body when nothing is answered in the response.
    var acknowledgement: WebhookResponse { get }
}

extension MessengerAdapter {
    public func handshake(query: [String: String]) -> HandshakeResult? { nil }

    public func webhookResponse(_ reply: Reply, to message: InboundMessage) -> WebhookResponse { acknowledgement }

    public var acknowledgement: WebhookResponse { WebhookResponse(contentType: "text/plain; charset=utf-8", body: Data()) }
}

public enum WebhookContentType: String, Sendable {
    case json = "application/json"
    case form = "application/x-www-form-urlencoded"
}

/// A webhook request as it arrived, before anything is parsed: signatures are over these exact
/// bytes and, for Twilio, over the URL.
public struct WebhookRequest: Sendable {
    public var body: Data
    /// Header names in lower case.
    public var headers: [String: String]
    /// The path and query string as the server received them (`/webhooks/sms?key=1`).
    public var uri: String

    public init(body: Data, headers: [String: String] = [:], uri: String = "/") {
        self.body = body
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
        self.uri = uri
    }

    public func header(_ name: String) -> String? {
        headers[name.lowercased()]
    }

    /// The query string's parameters, percent-decoded (`+` as a space, as in forms).
    public var query: [String: String] {
        guard let mark = uri.firstIndex(of: "?") else { return [:] }
        return FormEncoding.decode(Data(uri[uri.index(after: mark)...].utf8)).reduce(into: [:]) { $0[$1.0] = $1.1 }
    }
}

/// One call to a messenger's API as it waits in the outbox: the method or path below the API's
/// base URL, and the body exactly as it will be sent.
public struct APICall: Sendable, Equatable {
    public var method: String
    public var body: Data

    public init(method: String, body: Data) {
        self.method = method
        self.body = body
    }
}

/// An HTTP request as the transport performs it.
public struct APIRequest: Sendable, Equatable {
    public var url: String
    public var method: String
    public var headers: [String: String]
    public var body: Data

    public init(url: String, method: String = "POST", headers: [String: String], body: Data) {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
    }
}

/// An API's answer, as the transport received it.
public struct APIResponse: Sendable {
    public var status: Int
    /// Header names in lower case.
    public var headers: [String: String]
    public var body: Data
    /// `Retry-After`, already parsed by the transport.
    public var retryAfter: Duration?

    public init(status: Int, headers: [String: String] = [:], body: Data = Data(), retryAfter: Duration? = nil) {
        self.status = status
        self.headers = headers
        self.body = body
        self.retryAfter = retryAfter
    }
}

public enum HandshakeResult: Sendable, Equatable {
    /// Answer 200 with exactly this text.
    case accept(challenge: String)
    /// Answer 403: the verify token is wrong or the request is not a subscription.
    case reject
}

/// The body of a 2xx webhook response.
public struct WebhookResponse: Sendable, Equatable {
    public var contentType: String
    public var body: Data

    public init(contentType: String, body: Data) {
        self.contentType = contentType
        self.body = body
    }
}

/// `application/x-www-form-urlencoded`, as Twilio sends webhooks and wants API calls.
public enum FormEncoding {
    /// The pairs in order; repeated names are kept. Malformed escapes are kept as written.
    public static func decode(_ data: Data) -> [(String, String)] {
        String(decoding: data, as: UTF8.self).split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = unescape(parts[0])
            let value = parts.count > 1 ? unescape(parts[1]) : ""
            return (name, value)
        }
    }

    public static func encode(_ pairs: [(String, String)]) -> Data {
        Data(pairs.map { "\(escape($0.0))=\(escape($0.1))" }.joined(separator: "&").utf8)
    }

    static func unescape(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    /// Everything but unreserved characters is escaped, so that `+` in a phone number survives.
    static func escape(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        var result = ""
        for scalar in text.unicodeScalars {
            if scalar.isASCII && allowed.contains(scalar) {
                result.unicodeScalars.append(scalar)
            } else {
                for byte in String(scalar).utf8 { result += "%" + [byte].hexadecimal.uppercased() }
            }
        }
        return result
    }
}
