import Foundation

/// Everything the bot knows: the shared facts and one language pack per language, validated.
/// A catalog is immutable; a reload builds a new one and swaps it in whole.
public struct IntentCatalog: Sendable {
    public var facts: Facts
    /// Language packs by code.
    public var languages: [String: LanguagePack]
    /// Language codes in menu order: the shipped order first, then others alphabetically.
    public var languageOrder: [String]
    /// The language whose intents every other language is compared with, and the default.
    public var referenceLanguage: String
    /// Warnings found while loading (errors prevent a catalog from existing).
    public var warnings: [Diagnostic]

    /// The order in which the shipped languages appear in menus.
    public static let preferredOrder = ["de", "en", "ar", "uk", "ru", "fa", "tr"]

    public init(facts: Facts, languages: [String: LanguagePack], referenceLanguage: String, warnings: [Diagnostic]) {
        self.facts = facts
        self.languages = languages
        self.referenceLanguage = referenceLanguage
        self.warnings = warnings
        let shipped = Self.preferredOrder.filter { languages[$0] != nil }
        self.languageOrder = shipped + languages.keys.filter { !Self.preferredOrder.contains($0) }.sorted()
    }

    public subscript(language code: String) -> LanguagePack? {
        languages[code]
    }

    /// The number of intents over all languages.
    public var intentCount: Int {
        languages.values.reduce(0) { $0 + $1.intents.count }
    }
}

/// What is the same in every language: places, links, partners, phone numbers.
public struct Facts: Sendable {
    public var places: [String: FactRecord] = [:]
    public var links: [String: Link] = [:]
    public var partners: [String: FactRecord] = [:]
    public var numbers: [String: String] = [:]
    public var file: String = ""

    public init() {}
}

/// A place or a partner organisation: named text fields, and for places opening hours.
public struct FactRecord: Sendable {
    public var id: String
    public var fields: [String: String]
    public var hours: WeeklyHours?
    public var verified: CalendarDay?
    public var location: SourceLocation

    public init(
        id: String, fields: [String: String], hours: WeeklyHours? = nil, verified: CalendarDay? = nil,
        location: SourceLocation = .unknown
    ) {
        self.id = id
        self.fields = fields
        self.hours = hours
        self.verified = verified
        self.location = location
    }
}

/// A web address, possibly still a placeholder that the operator must fill in.
public struct Link: Sendable {
    public var id: String
    public var url: String
    /// Used while `url` is a placeholder, so that newcomers never get a dead link.
    public var fallback: String?
    public var verified: CalendarDay?
    public var location: SourceLocation

    public init(
        id: String, url: String, fallback: String? = nil, verified: CalendarDay? = nil, location: SourceLocation = .unknown
    ) {
        self.id = id
        self.url = url
        self.fallback = fallback
        self.verified = verified
        self.location = location
    }

    public var isPlaceholder: Bool {
        url.uppercased().contains("PLACEHOLDER")
    }

    /// The address to give to people: the real one, or the fallback while it is a placeholder.
    public var usableURL: String? {
        isPlaceholder ? fallback : url
    }
}

/// Opening hours for Monday to Sunday; a day without ranges is closed.
public struct WeeklyHours: Sendable, Equatable {
    public static let dayNames = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

    /// Seven entries, Monday first.
    public var days: [[TimeRange]]

    public init(days: [[TimeRange]] = Array(repeating: [], count: 7)) {
        self.days = days
    }
}

/// Minutes after midnight, `start` before `end`.
public struct TimeRange: Sendable, Equatable, CustomStringConvertible {
    public var start: Int
    public var end: Int

    public init(start: Int, end: Int) {
        self.start = start
        self.end = end
    }

    /// "11:00-17:00"; nil when malformed.
    public init?(parsing text: some StringProtocol) {
        let parts = text.split(separator: "-").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let start = Self.minutes(parts[0]), let end = Self.minutes(parts[1]), start < end
        else { return nil }
        self.init(start: start, end: end)
    }

