import Foundation

/// Turns text as newcomers type it into comparable tokens, the same way for keywords and for
/// messages: compatibility forms and case folded, diacritics and tatweel removed, letter variants
/// of Arabic and Persian unified, digits of every script made ASCII, German umlaut spellings and
/// Turkish dotted and dotless i made equal, and Arabic-script clitics stripped.
///
/// The per-scalar work is a table look-up built once per process, so normalising costs a few
/// nanoseconds per character; this is what keeps matching at microseconds per message.
public struct Normalizer: Sendable {
    /// The process-wide normaliser; building the table takes a few milliseconds, once.
    public static let shared = Normalizer()

    /// Per BMP scalar: 0 separator, 1 ignorable, a scalar value, or an expansion reference.
    private let table: [UInt32]
    private let expansions: [UInt32]
    /// Per BMP scalar: script and language evidence of the letter as typed (before folding).
    private let hints: [LetterHint]

    private static let separator: UInt32 = 0
    private static let ignorable: UInt32 = 1
    private static let expansionFlag: UInt32 = 0x8000_0000

    private init() {
        var table = [UInt32](repeating: Self.separator, count: 0x10000)
        var expansions: [UInt32] = []
        var hints = [LetterHint](repeating: .none, count: 0x10000)
        for value in 0..<UInt32(0x10000) {
            guard let scalar = Unicode.Scalar(value) else { continue }
            hints[Int(value)] = LetterHint(scalar)
            switch Self.fold(scalar) {
            case nil:
                table[Int(value)] = Self.separator
            case let folded? where folded.isEmpty:
                table[Int(value)] = Self.ignorable
            case let folded? where folded.count == 1:
                table[Int(value)] = folded[0]
            case let folded?:
                table[Int(value)] = Self.expansionFlag | UInt32(expansions.count) << 4 | UInt32(folded.count)
                expansions.append(contentsOf: folded)
            }
        }
        self.table = table
        self.expansions = expansions
        self.hints = hints
    }

    // MARK: Public interface

    /// The normalised tokens of `text`, with evidence of its script and language. At most
    /// `maximumTokens` tokens are produced; callers reject longer messages before this point.
    public func normalize(_ text: String, maximumTokens: Int = 256) -> NormalizedText {
        var result = NormalizedText()
        result.scalars.reserveCapacity(text.utf8.count)
        var tokenStart = 0
        func closeToken(_ result: inout NormalizedText) {
            if result.scalars.count > tokenStart {
                Self.refineToken(&result.scalars, from: tokenStart)
                if result.scalars.count > tokenStart {
                    result.tokens.append(tokenStart..<result.scalars.count)
                }
            }
            tokenStart = result.scalars.count
        }
        for scalar in text.unicodeScalars {
            let value = scalar.value
            let entry: UInt32
            if value < 0x10000 {
                entry = table[Int(value)]
                let hint = hints[Int(value)]
                if hint != .none { result.evidence.count(hint) }
            } else {
                // Outside the table: rare (mathematical letters, historic scripts); fold directly.
                if scalar.properties.isAlphabetic {
                    result.scalars.append(contentsOf: Self.foldWithFoundation(scalar))
                    continue
                }
                entry = Self.separator
            }
            switch entry {
            case Self.separator:
                closeToken(&result)
                if result.tokens.count >= maximumTokens { return result }
            case Self.ignorable:
                continue
            case let reference where reference & Self.expansionFlag != 0:
                let offset = Int((reference & ~Self.expansionFlag) >> 4)
                let count = Int(reference & 0xF)
                result.scalars.append(contentsOf: expansions[offset..<offset + count])
            default:
                result.scalars.append(entry)
            }
        }
        closeToken(&result)
        if result.tokens.count > maximumTokens { result.tokens.removeLast(result.tokens.count - maximumTokens) }
        return result
    }

    /// The normalised tokens as strings, for explanations, dumps and tests.
    public func tokens(_ text: String) -> [String] {
        let normalized = normalize(text)
        return normalized.tokens.indices.map { normalized.string(at: $0) }
    }

    // MARK: Building the table

    /// Characters whose folding is a decision of ours rather than Unicode's.
    private static let specials: [UInt32: [UInt32]] = {
        var map: [UInt32: [UInt32]] = [:]
        func set(_ from: [UInt32], _ to: String) {
            for value in from { map[value] = to.unicodeScalars.map(\.value) }
        }
        // Turkish dotted and dotless i are one letter for matching.
        set([0x0130, 0x0131, 0x0049], "i")
        set([0x00DF, 0x1E9E], "ss")
        // Apostrophes join: "don't", Ukrainian "м'ясо" and "п’ятниця" are one word.
        set([0x0027, 0x2019, 0x02BC, 0x0060, 0x00B4, 0x2018, 0x02B9], "")
        // Arabic and Persian letter variants.
        set([0x0623, 0x0625, 0x0622, 0x0671, 0x0672, 0x0673], "\u{0627}")  // alef with hamza/madda/wasla
        set([0x0649, 0x06CC, 0x06D0, 0x064A, 0x0626], "\u{064A}")  // alef maksura, Persian yeh, yeh with hamza
        set([0x06A9, 0x0643], "\u{0643}")  // Persian keheh and Arabic kaf
        set([0x0629, 0x06C0, 0x06C1, 0x06D5], "\u{0647}")  // teh marbuta, heh with yeh
        set([0x0624], "\u{0648}")  // waw with hamza
        set([0x0621, 0x0640], "")  // lone hamza, tatweel
        // Ukrainian ghe with upturn, as people often type plain ghe.
        set([0x0490, 0x0491], "\u{0433}")
        return map
    }()

