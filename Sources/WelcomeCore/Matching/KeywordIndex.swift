/// The keywords of one language, indexed so that finding what a word matches costs a few hash
/// look-ups whatever the number of intents: exact words, keywords that start a longer word
/// ("anmeld" in "anmeldung"), words with another ending ("работа"/"работу"), and typing mistakes
/// through a deletion index (every keyword with one, or for long words two, letters left out).
public struct KeywordIndex: Sendable {
    public let language: String
    /// Intent ids of this language, in file order; phrases refer to them by position.
    public let intentIDs: [String]
    /// Per intent: answered only when no other intent matches.
    private let lowPriority: [Bool]

    // Terms: the distinct normalised keyword words.
    private var termScalars: [UInt32] = []
    private var termRanges: [Range<Int>] = []
    private var termByHash = FlatHashTable()
    /// Prefixes of terms near their full length, for words that differ in the last letters.
    private var endings = HashMultimap()
    /// Terms with one or two letters deleted, for typing mistakes.
    private var deletions = HashMultimap()
    /// The longest term, in scalars: a word more than two letters longer cannot be a typo of
    /// any, so its deletions (which grow with the square of its length) are never computed.
    private var longestTerm = 0
    /// For each term, the phrases it occurs in and where: while building, a list per term…
    private var postings: [[Posting]] = []
    /// …and for matching, all lists in one flat array, term `t`'s at
    /// `postingStarts[t]..<postingStarts[t + 1]`, so that reading them allocates and retains nothing.
    private var flatPostings: [Posting] = []
    private var postingStarts: [Int32] = []
    /// How much a term says about one intent: 1 when one intent has it, less when several share it.
    private var termWeights: [Float] = []

    private(set) var phrases: [IndexedPhrase] = []
    /// What matching needs of each phrase, without its text and term list (plain values: reading
    /// one costs no reference counting).
    private(set) var phraseShapes: [PhraseShape] = []
    private var stopwordHashes = FlatHashTable()

    /// Keywords shorter than this match whole words only.
    static let minimumStemLength = 4
    /// A keyword phrase may have this many words at most.
    public static let maximumPhraseWords = 8

    struct Posting: Sendable {
        var phrase: Int32
        var slot: Int8
    }

    struct PhraseShape: Sendable {
        var intent: Int32
        var excludes: Bool
        var termCount: Int8
    }

    struct IndexedPhrase: Sendable {
        var intent: Int32
        var excludes: Bool
        var terms: [Int32]
        var text: String
    }

    /// Builds the index of a language pack.
    public init(pack: LanguagePack) {
        self.init(language: pack.code, intents: pack.intents, stopwords: pack.stopwords)
    }

    init(language: String, intents: [Intent], stopwords: [String]) {
        self.language = language
        self.intentIDs = intents.map(\.id)
        self.lowPriority = intents.map { $0.priority == .low }
        let normalizer = Normalizer.shared
        for stopword in stopwords {
            let normalized = normalizer.normalize(stopword)
            for index in normalized.tokens.indices {
                stopwordHashes[Self.hash(normalized.token(at: index))] = 1
            }
        }
        var intentsOfTerm: [Set<Int32>] = []
        for (intentIndex, intent) in intents.enumerated() {
            for (phrases, excludes) in [(intent.keywords, false), (intent.excludes, true)] {
                for phrase in phrases {
                    let normalized = normalizer.normalize(phrase.text, maximumTokens: Self.maximumPhraseWords)
                    guard !normalized.tokens.isEmpty else { continue }
                    var terms: [Int32] = []
                    for index in normalized.tokens.indices {
                        let term = addTerm(normalized.token(at: index))
                        if !terms.contains(term) { terms.append(term) }
                    }
                    let phraseID = Int32(self.phrases.count)
                    self.phrases.append(
                        IndexedPhrase(intent: Int32(intentIndex), excludes: excludes, terms: terms, text: phrase.text))
                    for (slot, term) in terms.enumerated() {
                        postings[Int(term)].append(Posting(phrase: phraseID, slot: Int8(slot)))
                        while intentsOfTerm.count <= Int(term) { intentsOfTerm.append([]) }
                        if !excludes { intentsOfTerm[Int(term)].insert(Int32(intentIndex)) }
                    }
                }
            }
        }
        termWeights = intentsOfTerm.map { owners in
            owners.count <= 1 ? 1 : 1 / Float(owners.count).squareRoot()
        }
        while termWeights.count < termRanges.count { termWeights.append(1) }
        phraseShapes = phrases.map { PhraseShape(intent: $0.intent, excludes: $0.excludes, termCount: Int8($0.terms.count)) }
        postingStarts = [0]
        for list in postings {
            flatPostings += list
            postingStarts.append(Int32(flatPostings.count))
        }
        postings = []
    }

