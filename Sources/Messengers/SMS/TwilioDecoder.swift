import Foundation
import WelcomeCore

/// Turns a Twilio messaging webhook (form-encoded) into what the bot answers: inbound SMS, and
/// WhatsApp-via-Twilio button replies, as messages; status callbacks of sent messages as
/// delivery statuses. Twilio adds parameters without notice, so unknown ones are ignored.
public struct TwilioDecoder: Sendable {
    /// Whether inbound messages are answered with TwiML in the webhook response.
    public var replyInResponse: Bool

    public init(replyInResponse: Bool = false) {
        self.replyInResponse = replyInResponse
    }

    public func decode(_ body: Data) throws(WebhookDecodingError) -> DecodedWebhook {
        var fields: [String: String] = [:]
        for (name, value) in FormEncoding.decode(body) where fields[name] == nil { fields[name] = value }
        guard let sid = fields["MessageSid"], !sid.isEmpty else {
            throw WebhookDecodingError("'MessageSid' is missing: not a Twilio messaging webhook")
        }
        // Older status callbacks carry only the legacy `SmsStatus`; "receiving" and "received"
        // are the states of inbound messages.
        if let status = fields["MessageStatus"] ?? fields["SmsStatus"], status != "received", status != "receiving" {
            return Self.status(status, of: sid, errorCode: fields["ErrorCode"])
        }
        guard let from = fields["From"].map(Self.address), !from.isEmpty else {
            throw WebhookDecodingError("'From' is missing: nobody to answer")
        }
        let input: Input
        if let payload = fields["ButtonPayload"], !payload.isEmpty {
            input = .button(payload)
        } else {
            // An MMS may come without any text; the assistant answers empty text with the menu.
            input = .text(fields["Body"] ?? "")
        }
        return .messages([
            InboundMessage(
                channel: .sms, providerMessageID: sid, userID: from, chatID: from, input: input,
                replyInResponse: replyInResponse)
        ])
    }

    static func status(_ status: String, of sid: String, errorCode: String?) -> DecodedWebhook {
        let state: DeliveryStatus.State
        var error: String?
        switch status {
        case "sent": state = .sent
        case "delivered": state = .delivered
        case "read": state = .read
        case "undelivered", "failed":
            state = .failed
            error = errorCode.flatMap { $0.isEmpty ? nil : $0 } ?? status
        default:
            // queued, accepted, sending, scheduled, …: steps before `sent`, nothing to record.
            return .ignored(kind: "status \(status)")
        }
        return DecodedWebhook(statuses: [DeliveryStatus(channel: .sms, providerMessageID: sid, state: state, error: error)])
    }

    /// A phone number whose `+` was sent unescaped reads as a space after form decoding
    /// (`+4917…` → ` 4917…`); the `+` is put back so that the reply reaches the same number.
    static func address(_ value: String) -> String {
        let prefix = value.firstIndex(of: ":").map { value[...$0] } ?? ""
        let number = value[prefix.endIndex...]
        guard number.first == " " else { return value }
        let digits = number.drop { $0 == " " }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return value }
        return prefix + "+" + digits
    }
}
