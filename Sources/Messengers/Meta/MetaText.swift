import WelcomeCore

/// Text shaping shared by WhatsApp and Messenger, which both count in UTF-16 code units.
enum MetaText {
    /// The parts of `text`, each within `limit`, the last one also within `lastPartLimit`: the
    /// last part carries the buttons, and a message with buttons allows less text.
    static func parts(of text: String, limit: Int, lastPartLimit: Int) -> [String] {
        var parts = TextSplitter(limit: limit, measure: .utf16).split(text)
        guard let last = parts.last, last.utf16.count > lastPartLimit else { return parts }
        // Cut the end off the last part at a natural place; what comes before it stays one message.
        let pieces = TextSplitter(limit: lastPartLimit, measure: .utf16).split(last)
        parts.removeLast()
        guard let tail = pieces.last, last.hasSuffix(tail) else { return parts + pieces }
        var head = last.dropLast(tail.count)
        while let final = head.last, final.isWhitespace { head.removeLast() }
        if !head.isEmpty { parts.append(String(head)) }
        parts.append(tail)
        return parts
    }

    /// `text` if it fits, else cut at a character boundary with "…" so that the whole fits.
    static func truncated(_ text: String, to limit: Int) -> String {
        guard text.utf16.count > limit else { return text }
        var cut = ""
        var used = 1  // the ellipsis
        for character in text {
            used += character.utf16.count
            if used > limit { break }
            cut.append(character)
        }
        while let final = cut.last, final.isWhitespace { cut.removeLast() }
        return cut + "…"
    }

    /// Links as "Label: URL" lines under the text, for messages that cannot carry link buttons.
    static func appending(links: [Button], to text: String) -> String {
        guard !links.isEmpty else { return text }
        let lines = links.map { "\($0.label): \($0.value)" }.joined(separator: "\n")
        return text.isEmpty ? lines : "\(text)\n\n\(lines)"
    }

    /// Every message must say something, and a reply with only buttons may have no text.
    static let placeholder = "…"
}