    private mutating func addTerm(_ scalars: ArraySlice<UInt32>) -> Int32 {
        let hash = Self.hash(scalars)
        if let existing = termByHash[hash], self.scalars(of: existing).elementsEqual(scalars) {
            return existing
        }
        let id = Int32(termRanges.count)
        let start = termScalars.count
        termScalars.append(contentsOf: scalars)
        termRanges.append(start..<termScalars.count)
        termByHash[hash] = id
        postings.append([])
        let length = scalars.count
        longestTerm = max(longestTerm, length)
        if length >= Self.minimumEndingLength {
            let hashes = Self.prefixHashes(scalars)
            endings.insert(Self.endingKey(hashes[Self.endingStem(length)], termLength: length), id)
        }
        if length >= Self.minimumStemLength {
            deletions.insert(hash, id)
            let depth = Self.allowedTypos(length)
            Self.forEachDeletion(of: Array(scalars), depth: depth) { deletions.insert($0, id) }
        }
        return id
    }

    func scalars(of term: Int32) -> ArraySlice<UInt32> {
        termScalars[termRanges[Int(term)]]
    }

    func term(_ id: Int32) -> String {
        var view = String.UnicodeScalarView()
        for value in scalars(of: id) { if let scalar = Unicode.Scalar(value) { view.append(scalar) } }
        return String(view)
    }

    func weight(of term: Int32) -> Float { termWeights[Int(term)] }

    func isLowPriority(_ intent: Int32) -> Bool { lowPriority[Int(intent)] }

    /// Where the postings of `term` are in `posting(at:)`.
    func postingRange(of term: Int32) -> Range<Int> {
        Int(postingStarts[Int(term)])..<Int(postingStarts[Int(term) + 1])
    }

    func posting(at position: Int) -> Posting { flatPostings[position] }

    public var termCount: Int { termRanges.count }
    public var phraseCount: Int { phrases.count }

    /// True when the word is one of the language's stopwords.
    func isStopword(_ token: ArraySlice<UInt32>) -> Bool {
        stopwordHashes.contains(Self.hash(token))
    }

    /// True when the word is a keyword word of this language as typed (for language detection).
    func containsTerm(_ token: ArraySlice<UInt32>) -> Bool {
        termID(token) != nil
    }

    func termID(_ token: ArraySlice<UInt32>) -> Int32? {
        if let id = termByHash[Self.hash(token)], scalars(of: id).elementsEqual(token) { return id }
        return nil
    }

    // MARK: Looking a word up

    public enum MatchKind: String, Sendable, Codable {
        /// The same word.
        case exact
        /// The keyword starts the word: "anmeld" in "anmeldung".
        case prefix
        /// The same word with another ending: "работа" and "работу".
        case ending
        /// A typing mistake: "wohnug" for "wohnung".
        case typo

        /// The kind in German, for staff.
        public var german: String {
            switch self {
            case .exact: "genau"
            case .prefix: "Wortanfang"
            case .ending: "andere Endung"
            case .typo: "Tippfehler"
            }
        }
    }

    struct TermHit: Sendable {
        var term: Int32
        var quality: Float
        var kind: MatchKind
    }

    /// How much each kind of match is worth; a typo of two letters is worth less than one.
    static func quality(_ kind: MatchKind, distance: Int = 0) -> Float {
        switch kind {
        case .exact: 1
        case .prefix: 0.9
        case .ending: 0.85
        case .typo: distance <= 1 ? 0.7 : 0.6
        }
    }

    /// A keyword that starts the word when a longer keyword also does, or the word is a keyword itself.
    static let lesserPrefix: Float = 0.7

    /// Both words must have this many letters to match with different endings.
    static let minimumEndingLength = 5

