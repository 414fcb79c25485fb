/// How a text travels as SMS: in GSM-7 when every character is in the GSM 03.38 alphabet, else in
/// UCS-2, and in how many segments. Operators pay per segment, so answers are worth keeping short.
public struct SMSSegments: Sendable, Equatable {
    public enum Encoding: String, Sendable, Equatable {
        case gsm7 = "GSM-7"
        case ucs2 = "UCS-2"
    }

    public var encoding: Encoding
    /// The length in the encoding's units: septets for GSM-7 (an extension character takes two),
    /// UTF-16 code units for UCS-2.
    public var units: Int
    /// The number of segments; 0 for empty text.
    public var count: Int

    /// Units in one message, and per segment once it is split (the rest holds the header that
    /// joins the parts again).
    static let gsm7Single = 160
    static let gsm7Part = 153
    static let ucs2Single = 70
    static let ucs2Part = 67

    /// The GSM 03.38 basic character set, without the escape to the extension table.
    static let basic = Set(
        ("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà").unicodeScalars)
    /// The extension table: each is sent as the escape and a second septet.
    static let extended = Set("\u{0C}^{}\\[]~|€".unicodeScalars)

    public init(encoding: Encoding, units: Int, count: Int) {
        self.encoding = encoding
        self.units = units
        self.count = count
    }

    /// The encoding Twilio will choose for `text` and the segments it will be sent in.
    public init(_ text: String) {
        // Scalars, not characters: "\r\n" is one character but two septets.
        let costs: [Int]
        let single: Int
        let part: Int
        if let septets = Self.septets(text) {
            (encoding, costs, single, part) = (.gsm7, septets, Self.gsm7Single, Self.gsm7Part)
        } else {
            (encoding, costs, single, part) = (.ucs2, text.unicodeScalars.map { $0.utf16.count }, Self.ucs2Single, Self.ucs2Part)
        }
        units = costs.reduce(0, +)
        if units == 0 {
            count = 0
        } else if units <= single {
            count = 1
        } else {
            // Filled one by one rather than divided: an escape pair or a surrogate pair is never
            // cut between two segments, so a segment sometimes holds one unit less.
            var segments = 1
            var used = 0
            for cost in costs {
                if used + cost > part {
                    segments += 1
                    used = 0
                }
                used += cost
            }
            count = segments
        }
    }

    /// The septets of each scalar, or nil when one is not in the GSM alphabet.
    static func septets(_ text: String) -> [Int]? {
        var costs: [Int] = []
        costs.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            if basic.contains(scalar) {
                costs.append(1)
            } else if extended.contains(scalar) {
                costs.append(2)
            } else {
                return nil
            }
        }
        return costs
    }
}
