import Foundation
import WelcomeCore

/// Turns a Messenger Platform notification (`object: page`) into messages to answer and
/// delivery statuses. Entries and their `messaging` events are batched and all read, in order;
/// the page's own messages (echoes), reads, reactions and other events are acknowledged and ignored.
public struct MessengerDecoder: Sendable {
    public init() {}

    public func decode(_ body: Data) throws(WebhookDecodingError) -> DecodedWebhook {
        let notification = try MetaJSON.decode(Notification.self, from: body, what: "a Messenger notification")
        guard notification.object == "page" else {
            throw WebhookDecodingError("the body is not a Messenger notification: 'object' is '\(notification.object)'")
        }
        var decoded = DecodedWebhook()
        for entry in notification.entry ?? [] {
            guard let events = entry.messaging else {
                // `standby` (another app has the conversation), `changes` (page feed): not messages to us.
                decoded.ignored.append(entry.kind ?? "entry without messaging")
                continue
            }
            for event in events {
                read(event, into: &decoded)
            }
        }
        return decoded
    }

    private func read(_ event: Event, into decoded: inout DecodedWebhook) {
        if let delivery = event.delivery {
            let mids = delivery.mids ?? []
            if mids.isEmpty { decoded.ignored.append("delivery without mids") }
            decoded.statuses += mids.map { DeliveryStatus(channel: .messenger, providerMessageID: $0, state: .delivered) }
            return
        }
        guard let sender = event.sender?.id else {
            decoded.ignored.append(event.kind ?? "event without sender")
            return
        }
        // Without an id of its own, an event is known by who sent it when; Meta resends it unchanged.
        let fallbackID = "\(sender)-\(event.timestamp.map(String.init) ?? "0")"
        if let message = event.message {
            if message.isEcho == true {
                decoded.ignored.append("echo")
                return
            }
            let input: Input
            if let payload = message.quickReply?.payload, !payload.isEmpty {
                input = .button(payload)
            } else {
                // Attachments only (a photo, a sticker, a location): the person gets the menu.
                input = .text(message.text ?? "")
            }
            decoded.messages.append(
                InboundMessage(
                    channel: .messenger, providerMessageID: message.mid ?? fallbackID, userID: sender, chatID: sender,
                    input: input))
            return
        }
        if let postback = event.postback {
            decoded.messages.append(
                InboundMessage(
                    channel: .messenger, providerMessageID: postback.mid ?? fallbackID, userID: sender, chatID: sender,
                    input: .button(postback.payload ?? "")))
            return
        }
        decoded.ignored.append(event.kind ?? "event without content")
    }

    // MARK: The parts of the notification the bot reads

    struct Notification: Decodable {
        var object: String
        var entry: [Entry]?
    }

    struct Entry: Decodable {
        var messaging: [Event]?
        /// The first other field, for operators ("standby", "changes").
        var kind: String?

        enum CodingKeys: String, CodingKey {
            case messaging
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            messaging = try container.decodeIfPresent([Event].self, forKey: .messaging)
            kind = try Self.kind(of: decoder, besides: ["id", "time", "messaging"])
        }

        static func kind(of decoder: any Decoder, besides known: Set<String>) throws -> String? {
            try decoder.container(keyedBy: MetaJSON.AnyKey.self).allKeys.map(\.stringValue).filter { !known.contains($0) }
                .sorted().first
        }
    }

    struct Event: Decodable {
        var sender: Party?
        var timestamp: Int64?
        var message: Message?
        var postback: Postback?
        var delivery: Delivery?
        /// The field that names the event when it is none of the above ("read", "reaction", "optin").
        var kind: String?

        enum CodingKeys: String, CodingKey {
            case sender, timestamp, message, postback, delivery
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            sender = try container.decodeIfPresent(Party.self, forKey: .sender)
            timestamp = try container.decodeIfPresent(Int64.self, forKey: .timestamp)
            message = try container.decodeIfPresent(Message.self, forKey: .message)
            postback = try container.decodeIfPresent(Postback.self, forKey: .postback)
            delivery = try container.decodeIfPresent(Delivery.self, forKey: .delivery)
            kind = try Entry.kind(of: decoder, besides: ["sender", "recipient", "timestamp"])
        }
    }

    struct Party: Decodable {
        var id: String?
    }

    struct Message: Decodable {
        var mid: String?
        var text: String?
        var isEcho: Bool?
        var quickReply: QuickReply?

        enum CodingKeys: String, CodingKey {
            case mid, text
            case isEcho = "is_echo"
            case quickReply = "quick_reply"
        }
    }

    struct QuickReply: Decodable {
        var payload: String?
    }

    struct Postback: Decodable {
        var mid: String?
        var payload: String?
    }

    struct Delivery: Decodable {
        var mids: [String]?
    }
}