    /// The folded form of one scalar: nil for a separator, empty for an ignorable character.
    static func fold(_ scalar: Unicode.Scalar) -> [UInt32]? {
        if let special = specials[scalar.value] { return special }
        let properties = scalar.properties
        switch properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format:
            // Diacritics, harakat, ZWNJ/ZWJ (Persian half-space), bidi controls, soft hyphen.
            return []
        case .decimalNumber:
            if let digit = properties.numericValue, digit >= 0, digit <= 9 {
                return [0x30 + UInt32(digit)]
            }
            return [scalar.value]
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .otherLetter, .modifierLetter,
            .spacingMark, .letterNumber, .otherNumber:
            if scalar.isASCII {
                return [UInt32(UInt8(ascii: scalar) | 0x20)]  // ASCII letters and digits: | 0x20 lowercases
            }
            if properties.generalCategory == .modifierLetter { return [] }
            // Only letters that can carry diacritics or have compatibility forms need the slow
            // path; the tens of thousands of others (CJK, Hangul, ...) map to themselves.
            let mayDecompose =
                (0x00C0...0x052F).contains(scalar.value) || (0x1E00...0x1FFF).contains(scalar.value)
                || (0x0600...0x06FF).contains(scalar.value)
            if !mayDecompose && !properties.changesWhenNFKCCaseFolded { return [scalar.value] }
            return foldWithFoundation(scalar)
        default:
            return nil
        }
    }

    /// NFKD, lower case, marks dropped: "É" → "e", "ﻻ" → "لا", "ﬁ" → "fi", "①" → "1".
    private static func foldWithFoundation(_ scalar: Unicode.Scalar) -> [UInt32] {
        let decomposed = String(scalar).decomposedStringWithCompatibilityMapping.lowercased()
            .decomposedStringWithCompatibilityMapping
        var result: [UInt32] = []
        for part in decomposed.unicodeScalars {
            if let special = specials[part.value] {
                result.append(contentsOf: special)
                continue
            }
            switch part.properties.generalCategory {
            case .nonspacingMark, .enclosingMark, .format:
                continue
            case .decimalNumber:
                if let digit = part.properties.numericValue, digit >= 0, digit <= 9 {
                    result.append(0x30 + UInt32(digit))
                }
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .otherLetter, .spacingMark,
                .letterNumber, .otherNumber:
                result.append(part.value)
            default:
                continue
            }
        }
        return result
    }

    // MARK: Token refinement

    /// Spelling variants that are whole-token decisions: German "ae/oe/ue" for "ä/ö/ü" and the
    /// clitics of Arabic script. Applied to keywords and messages alike, so both meet halfway.
    private static func refineToken(_ scalars: inout [UInt32], from start: Int) {
        guard let first = scalars[safe: start] else { return }
        if first < 0x0250 {
            foldUmlautSpellings(&scalars, from: start)
        } else if (0x0600..<0x0700).contains(first) {
            stripArabicClitics(&scalars, from: start)
        }
    }

    /// "oeffnungszeiten" and "öffnungszeiten" (already "offnungszeiten") become one word.
    private static func foldUmlautSpellings(_ scalars: inout [UInt32], from start: Int) {
        let e: UInt32 = 0x65
        var read = start
        var write = start
        let end = scalars.count
        while read < end {
            let scalar = scalars[read]
            if read + 1 < end, scalars[read + 1] == e, scalar == 0x61 || scalar == 0x6F || scalar == 0x75 {
                scalars[write] = scalar
                write += 1
                read += 2
                continue
            }
            scalars[write] = scalar
            write += 1
            read += 1
        }
        scalars.removeLast(end - write)
    }

    private static let arabicPrefixes: [[UInt32]] = ["وبال", "وال", "بال", "كال", "فال", "لل", "ال"].map {
        $0.unicodeScalars.map(\.value)
    }
    private static let arabicSuffixes: [[UInt32]] = ["هاي", "ها", "ات", "ون", "ين", "ه", "ي"].map {
        $0.unicodeScalars.map(\.value)
    }

    /// A light stemmer for Arabic script: the article and attached prepositions in front, one
    /// plural, feminine or possessive ending at the back, keeping at least three letters. With
    /// prefix matching this lets "اقامه" find "الإقامة", "إقامتي" and "اقامات".
    private static func stripArabicClitics(_ scalars: inout [UInt32], from start: Int) {
        let minimumStem = 3
        for prefix in arabicPrefixes {
            let length = scalars.count - start
            if length - prefix.count >= minimumStem, scalars[start..<start + prefix.count].elementsEqual(prefix) {
                scalars.removeSubrange(start..<start + prefix.count)
                break
            }
        }
        let length = scalars.count - start
        guard length >= 4 else { return }
        for suffix in arabicSuffixes {
            if length - suffix.count >= minimumStem, scalars[(scalars.count - suffix.count)...].elementsEqual(suffix) {
                scalars.removeLast(suffix.count)
                break
            }
        }
    }
}

