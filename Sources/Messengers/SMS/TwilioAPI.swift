import Foundation

/// The Programmable Messaging calls the bot makes (`Messages.json`, form-encoded, HTTP Basic
/// auth), and what their answers mean. Sending itself is the HTTP client's job; this type knows
/// Twilio's conventions only.
public struct TwilioAPI: Sendable {
    /// `https://api.twilio.com`, or a fake in tests.
    public var baseURL: String
    public let accountSID: String
    private let authToken: String

    public init(accountSID: String, authToken: String, baseURL: String = "https://api.twilio.com") {
        self.accountSID = accountSID
        self.authToken = authToken
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
    }

    /// The path below the base URL that creates a message.
    public var messagesMethod: String { "2010-04-01/Accounts/\(accountSID)/Messages.json" }

    /// One message to `to` from the bot's number; Twilio reports its fate to `statusCallback`.
    public func message(to: String, from: String, body: String, statusCallback: String? = nil) -> APICall {
        var form = [("To", to), ("From", from), ("Body", body)]
        if let statusCallback { form.append(("StatusCallback", statusCallback)) }
        return APICall(method: messagesMethod, body: FormEncoding.encode(form))
    }

    /// The HTTP request for a call. Its `Authorization` header holds the auth token: never log it.
    public func request(for call: APICall) -> APIRequest {
        let credentials = Data("\(accountSID):\(authToken)".utf8).base64EncodedString()
        return APIRequest(
            url: "\(baseURL)/\(call.method)",
            headers: ["Authorization": "Basic \(credentials)", "Content-Type": WebhookContentType.form.rawValue],
            body: call.body)
    }

    // MARK: Answers

    /// What an answer from the Messages API means for the message. Reasons name the error code
    /// and never hold a phone number or message text: Twilio's own messages often quote the number.
    public static func classify(_ response: APIResponse) -> SendOutcome {
        let status = response.status
        if (200..<300).contains(status) {
            let created = try? JSONDecoder().decode(Created.self, from: response.body)
            return .sent(providerMessageID: created?.sid)
        }
        let error = try? JSONDecoder().decode(ErrorBody.self, from: response.body)
        let code = error?.code
        if status == 429 || code == 20429 {
            return .retry(after: response.retryAfter, reason: "\(code ?? 429): too many requests")
        }
        let described = code.map { "\($0): \(withoutNumbers(error?.message ?? "HTTP \(status)"))" } ?? "HTTP \(status)"
        if status >= 500 {
            return .retry(after: response.retryAfter, reason: described)
        }
        switch code {
        case 21610: return .dead(reason: "21610: the person opted out with STOP; nothing can be sent until they send START")
        case 21211: return .dead(reason: "21211: the number cannot be reached (not a valid phone number)")
        case 21614: return .dead(reason: "21614: the number cannot be reached (not a mobile number)")
        case 21408: return .dead(reason: "21408: the number cannot be reached (sending to its region is not enabled)")
        case 21612: return .dead(reason: "21612: the number cannot be reached (Twilio cannot route to it from this sender)")
        case 20003: return .dead(reason: "20003: credentials refused (check the account SID and auth token)")
        case nil where status == 401: return .dead(reason: "HTTP 401: credentials refused (check the account SID and auth token)")
        default: return .dead(reason: described)
        }
    }

    /// Text with every run of seven or more digits (a phone number, with its `+`, spaces,
    /// dashes or brackets) replaced by `<number>`, cut to a length fit for a log line.
    static func withoutNumbers(_ text: String) -> String {
        var result = ""
        var run = ""
        var digits = 0
        func flush() {
            // Separators after the last digit belong to the sentence, not to the number.
            let end = run.lastIndex(where: { $0.isASCII && $0.isNumber }).map { run.index(after: $0) } ?? run.startIndex
            result += digits >= 7 ? "<number>" + run[end...] : run
            run = ""
            digits = 0
        }
        for character in text {
            if character.isASCII && character.isNumber {
                run.append(character)
                digits += 1
            } else if character == "+" && run.isEmpty {
                run.append(character)
            } else if !run.isEmpty && " -().".contains(character) {
                run.append(character)
            } else {
                flush()
                result.append(character)
            }
        }
        flush()
        return result.count > 200 ? String(result.prefix(200)) + "…" : result
    }

    struct Created: Decodable {
        var sid: String?
    }

    /// `{"code": 21610, "message": "…", "more_info": "…", "status": 400}`
    struct ErrorBody: Decodable {
        var code: Int?
        var message: String?
        var status: Int?
    }
}
