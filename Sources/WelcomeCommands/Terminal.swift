import Foundation
import Synchronization
import WelcomeCore

/// Where commands write and read. Real runs use standard output and input; tests run commands
/// in-process and capture what they print by binding these task-locals.
public enum Terminal {
    /// Receives every line a command prints to standard output.
    @TaskLocal public static var output: @Sendable (String) -> Void = { text in
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
    /// Receives every line a command prints to standard error.
    @TaskLocal public static var errors: @Sendable (String) -> Void = { text in
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
    /// Shows a prompt on the current line (no line break), for interactive input.
    @TaskLocal public static var prompt: @Sendable (String) -> Void = { text in
        FileHandle.standardOutput.write(Data(text.utf8))
    }
    /// The language of what staff read: problems in intent files and the summary of
    /// `intents check`. German under a German locale (`LANG=de_DE.UTF-8`), else English.
    @TaskLocal public static var staffLanguage = StaffLanguage.fromEnvironment(ProcessInfo.processInfo.environment)
    /// Supplies lines of input (for `chat`); nil at the end of input.
    @TaskLocal public static var input: @Sendable () -> String? = { Swift.readLine(strippingNewline: true) }

    static func print(_ text: String) { output(text) }
    static func printError(_ text: String) { errors(text) }
    static func readLine() -> String? { input() }
}

/// Lines captured from a command, for tests and tools that run commands in-process.
public final class CapturedLines: Sendable {
    private let storage = Mutex<[String]>([])

    public init() {}

    public func append(_ line: String) {
        storage.withLock { $0.append(line) }
    }

    public var lines: [String] { storage.withLock { $0 } }

    public func replace(with lines: [String]) {
        storage.withLock { $0 = lines }
    }
    public var text: String { lines.joined(separator: "\n") }
}
