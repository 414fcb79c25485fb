import Testing

@testable import WelcomeCore

@Suite("Splitting long replies")
struct TextSplitterTests {
    @Test("text within the limit stays one message")
    func short() {
        #expect(TextSplitter(limit: 10).split("hello") == ["hello"])
        #expect(TextSplitter(limit: 10).split("") == [])
    }

    @Test("splits at a paragraph break first")
    func paragraphs() {
        let text = String(repeating: "a", count: 30) + "\n\n" + String(repeating: "b", count: 30)
        #expect(TextSplitter(limit: 40).split(text) == [String(repeating: "a", count: 30), String(repeating: "b", count: 30)])
    }

    @Test("then at the end of a sentence, Arabic question mark included")
    func sentences() {
        let text = "First sentence here. Second sentence is longer؟ Third one."
        let parts = TextSplitter(limit: 50).split(text)
        #expect(parts == ["First sentence here. Second sentence is longer؟", "Third one."])
    }

    @Test("then at a space, and inside a word only when nothing else fits")
    func words() {
        #expect(TextSplitter(limit: 12).split("alpha beta gamma delta") == ["alpha beta", "gamma delta"])
        #expect(TextSplitter(limit: 4).split("abcdefghij") == ["abcd", "efgh", "ij"])
    }

    @Test(
        "every part is within the limit, counted as the channel counts",
        arguments: [TextSplitter.Measure.characters, .utf16, .utf8])
    func limits(measure: TextSplitter.Measure) {
        let text = String(repeating: "Привет 👋🏽 مرحبا Öffnungszeiten. ", count: 200)
        let splitter = TextSplitter(limit: 100, measure: measure)
        let parts = splitter.split(text)
        #expect(parts.count > 1)
        for part in parts {
            let length =
                switch measure {
                case .characters: part.count
                case .utf16: part.utf16.count
                case .utf8: part.utf8.count
                }
            #expect(length <= 100)
            #expect(!part.isEmpty)
        }
        // Nothing is lost but the whitespace at the cuts.
        #expect(parts.joined().filter { !$0.isWhitespace } == text.filter { !$0.isWhitespace })
    }

    @Test("an emoji is never cut in half")
    func graphemes() {
        let parts = TextSplitter(limit: 3, measure: .utf16).split("a👋🏽b")
        #expect(parts.allSatisfy { !$0.unicodeScalars.contains { $0.properties.isEmojiModifier } || $0.contains("👋🏽") })
    }
}
