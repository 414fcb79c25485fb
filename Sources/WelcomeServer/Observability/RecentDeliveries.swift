import Foundation
import Synchronization

/// The last webhook deliveries this process handled, for the dashboard: when, which channel,
/// how it ended, how long it took and what kind of error, if any. In memory only and never
/// with a pseudonym, so nothing here outlives the process or says who wrote.
public final class RecentDeliveries: Sendable {
    public struct Entry: Sendable, Equatable {
        public var time: Date
        public var channel: String
        public var outcome: BotMetrics.WebhookOutcome
        public var status: Int
        public var latency: Duration
        /// What went wrong, in a word: `signature`, `decode`, `content_type`, `too_large`, `store`.
        public var errorClass: String?
        /// Messages in the delivery (a batch may hold several).
        public var messages: Int
    }

    public let capacity: Int
    private let entries: Mutex<[Entry]>

    public init(capacity: Int = 200) {
        self.capacity = capacity
        entries = Mutex([])
    }

    public func record(_ entry: Entry) {
        entries.withLock { entries in
            entries.append(entry)
            if entries.count > capacity { entries.removeFirst(entries.count - capacity) }
        }
    }

    /// The most recent first.
    public var latest: [Entry] { entries.withLock { $0.reversed() } }
}