    private static func minutes(_ text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, parts[1].count == 2, let hours = Int(parts[0]), let minutes = Int(parts[1]),
            (0...24).contains(hours), (0...59).contains(minutes), hours * 60 + minutes <= 24 * 60
        else { return nil }
        return hours * 60 + minutes
    }

    /// "11:00–17:00", with an en dash as typography wants.
    public var description: String {
        String(format: "%02d:%02d–%02d:%02d", start / 60, start % 60, end / 60, end % 60)
    }
}

/// A date without time or time zone, as written in the files: YYYY-MM-DD.
public struct CalendarDay: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init?(parsing text: String) {
        let parts = text.split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, let year = Int(parts[0]), let month = Int(parts[1]),
            let day = Int(parts[2]), (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    public init(_ date: Date) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let components = calendar.dateComponents([.year, .month, .day], from: date)
        self.year = components.year ?? 1970
        self.month = components.month ?? 1
        self.day = components.day ?? 1
    }

    /// Whole days from `self` to `other` (approximate over months; exact enough for "older than a year").
    public func days(until other: CalendarDay) -> Int {
        func ordinal(_ d: CalendarDay) -> Int {
            // Days since a fixed epoch (proleptic Gregorian), after the well-known civil algorithm.
            let y = d.month <= 2 ? d.year - 1 : d.year
            let era = (y >= 0 ? y : y - 399) / 400
            let yearOfEra = y - era * 400
            let monthIndex = (d.month + 9) % 12
            let dayOfYear = (153 * monthIndex + 2) / 5 + d.day - 1
            let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
            return era * 146_097 + dayOfEra
        }
        return ordinal(other) - ordinal(self)
    }

    public static func < (lhs: CalendarDay, rhs: CalendarDay) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    public var description: String {
        String(format: "%04d-%02d-%02d", year, month, day)
    }
}

public enum TextDirection: String, Sendable, Codable {
    case leftToRight = "ltr"
    case rightToLeft = "rtl"
}

/// One language: its texts, its menu and its intents.
public struct LanguagePack: Sendable {
    public var code: String
    public var name: String
    public var direction: TextDirection
    /// Monday first.
    public var weekdays: [String]
    public var texts: Texts
    public var menu: [String]
    public var linkLabels: [String: String]
    public var stopwords: [String]
    /// In file order.
    public var intents: [Intent]
    public var outOfScope: [Example]
    public var file: String

    public init(
        code: String, name: String, direction: TextDirection, weekdays: [String], texts: Texts, menu: [String],
        linkLabels: [String: String], stopwords: [String], intents: [Intent], outOfScope: [Example], file: String
    ) {
        self.code = code
        self.name = name
        self.direction = direction
        self.weekdays = weekdays
        self.texts = texts
        self.menu = menu
        self.linkLabels = linkLabels
        self.stopwords = stopwords
        self.intents = intents
        self.outOfScope = outOfScope
        self.file = file
    }

    public func intent(_ id: String) -> Intent? {
        intents.first { $0.id == id }
    }

    /// The fixed texts every language provides.
    public struct Texts: Sendable {
        public var fallback: String
        public var didYouMean: String
        public var closed: String
        /// Contains `{date}`.
        public var asOf: String
        public var chooseLanguage: String
        /// The "delete my data" conversation: the button that offers it, the question before,
        /// the button that confirms, and what is said after.
        public var deleteOffer = "Delete my data"
        public var deleteConfirm =
            "Shall I delete everything I keep about you (your language, your last choices, replies not yet sent)? This cannot be undone."
        public var deleteYes = "Yes, delete"
        public var deleted =
            "Done: I deleted your language setting, your last choices and any replies not yet sent. Your chat history stays in your messenger app – please delete it there."
        /// Added to the privacy answer when the operator keeps unanswered questions, so that
        /// the answer stays true; `{days}` is the retention period.
        public var questionsKept =
            "If I cannot answer a question, it is kept for {days} days without names, phone numbers or e-mail addresses, so that staff can add the answer. \"Delete my data\" deletes these questions too."
        /// The web chat's privacy line under the language menu: when no questions are kept, and
        /// when unanswered questions are kept (`{days}` is the retention period).
        public var privacyNotice = "No names, no message texts are stored."
        public var privacyNoticeKept =
            "No names are stored; questions the bot cannot answer are kept {days} days without names or numbers."