/// Tokens of one normalised text: scalars in one buffer, tokens as ranges into it.
public struct NormalizedText: Sendable {
    public var scalars: [UInt32] = []
    public var tokens: [Range<Int>] = []
    public var evidence = ScriptEvidence()

    public init() {}

    public func token(at index: Int) -> ArraySlice<UInt32> {
        scalars[tokens[index]]
    }

    public func string(at index: Int) -> String {
        var view = String.UnicodeScalarView()
        for value in scalars[tokens[index]] {
            if let scalar = Unicode.Scalar(value) { view.append(scalar) }
        }
        return String(view)
    }
}

/// What the letters as typed say about script and language, counted while normalising.
public struct ScriptEvidence: Sendable, Equatable {
    public var latin = 0
    public var cyrillic = 0
    public var arabic = 0
    public var other = 0
    /// Letters that only one of the shipped languages uses, by language code.
    public var distinctive: [String: Int] = [:]

    public init() {}

    mutating func count(_ hint: LetterHint) {
        switch hint.script {
        case .latin: latin += 1
        case .cyrillic: cyrillic += 1
        case .arabic: arabic += 1
        case .other: other += 1
        case .none: break
        }
        if let language = hint.language {
            distinctive[language, default: 0] += 1
        }
    }

    /// The script most letters are in.
    public var dominantScript: Script {
        let counts: [(Script, Int)] = [(.latin, latin), (.cyrillic, cyrillic), (.arabic, arabic), (.other, other)]
        guard let best = counts.max(by: { $0.1 < $1.1 }), best.1 > 0 else { return .none }
        return best.0
    }
}

public enum Script: String, Sendable, Codable {
    case none, latin, cyrillic, arabic, other

    /// The script a language is written in, for the shipped and the most likely future languages.
    public static func of(language code: String) -> Script {
        switch code {
        case "ar", "fa", "ur", "ps", "ckb", "prs": return .arabic
        case "ru", "uk", "bg", "sr", "mk", "be", "kk", "ky": return .cyrillic
        case "zh", "ja", "ko", "ti", "am", "hi", "ta", "el", "he", "ka", "hy": return .other
        default: return .latin
        }
    }
}

/// Script and language evidence of one scalar, one byte in the per-scalar table.
struct LetterHint: Sendable, Equatable {
    /// Low three bits: the script; the rest: 1 + index into `languages`, or 0.
    let bits: UInt8

    static let none = LetterHint(bits: 0)
    static let languages = ["de", "tr", "uk", "ru", "fa", "ar"]
    private static let scripts: [Script] = [.none, .latin, .cyrillic, .arabic, .other]

    private init(bits: UInt8) {
        self.bits = bits
    }

    var script: Script { Self.scripts[Int(bits & 0x7)] }
    var language: String? { bits >> 3 == 0 ? nil : Self.languages[Int(bits >> 3) - 1] }

    init(_ scalar: Unicode.Scalar) {
        let value = scalar.value
        guard scalar.properties.isAlphabetic else {
            self = .none
            return
        }
        let script: UInt8
        switch value {
        case 0x0041...0x005A, 0x0061...0x007A, 0x00C0...0x024F, 0x1E00...0x1EFF: script = 1
        case 0x0400...0x052F: script = 2
        case 0x0600...0x06FF, 0x0750...0x077F, 0x08A0...0x08FF, 0xFB50...0xFDFF, 0xFE70...0xFEFF: script = 3
        default: script = 4
        }
        let language: String?
        switch value {
        case 0x00E4, 0x00C4, 0x00DF: language = "de"  // ä ß (ö and ü are Turkish too)
        case 0x015F, 0x015E, 0x011F, 0x011E, 0x0131, 0x0130: language = "tr"  // ş ğ ı İ
        case 0x0456, 0x0406, 0x0457, 0x0407, 0x0454, 0x0404, 0x0491, 0x0490: language = "uk"  // і ї є ґ
        case 0x044B, 0x042B, 0x044D, 0x042D, 0x044A, 0x042A, 0x0451, 0x0401: language = "ru"  // ы э ъ ё
        case 0x067E, 0x0686, 0x0698, 0x06AF, 0x06A9, 0x06CC: language = "fa"  // پ چ ژ گ ک ی
        case 0x0629, 0x0649, 0x0625: language = "ar"  // ة ى إ
        default: language = nil
        }
        let languageBits = language.flatMap { Self.languages.firstIndex(of: $0) }.map { UInt8($0 + 1) } ?? 0
        self.bits = script | languageBits << 3
    }
}

extension Array {
    subscript(safe index: Int) -> Element? {
        indices.contains(index) ? self[index] : nil
    }
}
