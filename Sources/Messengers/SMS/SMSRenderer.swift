import Foundation
import WelcomeCore

/// Shapes a reply for SMS, which has no buttons: the choices become numbered lines after the
/// text ("1. Address", "3. Book an appointment: https://…"), and the person answers with the
/// digit. Every button is numbered in order, links included, because the assistant maps a digit
/// to that position of the previous reply's buttons. Messages are at most 1600 characters, the
/// limit of Twilio's API; longer text is split and the choices go with the last part.
public struct SMSRenderer: Sendable {
    public static let bodyLimit = 1600
    /// A blank line keeps the choices apart from the answer on a small screen.
    static let choicesSeparator = "\n\n"

    public init() {}

    /// The message bodies for a reply, in order; never empty.
    public func render(_ reply: Reply) -> [String] {
        let splitter = TextSplitter(limit: Self.bodyLimit, measure: .characters)
        var parts = splitter.split(reply.text)
        let choices = Self.choices(reply.buttons)
        if !choices.isEmpty {
            if let last = parts.last, (last + Self.choicesSeparator + choices).count <= Self.bodyLimit {
                parts[parts.count - 1] = last + Self.choicesSeparator + choices
            } else {
                // Line breaks come first as cut points, so only very many choices are ever split.
                parts += splitter.split(choices)
            }
        }
        return parts.isEmpty ? ["…"] : parts  // Twilio refuses an empty body; a reply always says something
    }

    /// The encoding and segment count of each message of a reply, for operators watching the
    /// cost: an answer in Arabic travels as UCS-2, in 67 characters per segment.
    public func segments(of reply: Reply) -> [SMSSegments] {
        render(reply).map(SMSSegments.init)
    }

    /// One numbered line per button, links with their address.
    static func choices(_ buttons: [Button]) -> String {
        buttons.enumerated().map { index, button in
            switch button.kind {
            case .link: "\(index + 1). \(button.label): \(button.value)"
            case .intent, .language: "\(index + 1). \(button.label)"
            }
        }.joined(separator: "\n")
    }

    // MARK: TwiML

    /// TwiML that answers with the reply, one `<Message>` per part.
    public func twiml(_ reply: Reply) -> String {
        let messages = render(reply).map { "<Message>\(Self.escaped($0))</Message>" }.joined()
        return Self.declaration + "<Response>" + messages + "</Response>"
    }

    /// TwiML that answers nothing: Twilio logs an error for an empty body.
    public static let emptyTwiML = declaration + "<Response/>"

    static let declaration = #"<?xml version="1.0" encoding="UTF-8"?>"#

    /// Text as XML character data. Control characters XML 1.0 does not allow would make the
    /// whole document unreadable for Twilio, so they are left out.
    static func escaped(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            case "\t", "\n", "\r": result.unicodeScalars.append(scalar)
            default:
                let value = scalar.value
                if value < 0x20 || value == 0xFFFE || value == 0xFFFF { continue }
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
