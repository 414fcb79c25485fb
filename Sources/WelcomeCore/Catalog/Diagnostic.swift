/// A text for staff, in English and in German.
///
/// The Welcome Center's staff, who edit the intent files, work in German; operators and the
/// logs use English, which is also the reference that tests and editors see. Every problem the
/// loader reports is written in both, at the place it is found, so that neither can be missing.
public struct StaffText: Sendable, Hashable {
    public var english: String
    public var german: String

    public init(_ english: String, de german: String) {
        self.english = english
        self.german = german
    }

    public static let empty = StaffText("", de: "")

    /// A field of an intent file, named as it is written there: the same in both languages.
    static func field(_ name: String) -> StaffText {
        StaffText("'\(name)'", de: "'\(name)'")
    }

    /// "did you mean …?", for a close spelling of what was written.
    static func didYouMean(_ candidate: String) -> StaffText {
        StaffText("did you mean \(candidate)?", de: "meinten Sie \(candidate)?")
    }

    public var isEmpty: Bool { english.isEmpty }

    /// The German text for German, the English one otherwise.
    public func text(in language: StaffLanguage) -> String {
        language == .german ? german : english
    }
}

/// The language staff tools speak: German, or English for everyone else.
public enum StaffLanguage: String, Sendable, CaseIterable {
    case english = "en"
    case german = "de"

    /// From a language code or a POSIX locale (`de`, `de-AT`, `de_DE.UTF-8`): German for German,
    /// English for anything else, including nothing.
    public init(code: String?) {
        let primary = (code ?? "").lowercased().prefix { $0.isLetter }
        self = primary == "de" ? .german : .english
    }

    /// The language of the terminal, as POSIX programs choose their messages: `LC_ALL`, then
    /// `LC_MESSAGES`, then `LANG`, the first that is set and not empty.
    public static func fromEnvironment(_ environment: [String: String]) -> StaffLanguage {
        let chosen = ["LC_ALL", "LC_MESSAGES", "LANG"].lazy.compactMap { environment[$0] }.first { !$0.isEmpty }
        return StaffLanguage(code: chosen)
    }
}

/// One problem found in an intent file, in the form editors and terminals understand:
/// `FILE:LINE:COLUMN: error: what is wrong — what to do`.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable, Codable {
        case error
        case warning
    }

    public var severity: Severity
    /// The file as given to the loader (relative paths stay relative, so output is short).
    public var file: String
    /// 1-based; 0 when the problem concerns the whole file.
    public var line: Int
    /// 1-based, counted in Unicode scalars like the YAML parser does; 0 when unknown.
    public var column: Int
    /// What is wrong, in words a non-programmer understands.
    public var problem: StaffText
    /// What to do about it; may be empty.
    public var remedy: StaffText

    public init(
        _ severity: Severity, file: String, line: Int, column: Int, _ problem: StaffText, fix remedy: StaffText = .empty
    ) {
        self.severity = severity
        self.file = file
        self.line = line
        self.column = column
        self.problem = problem
        self.remedy = remedy
    }

    /// What is wrong, in English.
    public var message: String { problem.english }
    /// What to do, in English; may be empty.
    public var fix: String { remedy.english }

    public var description: String { description(in: .english) }

    /// The line in `language`. `error` and `warning` stay English: editors and CI read them.
    public func description(in language: StaffLanguage) -> String {
        var text = "\(file):\(line):\(column): \(severity.rawValue): \(problem.text(in: language))"
        if !remedy.isEmpty { text += " — \(remedy.text(in: language))" }
        return text
    }
}

extension Diagnostic: Comparable {
    public static func < (lhs: Diagnostic, rhs: Diagnostic) -> Bool {
        (lhs.file, lhs.line, lhs.column, lhs.message) < (rhs.file, rhs.line, rhs.column, rhs.message)
    }
}

/// Thrown when the intent files cannot be used: carries every problem found, not just the first.
public struct CatalogError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]

    public init(diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics
    }

    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }

    public var description: String {
        diagnostics.map(\.description).joined(separator: "\n")
    }
}

/// Position in a source file, 1-based.
public struct SourceLocation: Sendable, Hashable, Codable {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static let unknown = SourceLocation(line: 0, column: 0)
}

/// Collects diagnostics while a file is read, so that every problem is reported at once.
struct DiagnosticSink {
    var diagnostics: [Diagnostic] = []

    mutating func error(_ file: String, _ at: SourceLocation, _ message: StaffText, fix: StaffText = .empty) {
        diagnostics.append(Diagnostic(.error, file: file, line: at.line, column: at.column, message, fix: fix))
    }

    mutating func warning(_ file: String, _ at: SourceLocation, _ message: StaffText, fix: StaffText = .empty) {
        diagnostics.append(Diagnostic(.warning, file: file, line: at.line, column: at.column, message, fix: fix))
    }

    var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
}
