import Foundation

/// One outgoing HTTP call, as the transports need it; the libcurl client performs it.
public struct OutgoingRequest: Sendable, Equatable {
    public var url: String
    public var method: String
    public var headers: [(String, String)]
    public var body: Data
    public var timeout: Duration

    public init(
        url: String, method: String = "POST", headers: [(String, String)] = [], body: Data = Data(),
        timeout: Duration = .seconds(30)
    ) {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }

    public static func == (lhs: OutgoingRequest, rhs: OutgoingRequest) -> Bool {
        lhs.url == rhs.url && lhs.method == rhs.method && lhs.body == rhs.body && lhs.timeout == rhs.timeout
            && lhs.headers.map { "\($0.0): \($0.1)" } == rhs.headers.map { "\($0.0): \($0.1)" }
    }
}

/// The answer to an `OutgoingRequest`.
public struct IncomingResponse: Sendable {
    public var status: Int
    /// Header names in lower case.
    public var headers: [String: String]
    public var body: Data

    public init(status: Int, headers: [String: String] = [:], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// `Retry-After` as seconds or as an HTTP date.
    public var retryAfter: Duration? {
        guard let value = headers["retry-after"]?.trimmingCharacters(in: .whitespaces) else { return nil }
        if let seconds = Int(value), seconds >= 0 { return .seconds(seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: value) else { return nil }
        return .milliseconds(max(0, Int(date.timeIntervalSinceNow * 1000)))
    }
}

/// Performs HTTP calls. The production implementation is the libcurl client; tests use fakes.
public protocol HTTPTransport: Sendable {
    func perform(_ request: OutgoingRequest) async throws -> IncomingResponse
}
