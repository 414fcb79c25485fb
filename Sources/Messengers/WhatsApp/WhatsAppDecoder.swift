import Foundation
import WelcomeCore

/// Turns a WhatsApp Cloud API notification into messages to answer and delivery statuses. One
/// notification may batch several entries, changes, messages and statuses: all are read, in
/// order. Changes for another phone number of the same business account are not ours to answer.
public struct WhatsAppDecoder: Sendable {
    /// The business number this bot answers for (`metadata.phone_number_id`).
    public let phoneNumberID: String

    public init(phoneNumberID: String) {
        self.phoneNumberID = phoneNumberID
    }

    public func decode(_ body: Data) throws(WebhookDecodingError) -> DecodedWebhook {
        let notification = try MetaJSON.decode(Notification.self, from: body, what: "a WhatsApp notification")
        guard notification.object == "whatsapp_business_account" else {
            throw WebhookDecodingError("the body is not a WhatsApp notification: 'object' is '\(notification.object)'")
        }
        var decoded = DecodedWebhook()
        for entry in notification.entry ?? [] {
            for change in entry.changes ?? [] {
                read(change, into: &decoded)
            }
        }
        return decoded
    }

    private func read(_ change: Change, into decoded: inout DecodedWebhook) {
        guard change.field == "messages" else {
            decoded.ignored.append(change.field ?? "change without field")
            return
        }
        guard let value = change.value else {
            decoded.ignored.append("change without value")
            return
        }
        guard value.metadata?.phoneNumberID == phoneNumberID else {
            decoded.ignored.append("another phone number")
            return
        }
        for message in value.messages ?? [] {
            switch inbound(message) {
            case .success(let inbound): decoded.messages.append(inbound)
            case .failure(let kind): decoded.ignored.append(kind.name)
            }
        }
        for status in value.statuses ?? [] {
            if let state = status.status.flatMap(DeliveryStatus.State.init(rawValue:)), let id = status.id {
                decoded.statuses.append(
                    DeliveryStatus(channel: .whatsapp, providerMessageID: id, state: state, error: status.errors?.first?.summary))
            } else {
                decoded.ignored.append("status \(status.status ?? "without name")")
            }
        }
        for error in value.errors ?? [] {
            decoded.ignored.append("error \(error.code.map(String.init) ?? "without code")")
        }
    }

    /// A kind the bot does not answer, named for operators.
    struct Ignored: Error {
        var name: String
    }

    private func inbound(_ message: Message) -> Result<InboundMessage, Ignored> {
        guard let id = message.id, let from = message.from else { return .failure(Ignored(name: "message without id or sender")) }
        let type = message.type ?? "message without type"
        let input: Input
        switch type {
        case "text":
            input = .text(message.text?.body ?? "")
        case "interactive":
            guard let reply = message.interactive?.buttonReply ?? message.interactive?.listReply else {
                return .failure(Ignored(name: "interactive \(message.interactive?.type ?? "without type")"))
            }
            input = .button(reply.id)
        case "button":
            // A quick reply under a template: its payload is the template's, the text is what the person chose.
            input = .text(message.button?.text ?? message.button?.payload ?? "")
        case "image", "video", "document":
            // The person gets the menu rather than silence; a caption is read like typed text.
            input = .text(message.media(type)?.caption ?? "")
        case "audio", "sticker", "location", "contacts":
            input = .text("")
        default:
            return .failure(Ignored(name: type))
        }
        return .success(InboundMessage(channel: .whatsapp, providerMessageID: id, userID: from, chatID: from, input: input))
    }

    // MARK: The parts of the notification the bot reads

    struct Notification: Decodable {
        var object: String
        var entry: [Entry]?
    }

    struct Entry: Decodable {
        var changes: [Change]?
    }

    struct Change: Decodable {
        var field: String?
        var value: Value?
    }

    struct Value: Decodable {
        var metadata: Metadata?
        var messages: [Message]?
        var statuses: [Status]?
        var errors: [ErrorObject]?
    }

    struct Metadata: Decodable {
        var phoneNumberID: String?

        enum CodingKeys: String, CodingKey {
            case phoneNumberID = "phone_number_id"
        }
    }

    struct Message: Decodable {
        var from: String?
        var id: String?
        var type: String?
        var text: Text?
        var interactive: Interactive?
        var button: TemplateButton?
        var image: Media?
        var video: Media?
        var document: Media?

        func media(_ type: String) -> Media? {
            switch type {
            case "image": image
            case "video": video
            case "document": document
            default: nil
            }
        }
    }

    struct Text: Decodable {
        var body: String?
    }

    struct Interactive: Decodable {
        var type: String?
        var buttonReply: Choice?
        var listReply: Choice?

        enum CodingKeys: String, CodingKey {
            case type
            case buttonReply = "button_reply"
            case listReply = "list_reply"
        }
    }

    struct Choice: Decodable {
        var id: String
    }

    struct TemplateButton: Decodable {
        var payload: String?
        var text: String?
    }

    struct Media: Decodable {
        var caption: String?
    }

    struct Status: Decodable {
        var id: String?
        var status: String?
        var errors: [ErrorObject]?
    }

    struct ErrorObject: Decodable {
        var code: Int?
        var title: String?

        /// "CODE title": Meta's words for what went wrong, never the message or the number.
        var summary: String? {
            let words = [code.map(String.init), title].compactMap { $0 }.filter { !$0.isEmpty }
            return words.isEmpty ? nil : words.joined(separator: " ")
        }
    }
}