        /// The optional texts this file does not give (English is used), and where `texts` is,
        /// for the linter.
        var missing: [String] = []
        var location = SourceLocation(line: 1, column: 1)

        public init(fallback: String, didYouMean: String, closed: String, asOf: String, chooseLanguage: String) {
            self.fallback = fallback
            self.didYouMean = didYouMean
            self.closed = closed
            self.asOf = asOf
            self.chooseLanguage = chooseLanguage
        }
    }
}

/// One topic in one language.
public struct Intent: Sendable {
    public var id: String
    public var title: String
    public var keywords: [Phrase]
    public var excludes: [Phrase]
    public var answer: AnswerTemplate
    public var buttons: [ButtonTarget]
    public var examples: [Example]
    public var priority: Priority
    public var location: SourceLocation

    /// Small talk (greetings, thanks) is `low`: answered only when no real topic matches.
    public enum Priority: String, Sendable, Codable {
        case normal
        case low
    }

    public init(
        id: String, title: String, keywords: [Phrase], excludes: [Phrase] = [], answer: AnswerTemplate,
        buttons: [ButtonTarget] = [], examples: [Example] = [], priority: Priority = .normal,
        location: SourceLocation = .unknown
    ) {
        self.id = id
        self.title = title
        self.keywords = keywords
        self.excludes = excludes
        self.answer = answer
        self.buttons = buttons
        self.examples = examples
        self.priority = priority
        self.location = location
    }
}

/// A keyword or keyword phrase as written, with where it was written.
public struct Phrase: Sendable, Hashable {
    public var text: String
    public var location: SourceLocation

    public init(_ text: String, location: SourceLocation = .unknown) {
        self.text = text
        self.location = location
    }
}

/// An example question, with where it was written (for `intents test` output).
public struct Example: Sendable, Hashable {
    public var text: String
    public var location: SourceLocation

    public init(_ text: String, location: SourceLocation = .unknown) {
        self.text = text
        self.location = location
    }
}

/// Where a button leads.
public enum ButtonTarget: Sendable, Hashable, Codable {
    case intent(String)
    case link(String)
    case language(String)

    /// Parses the short form staff write: `address`, `link.appointment-registration`, `lang.ar`.
    public init(parsing text: String) {
        if text.hasPrefix("link.") {
            self = .link(String(text.dropFirst(5)))
        } else if text.hasPrefix("lang.") {
            self = .language(String(text.dropFirst(5)))
        } else {
            self = .intent(text)
        }
    }

    /// The short form, as written in the files and as carried in button payloads.
    public var code: String {
        switch self {
        case .intent(let id): id
        case .link(let id): "link.\(id)"
        case .language(let code): "lang.\(code)"
        }
    }
}

/// An answer with its fact references resolved at load time into segments.
public struct AnswerTemplate: Sendable {
    public enum Segment: Sendable, Equatable {
        case text(String)
        case fact(FactReference)
    }

    public var segments: [Segment]

    public init(segments: [Segment]) {
        self.segments = segments
    }

    public init(literal: String) {
        self.segments = [.text(literal)]
    }
}

/// A validated `{...}` reference in an answer.
public enum FactReference: Sendable, Equatable {
    /// `{hours.PLACE}`
    case hours(place: String)
    /// `{places.ID.FIELD}`
    case place(id: String, field: String)
    /// `{partners.ID.FIELD}`
    case partner(id: String, field: String)
    /// `{links.ID}`
    case link(id: String)
    /// `{numbers.ID}`
    case number(id: String)
}
