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
    public var message: String
    /// What to do about it; may be empty.
    public var fix: String

    public init(_ severity: Severity, file: String, line: Int, column: Int, _ message: String, fix: String = "") {
        self.severity = severity
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        self.fix = fix
    }

    public var description: String {
        var text = "\(file):\(line):\(column): \(severity.rawValue): \(message)"
        if !fix.isEmpty { text += " — \(fix)" }
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

    mutating func error(_ file: String, _ at: SourceLocation, _ message: String, fix: String = "") {
        diagnostics.append(Diagnostic(.error, file: file, line: at.line, column: at.column, message, fix: fix))
    }

    mutating func warning(_ file: String, _ at: SourceLocation, _ message: String, fix: String = "") {
        diagnostics.append(Diagnostic(.warning, file: file, line: at.line, column: at.column, message, fix: fix))
    }

    var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
}
