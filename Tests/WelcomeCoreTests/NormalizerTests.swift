import Testing

@testable import WelcomeCore

/// Normalisation in every shipped script: what newcomers type and what staff write meet.
@Suite("Normalising text")
struct NormalizerTests {
    let normalizer = Normalizer.shared

    /// Pairs that must normalise to the same tokens.
    @Test(
        "spelling variants become the same tokens",
        arguments: [
            // German: case, umlauts, ae/oe/ue, ß
            ("Öffnungszeiten", "oeffnungszeiten"),
            ("ÖFFNUNGSZEITEN", "offnungszeiten"),
            ("Straße", "strasse"),
            ("Grüße", "gruesse"),
            ("Bürgeramt", "buergeramt"),
            ("Ausländerbehörde", "auslaenderbehoerde"),
            // Turkish: dotted and dotless i, cedilla, breve
            ("İKAMET", "ikamet"),
            ("ışık", "isik"),
            ("çalışma izni", "calisma izni"),
            ("DİL KURSU", "dil kursu"),
            ("oturum iznı", "oturum izni"),
            // English: apostrophes of every kind join
            ("don't", "dont"),
            ("don’t", "DONT"),
            // Arabic: hamza forms of alef, teh marbuta, alef maksura, tatweel, harakat
            ("إقامة", "اقامه"),
            ("أين", "اين"),
            ("آخر", "اخر"),
            ("مستشفى", "مستشفي"),
            ("مـــرحـــبـــا", "مرحبا"),
            ("مَرْحَبًا", "مرحبا"),
            ("مسؤول", "مسوول"),
            // Arabic presentation forms (as some keyboards and PDFs produce)
            ("\u{FEFB}", "\u{0644}\u{0627}"),
            // Persian: yeh and keheh against the Arabic letters, zero-width non-joiner
            ("کار", "كار"),
            ("یک", "يك"),
            ("می‌خواهم", "میخواهم"),
            ("خانه‌ها", "خانهها"),
            // Cyrillic: ё, й, ї, ґ, apostrophe in Ukrainian
            ("Ёлка", "елка"),
            ("йод", "иод"),
            ("Україна", "УКРАІНА"),
            ("Їжак", "іжак"),
            ("ґанок", "ганок"),
            ("м'ясо", "мясо"),
            ("п’ятниця", "пятниця"),
            // Compatibility forms
            ("ｆｕｌｌｗｉｄｔｈ", "fullwidth"),
            ("ﬁle", "file"),
            ("Café", "cafe"),
        ])
    func sameTokens(pair: (String, String)) {
        #expect(normalizer.tokens(pair.0) == normalizer.tokens(pair.1), "\(pair.0) vs \(pair.1)")
        #expect(!normalizer.tokens(pair.0).isEmpty)
    }

    @Test(
        "digits of every script become ASCII",
        arguments: [("٢٠٢٤", "2024"), ("۱۴۰۳", "1403"), ("１２３", "123"), ("١١٢", "112"), ("११०", "110")])
    func digits(pair: (String, String)) {
        #expect(normalizer.tokens(pair.0) == [pair.1])
    }

    @Test("Arabic articles and attached prepositions are stripped, keeping a stem")
    func arabicClitics() {
        let stem = normalizer.tokens("اقامة")
        #expect(normalizer.tokens("الإقامة") == stem)
        #expect(normalizer.tokens("والإقامة") == stem)
        #expect(normalizer.tokens("بالإقامة") == stem)
        // A possessive ending leaves a stem that the keyword stem prefixes.
        let mine = normalizer.tokens("إقامتي")
        #expect(mine[0].hasPrefix(stem[0]))
        // Short words keep their letters.
        #expect(normalizer.tokens("ال") == ["ال"])
        #expect(normalizer.tokens("وين") == ["وين"])
    }

    @Test(
        "words are split on spaces and punctuation of every script",
        arguments: [
            ("wann habt ihr offen?", ["wann", "habt", "ihr", "offen"]),
            ("Termin,Anmeldung;Wohnung", ["termin", "anmeldung", "wohnung"]),
            ("أين المكتب؟ شكرا، مع السلامة", ["اين", "مكتب", "شكرا", "مع", "سلام"]),
            ("كجاست؟", ["كجاست"]),
            ("«привет» — как дела…", ["привет", "как", "дела"]),
            ("Hallo👋🏽Welt", ["hallo", "welt"]),
            ("e-mail / Wohnungs-geber", ["e", "mail", "wohnungs", "geber"]),
            ("   ", []),
            ("", []),
            ("?!…", []),
        ])
    func tokenisation(pair: (String, [String])) {
        #expect(normalizer.tokens(pair.0) == pair.1)
    }

    @Test("bidirectional controls and zero-width characters are invisible to matching")
    func invisibleCharacters() {
        let plain = normalizer.tokens("termin anmeldung")
        #expect(normalizer.tokens("\u{200F}termin\u{200B} anmel\u{00AD}dung\u{202C}") == plain)
        #expect(normalizer.tokens("\u{FEFF}termin anmeldung") == plain)
        #expect(normalizer.tokens("ter\u{200D}min anmeldung") == plain)
    }

    @Test("the script and the letters only one language uses are counted as typed")
    func evidence() {
        let persian = normalizer.normalize("پاسپورت گم شد").evidence
        #expect(persian.dominantScript == .arabic)
        #expect(persian.distinctive["fa"] == 3)
        let ukrainian = normalizer.normalize("Їжак і єнот").evidence
        #expect(ukrainian.dominantScript == .cyrillic)
        #expect(ukrainian.distinctive["uk"] == 3)
        let russian = normalizer.normalize("объявление ёж").evidence
        #expect(russian.distinctive["ru"] == 2)
        let turkish = normalizer.normalize("şehir ığdır").evidence
        #expect(turkish.dominantScript == .latin)
        #expect(turkish.distinctive["tr"] == 4)
        let arabic = normalizer.normalize("الإقامة").evidence
        #expect(arabic.distinctive["ar"] == 2)
        #expect(normalizer.normalize("12345").evidence.dominantScript == .none)
    }

    @Test("very long input is cut at the token limit, without trouble")
    func tokenLimit() {
        let text = String(repeating: "wort ", count: 10_000)
        let normalized = normalizer.normalize(text, maximumTokens: 256)
        #expect(normalized.tokens.count == 256)
    }

    @Test("invalid scalars and unpaired text survive: any String normalises")
    func oddInput() {
        #expect(normalizer.tokens("\u{FFFD}\u{FFFD}abc") == ["abc"])
        #expect(normalizer.tokens("𝐀𝐁𝐂 test") == ["abc", "test"])
        #expect(normalizer.tokens("日本語 テスト") == ["日本語", "テスト"])
    }
}
