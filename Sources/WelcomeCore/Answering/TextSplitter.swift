import Foundation

/// Splits a reply that is too long for a channel into messages, at the most natural place that
/// fits: a paragraph break, then a line break, then the end of a sentence, then a space, and only
/// as a last resort inside a word. Every channel counts length its own way, so the caller says how.
public struct TextSplitter: Sendable {
    /// How a channel counts: Telegram and WhatsApp count UTF-16 code units, SMS counts characters.
    public enum Measure: Sendable {
        case characters
        case utf16
        case utf8

        func length(_ text: Substring) -> Int {
            switch self {
            case .characters: text.count
            case .utf16: text.utf16.count
            case .utf8: text.utf8.count
            }
        }
    }

    public var limit: Int
    public var measure: Measure

    public init(limit: Int, measure: Measure = .utf16) {
        precondition(limit > 0, "a message must be allowed at least one character")
        self.limit = limit
        self.measure = measure
    }

    /// The parts, each within the limit, trimmed of the whitespace at the cut; never empty parts.
    public func split(_ text: String) -> [String] {
        var parts: [String] = []
        var rest = Substring(text)
        while measure.length(rest) > limit {
            let cut = cutIndex(in: rest)
            let part = rest[..<cut].trimmingTrailingWhitespace()
            if !part.isEmpty { parts.append(String(part)) }
            rest = rest[cut...].drop { $0.isWhitespace }
        }
        if !rest.isEmpty { parts.append(String(rest)) }
        return parts
    }

    /// The best place to cut so that what comes before fits.
    private func cutIndex(in text: Substring) -> String.Index {
        // The longest prefix that fits, in whole characters (never half a grapheme or emoji).
        var fits = text.startIndex
        var used = 0
        for index in text.indices {
            let next = text.index(after: index)
            used += measure.length(text[index..<next])
            if used > limit { break }
            fits = next
        }
        if fits == text.startIndex { return text.index(after: text.startIndex) }
        let window = text[..<fits]
        // Prefer a cut in the second half, so parts are not tiny.
        let floor = window.index(window.startIndex, offsetBy: window.count / 2)
        for separator in ["\n\n", "\n"] {
            if let range = window.range(of: separator, options: .backwards), range.lowerBound > floor {
                return range.upperBound
            }
        }
        var index = fits
        while index > floor {
            let previous = window.index(before: index)
            if ".!?؟。…".contains(window[previous]), index == fits || window[index].isWhitespace {
                return index
            }
            index = previous
        }
        if let space = window.lastIndex(where: { $0.isWhitespace }), space > floor {
            return window.index(after: space)
        }
        return fits
    }
}

extension Substring {
    fileprivate func trimmingTrailingWhitespace() -> Substring {
        var end = endIndex
        while end > startIndex, self[index(before: end)].isWhitespace { end = index(before: end) }
        return self[..<end]
    }
}