    /// Every keyword word that the word of a message matches, best first per term.
    func lookUp(_ token: ArraySlice<UInt32>, into hits: inout [TermHit]) {
        let length = token.count
        let hashes = Self.prefixHashes(token)
        let start = hits.count
        if let id = termByHash[hashes[length]], scalars(of: id).elementsEqual(token) {
            hits.append(TermHit(term: id, quality: 1, kind: .exact))
        }
        // A word matches its most specific keyword best: itself when it is one ("krankenwagen"
        // over "krank"), else the longest keyword it starts with ("wohnungsgeber…" over "wohnung").
        // Shorter keywords still count, for less, so that a keyword only found inside a phrase
        // does not hide a shorter one that stands alone.
        let isKeyword = hits.count > start
        var specific = !isKeyword
        guard length >= Self.minimumStemLength else { return }
        var prefixLength = length - 1
        while prefixLength >= Self.minimumStemLength {
            if let id = termByHash[hashes[prefixLength]], scalars(of: id).elementsEqual(token.prefix(prefixLength)) {
                hits.append(TermHit(term: id, quality: specific ? Self.quality(.prefix) : Self.lesserPrefix, kind: .prefix))
                specific = false
            }
            prefixLength -= 1
        }
        // Another ending ("работу" for "работа"), only when the word is not itself a keyword
        // word: "مستشار" is not "مستشفى", "salam" is not "salary".
        if !isKeyword && length >= Self.minimumEndingLength {
            // Two words match with other endings when they share all but their last two letters.
            // Each keyword word is filed under its stem (all but two letters) and its length, so
            // a word looks up the five lengths a match may have, and each chain holds only the
            // few words of one stem, however large the catalog.
            for termLength in max(Self.minimumEndingLength, length - 2)...(length + 2) {
                let stem = Self.endingStem(termLength)
                guard stem <= length else { continue }
                endings.forEach(Self.endingKey(hashes[stem], termLength: termLength)) { id in
                    if hits[start...].contains(where: { $0.term == id }) { return }
                    let term = scalars(of: id)
                    let common = zip(term, token).prefix { $0 == $1 }.count
                    if common >= max(Self.minimumStemLength, max(length, term.count) - 2) {
                        hits.append(TermHit(term: id, quality: Self.quality(.ending), kind: .ending))
                    }
                }
            }
        }
        guard hits.count == start else { return }
        let allowed = Self.allowedTypos(length)
        // A 1,000-letter "word" would otherwise cost half a million deletions.
        guard length <= longestTerm + allowed else { return }
        let word = Array(token)
        var seen: [Int32] = []
        func check(_ hash: UInt64) {
            deletions.forEach(hash) { id in
                if seen.contains(id) { return }
                seen.append(id)
                let term = scalars(of: id)
                let limit = min(allowed, Self.allowedTypos(term.count))
                guard limit > 0 else { return }
                let distance = EditDistance.optimalStringAlignment(word[...], term, limit: limit)
                if distance <= limit {
                    hits.append(TermHit(term: id, quality: Self.quality(.typo, distance: distance), kind: .typo))
                }
            }
        }
        check(hashes[length])
        Self.forEachDeletion(of: word, depth: allowed, check)
    }

    /// Mistakes tolerated in a word of this length: none up to four letters (too many short
    /// words are one letter apart, in Arabic script above all), one up to eight, then two.
    static func allowedTypos(_ length: Int) -> Int {
        length >= 9 ? 2 : (length >= 5 ? 1 : 0)
    }

    // MARK: Hashing

    private static let seed: UInt64 = 0xcbf2_9ce4_8422_2325
    private static let prime: UInt64 = 0x100_0000_01b3

    static func hash(_ scalars: some Collection<UInt32>) -> UInt64 {
        var hash = seed
        for scalar in scalars { hash = (hash ^ UInt64(scalar)) &* prime }
        return hash
    }

    /// The stem under which a word of this length is filed for endings.
    static func endingStem(_ length: Int) -> Int {
        max(minimumStemLength, length - 2)
    }

    static func endingKey(_ prefixHash: UInt64, termLength: Int) -> UInt64 {
        (prefixHash ^ UInt64(termLength)) &* prime
    }

    /// `result[n]` is the hash of the first `n` scalars.
    static func prefixHashes(_ scalars: ArraySlice<UInt32>) -> [UInt64] {
        var result = [UInt64](repeating: seed, count: scalars.count + 1)
        var hash = seed
        var index = 1
        for scalar in scalars {
            hash = (hash ^ UInt64(scalar)) &* prime
            result[index] = hash
            index += 1
        }
        return result
    }

    /// Calls `body` with the hash of every variant of `word` with one (and, at depth 2, two)
    /// letters removed.
    static func forEachDeletion(of word: [UInt32], depth: Int, _ body: (UInt64) -> Void) {
        guard depth > 0, word.count > 1 else { return }
        for i in word.indices {
            var hash = seed
            for (index, scalar) in word.enumerated() where index != i {
                hash = (hash ^ UInt64(scalar)) &* prime
            }
            body(hash)
            guard depth > 1, word.count > 2 else { continue }
            for j in (i + 1)..<word.count {
                var hash = seed
                for (index, scalar) in word.enumerated() where index != i && index != j {
                    hash = (hash ^ UInt64(scalar)) &* prime
                }
                body(hash)
            }
        }
    }
}

/// Many values per 64-bit key without an array per key: the chains live in one array.
struct HashMultimap: Sendable {
    private var heads = FlatHashTable()
    private var values: [Int32] = []
    private var next: [Int32] = []

    mutating func insert(_ key: UInt64, _ value: Int32) {
        if let head = heads[key] {
            var cursor = head
            while cursor >= 0 {
                if values[Int(cursor)] == value { return }
                cursor = next[Int(cursor)]
            }
            values.append(value)
            next.append(head)
        } else {
            values.append(value)
            next.append(-1)
        }
        heads[key] = Int32(values.count - 1)
    }

    func forEach(_ key: UInt64, _ body: (Int32) -> Void) {
        guard var cursor = heads[key] else { return }
        while cursor >= 0 {
            body(values[Int(cursor)])
            cursor = next[Int(cursor)]
        }
    }

    var count: Int { values.count }
}
