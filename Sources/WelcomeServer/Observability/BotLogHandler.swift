import Foundation
import Logging
import Synchronization

/// WelcomeBot's log handler: one JSON object per line (or a readable line for a terminal), with
/// every line passing through `LogRedaction`.
public struct BotLogHandler: LogHandler {
    public enum Format: String, Sendable, CaseIterable {
        case json
        case human
    }

    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let format: Format
    private let sink: LogSink

    public init(label: String, level: Logger.Level = .info, format: Format = .json, sink: LogSink = .standardOutput) {
        self.label = label
        self.logLevel = level
        self.format = format
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        let fields = LogRedaction.redact(merged)
        let message = LogRedaction.scrub(event.message.description)
        let time = Date().formatted(
            .iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
        switch format {
        case .json:
            var object: [String: String] = fields
            object["time"] = time
            object["level"] = event.level.rawValue
            object["message"] = message
            object["logger"] = label
            let data =
                (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
            sink.write(String(decoding: data, as: UTF8.self))
        case .human:
            let pairs = fields.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            sink.write("\(time) \(event.level.rawValue.uppercased()) \(message)\(pairs.isEmpty ? "" : " " + pairs)")
        }
    }
}

/// Where log lines go: standard output (for the service manager or container to collect), or a
/// buffer in tests.
public final class LogSink: Sendable {
    private let capturing: Bool
    private let lines = Mutex<[String]>([])

    private init(capturing: Bool) {
        self.capturing = capturing
    }

    public static let standardOutput = LogSink(capturing: false)

    /// Keeps every line, for tests.
    public static func capture() -> LogSink { LogSink(capturing: true) }

    public var captured: [String] { lines.withLock { $0 } }

    func write(_ line: String) {
        lines.withLock { lines in
            if capturing {
                lines.append(line)
            } else {
                // Under the lock, so that concurrent requests never interleave inside a line.
                FileHandle.standardOutput.write(Data((line + "\n").utf8))
            }
        }
    }
}
