import Foundation

/// A reply before any channel shapes it: text and buttons. Channels render it within their limits.
public struct Reply: Sendable, Codable, Equatable {
    public var text: String
    public var buttons: [Button]
    /// A short label, in the reply's language, for a control that opens the choices (WhatsApp's
    /// list button); channels that need one and find none use a symbol.
    public var choicesLabel: String?

    public init(text: String, buttons: [Button] = [], choicesLabel: String? = nil) {
        self.text = text
        self.buttons = buttons
        self.choicesLabel = choicesLabel
    }
}

/// A choice offered under a reply.
public struct Button: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable {
        /// Pressing it asks the intent named in `value`.
        case intent
        /// Pressing it opens the web address in `value`.
        case link
        /// Pressing it switches to the language code in `value`.
        case language
    }

    public var label: String
    public var kind: Kind
    public var value: String

    public init(label: String, kind: Kind, value: String) {
        self.label = label
        self.kind = kind
        self.value = value
    }

    /// The payload a channel sends back when the button is pressed (`address`, `lang.ar`).
    public var payload: String {
        switch kind {
        case .intent: value
        case .language: "lang.\(value)"
        case .link: value
        }
    }
}

/// Renders answers: fills in facts, formats opening hours in the user's language, and turns
/// button targets into labelled buttons.
public struct ReplyComposer: Sendable {
    public let catalog: IntentCatalog

    public init(catalog: IntentCatalog) {
        self.catalog = catalog
    }

    /// The answer of an intent in a language.
    public func answer(_ intent: Intent, in pack: LanguagePack) -> Reply {
        var reply = Reply(text: render(intent.answer, in: pack), buttons: buttons(intent.buttons, in: pack))
        // Whoever asks about their data can delete it from there, in every language.
        if intent.id == Self.privacyIntent {
            reply.buttons.insert(Button(label: pack.texts.deleteOffer, kind: .intent, value: Self.deletePayload), at: 0)
        }
        return reply
    }

    /// The intent whose answer offers "delete my data".
    public static let privacyIntent = "privacy"
    /// Pressing it asks for confirmation; pressing `deleteConfirmedPayload` then deletes.
    public static let deletePayload = "delete"
    public static let deleteConfirmedPayload = "delete.confirm"

    /// "Shall I delete…?" with the button that confirms.
    public func deletionQuestion(in pack: LanguagePack) -> Reply {
        var reply = Reply(
            text: pack.texts.deleteConfirm,
            buttons: [Button(label: pack.texts.deleteYes, kind: .intent, value: Self.deleteConfirmedPayload)])
        reply.buttons += buttons([.intent("help")], in: pack)
        return reply
    }

    /// What to say when nothing matched: the fallback text and the menu.
    public func fallback(in pack: LanguagePack) -> Reply {
        Reply(text: pack.texts.fallback, buttons: buttons(pack.menu.map(ButtonTarget.intent), in: pack))
    }

    /// "Did you mean A or B?" with a button for each.
    public func didYouMean(_ intentIDs: [String], in pack: LanguagePack) -> Reply {
        Reply(text: pack.texts.didYouMean, buttons: buttons(intentIDs.map(ButtonTarget.intent), in: pack))
    }

    /// The language menu, each language named in its own script.
    public func languageMenu(in pack: LanguagePack) -> Reply {
        Reply(text: pack.texts.chooseLanguage, buttons: buttons(catalog.languageOrder.map(ButtonTarget.language), in: pack))
    }

    /// Buttons for targets; targets that cannot be shown (a missing language, a link that is
    /// still a placeholder without fallback) are left out rather than shown broken.
    public func buttons(_ targets: [ButtonTarget], in pack: LanguagePack) -> [Button] {
        targets.compactMap { target in
            switch target {
            case .intent(let id):
                guard let intent = pack.intent(id) else { return nil }
                return Button(label: intent.title, kind: .intent, value: id)
            case .link(let id):
                guard let url = catalog.facts.links[id]?.usableURL else { return nil }
                return Button(label: pack.linkLabels[id] ?? id, kind: .link, value: url)
            case .language(let code):
                guard let target = catalog.languages[code] else { return nil }
                return Button(label: target.name, kind: .language, value: code)
            }
        }
    }

    /// The text of a template with every fact filled in.
    public func render(_ template: AnswerTemplate, in pack: LanguagePack) -> String {
        var text = ""
        for segment in template.segments {
            switch segment {
            case .text(let literal):
                text += literal
            case .fact(let reference):
                text += value(of: reference, in: pack)
            }
        }
        while text.hasSuffix("\n") { text.removeLast() }
        return text
    }

    private func value(of reference: FactReference, in pack: LanguagePack) -> String {
        let facts = catalog.facts
        switch reference {
        case .hours(let place):
            guard let record = facts.places[place], let hours = record.hours else { return "" }
            return openingHours(hours, verified: record.verified, in: pack)
        case .place(let id, let field):
            return facts.places[id]?.fields[field] ?? ""
        case .partner(let id, let field):
            return facts.partners[id]?.fields[field] ?? ""
        case .link(let id):
            return facts.links[id]?.usableURL ?? ""
        case .number(let id):
            return facts.numbers[id] ?? ""
        }
    }

    /// One line per group of days with the same hours, Monday first, then the closed days and
    /// the "as of" note: opening hours change and people must know how old the information is.
    public func openingHours(_ hours: WeeklyHours, verified: CalendarDay?, in pack: LanguagePack) -> String {
        var groups: [(days: [Int], ranges: [TimeRange])] = []
        for (index, ranges) in hours.days.enumerated() where !ranges.isEmpty {
            if let existing = groups.firstIndex(where: { $0.ranges == ranges }) {
                groups[existing].days.append(index)
            } else {
                groups.append(([index], ranges))
            }
        }
        // Arabic and Persian write lists with the Arabic comma.
        let comma = pack.direction == .rightToLeft ? "، " : ", "
        var lines = groups.map { group in
            group.days.map { pack.weekdays[$0] }.joined(separator: comma) + ": "
                + group.ranges.map(\.description).joined(separator: comma)
        }
        let closed = hours.days.indices.filter { hours.days[$0].isEmpty }
        if !closed.isEmpty {
            lines.append(closed.map { pack.weekdays[$0] }.joined(separator: comma) + ": " + pack.texts.closed)
        }
        if let verified {
            lines.append(pack.texts.asOf.replacingOccurrences(of: "{date}", with: verified.description))
        }
        return lines.joined(separator: "\n")
    }
}
