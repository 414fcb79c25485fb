/// Generated intents for measuring how matching scales with catalog size. The words are made of
/// syllables of each language's script, so they land in the same hash tables, deletion index and
/// prefix look-ups as real keywords, and occasionally collide with real words as real ones would.
public enum SyntheticIntents {
    /// A copy of `catalog` with `count` generated intents added to every language.
    public static func adding(_ count: Int, to catalog: IntentCatalog, seed: UInt64 = 0x5EED) -> IntentCatalog {
        var result = catalog
        var generator = SplitMix64(seed: seed)
        for (code, pack) in catalog.languages {
            var pack = pack
            let syllables = Self.syllables(for: Script.of(language: code))
            pack.intents.reserveCapacity(pack.intents.count + count)
            for number in 0..<count {
                var keywords: [Phrase] = []
                for keyword in 0..<8 {
                    let words = keyword % 3 == 2 ? 2 : 1
                    let text = (0..<words).map { _ in word(from: syllables, &generator) }.joined(separator: " ")
                    keywords.append(Phrase(text))
                }
                pack.intents.append(
                    Intent(
                        id: "synthetic-\(number)", title: "Synthetic \(number)", keywords: keywords,
                        answer: AnswerTemplate(literal: "Synthetic answer \(number)")))
            }
            result.languages[code] = pack
        }
        return result
    }

    /// Three to five syllables of thirty: like a real vocabulary, most words belong to one
    /// intent, and a few short ones are shared by many.
    private static func word(from syllables: [String], _ generator: inout SplitMix64) -> String {
        let count = 3 + Int(generator.next() % 3)
        return (0..<count).map { _ in syllables[Int(generator.next() % UInt64(syllables.count))] }.joined()
    }

    private static func syllables(for script: Script) -> [String] {
        switch script {
        case .cyrillic:
            return [
                "ка", "ро", "ми", "ле", "ту", "на", "ско", "вы", "при", "жу", "бе", "ге", "до", "зі", "ча",
                "ва", "пе", "сто", "ны", "ра", "ло", "ку", "ша", "ти", "по", "ре", "зо", "мя", "лю", "хо",
            ]
        case .arabic:
            return [
                "كا", "مي", "لو", "سا", "تر", "نو", "با", "دي", "فه", "قو", "جا", "پا", "گو", "شي", "حا",
                "را", "زي", "طو", "عا", "غي", "صا", "ضو", "ثا", "خي", "ذو", "ظا", "بو", "تي", "نا", "مو",
            ]
        default:
            return [
                "ka", "ro", "mi", "le", "tu", "na", "sch", "ber", "ung", "zu", "ge", "do", "si", "ar", "ven",
                "pa", "ti", "mo", "re", "lu", "fa", "kel", "tor", "ish", "bra", "no", "vi", "da", "sel", "wi",
            ]
        }
    }
}

/// A small, fast, seedable generator, so benchmarks are the same on every run.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
