import Foundation
import Logging
import Messengers
import Persistence
import ServiceLifecycle
import Synchronization

/// Sends one queued call to its messenger and says how it went. One per channel.
public protocol MessengerTransport: Sendable {
    func send(_ row: OutboxRow) async -> SendOutcome
}

/// Step 7 of the pipeline, in the background: takes due calls from the outbox (one per chat at a
/// time, so replies arrive in order), keeps within the messengers' rate limits, sends, and
/// records the outcome: sent; retry later with exponential backoff and full jitter, or exactly
/// when the messenger said (`retry_after`, `Retry-After`); or dead with the reason. Calls older
/// than `maximumAge` are given up. A crashed process's leased calls come back after the lease.
public final class OutboxSender: Service, Sendable {
    public struct Settings: Sendable {
        /// How often to look for due calls when there were none.
        public var pollInterval: Duration = .milliseconds(100)
        public var batchSize = 32
        /// A send that takes longer is abandoned and tried again later; it may have arrived.
        public var sendTimeout: Duration = .seconds(10)
        /// A claimed call returns to the queue after this if its sender vanished.
        public var lease: Duration = .seconds(60)
        public var firstRetry: Duration = .seconds(1)
        public var longestRetry: Duration = .seconds(300)
        /// A reply that could not be sent within this is given up: an answer a day late helps nobody.
        public var maximumAge: Duration = .seconds(24 * 3600)
        /// Each channel's own budget, by default: about 30 messages per second in all (Telegram's
        /// limit, and far more than one city's bot needs on the others)…
        public var messagesPerSecond: Double = 30
        /// …and about one per second to one chat.
        public var perChatInterval: Duration = .seconds(1)
        /// Budgets for particular channels (by `Channel` raw value), over the defaults above.
        public var perChannel: [String: RateLimit] = [:]

        public init() {}

        func limit(for channel: String) -> RateLimit {
            perChannel[channel] ?? RateLimit(messagesPerSecond: messagesPerSecond, perChatInterval: perChatInterval)
        }
    }

    /// How fast one channel may send.
    public struct RateLimit: Sendable {
        public var messagesPerSecond: Double
        public var perChatInterval: Duration

        public init(messagesPerSecond: Double, perChatInterval: Duration) {
            self.messagesPerSecond = messagesPerSecond
            self.perChatInterval = perChatInterval
        }
    }

    private let store: any MessageStore
    private let transports: [String: any MessengerTransport]
    private let settings: Settings
    private let logger: Logger
    private let metrics: BotMetrics?
    private let owner: String
    private let clock: @Sendable () -> Date
    /// One per channel: a slow messenger's budget never holds back another's replies.
    private let limiters: [String: RateLimiter]

    public init(
        store: any MessageStore, transports: [String: any MessengerTransport], settings: Settings = Settings(),
        logger: Logger = Logger(label: "welcomebot.outbox"), metrics: BotMetrics? = nil,
        clock: @escaping @Sendable () -> Date = Date.init
    ) {
        self.store = store
        self.metrics = metrics
        self.transports = transports
        self.settings = settings
        self.logger = logger
        self.owner =
            "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"
        self.clock = clock
        self.limiters = transports.keys.reduce(into: [:]) { limiters, channel in
            let limit = settings.limit(for: channel)
            limiters[channel] = RateLimiter(perSecond: limit.messagesPerSecond, perChat: limit.perChatInterval)
        }
    }

    /// Runs until graceful shutdown; the sends in progress finish first.
    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let sent = await sendDue()
            if sent == 0 {
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.settings.pollInterval) }
            }
        }
    }

    /// Sends every call that is due now (one round); returns how many were attempted.
    @discardableResult
    public func sendDue() async -> Int {
        let now = clock()
        let rows: [OutboxRow]
        do {
            rows = try await store.claimDue(
                limit: settings.batchSize, now: now, leaseUntil: now + settings.lease.timeInterval, owner: owner)
        } catch {
            logger.error("outbox.claim failed", metadata: ["error.type": "\(type(of: error))"])
            return 0
        }
        await withTaskGroup(of: Void.self) { group in
            for row in rows {
                group.addTask { await self.deliver(row) }
            }
        }
        return rows.count
    }

    private func deliver(_ row: OutboxRow) async {
        let now = clock()
        do {
            if now.timeIntervalSince(row.createdAt) > settings.maximumAge.timeInterval {
                metrics?.sendAttempt(channel: row.channel, result: .dead)
                try await store.markDead(
                    row.id, reason: "not sent within \(Int(settings.maximumAge.timeInterval / 3600)) h; given up", at: now)
                return
            }
            guard let transport = transports[row.channel] else {
                metrics?.sendAttempt(channel: row.channel, result: .dead)
                try await store.markDead(row.id, reason: "the \(row.channel) channel is not configured", at: now)
                return
            }
            await limiters[row.channel]?.wait(chat: row.chatID)
            let outcome = await transport.send(row)
            switch outcome {
            case .sent(let providerMessageID):
                metrics?.sendAttempt(channel: row.channel, result: .sent)
                try await store.markSent(row.id, at: clock(), providerMessageID: providerMessageID)
            case .dead(let reason):
                metrics?.sendAttempt(channel: row.channel, result: .dead)
                logger.warning(
                    "outbox.dead",
                    metadata: ["outbox.id": "\(row.id)", "messenger.channel": "\(row.channel)", "outbox.reason": "\(reason)"])
                try await store.markDead(row.id, reason: reason, at: clock())
            case .retry(let after, let reason):
                metrics?.sendAttempt(channel: row.channel, result: .retry)
                let delay = after ?? backoff(attempt: row.attempts)
                try await store.markRetry(row.id, nextAttempt: clock() + delay.timeInterval, error: reason)
            }
        } catch {
            // The store failed: the lease runs out and another round tries again.
            logger.error("outbox.record failed", metadata: ["outbox.id": "\(row.id)", "error.type": "\(type(of: error))"])
        }
    }

    /// Exponential backoff with full jitter: a random delay up to first × 2^(attempt-1), capped.
    func backoff(attempt: Int) -> Duration {
        let exponent = min(max(attempt - 1, 0), 30)
        let ceiling = min(settings.longestRetry.timeInterval, settings.firstRetry.timeInterval * pow(2, Double(exponent)))
        return .milliseconds(Int(Double.random(in: 0...ceiling) * 1000))
    }
}

/// Spaces sends: at most `perSecond` in all, and one per `perChat` interval to the same chat.
final class RateLimiter: Sendable {
    private struct State {
        var nextGlobal = ContinuousClock.now
        var nextPerChat: [String: ContinuousClock.Instant] = [:]
    }

    private let spacing: Duration
    private let perChat: Duration
    private let state = Mutex(State())

    init(perSecond: Double, perChat: Duration) {
        spacing = perSecond > 0 ? .nanoseconds(Int64(1e9 / perSecond)) : .zero
        self.perChat = perChat
    }

    /// Reserves the next slot for `chat` and sleeps until it comes.
    func wait(chat: String) async {
        let slot = state.withLock { state -> ContinuousClock.Instant in
            let now = ContinuousClock.now
            var slot = max(now, state.nextGlobal)
            if let chatSlot = state.nextPerChat[chat] { slot = max(slot, chatSlot) }
            state.nextGlobal = slot + spacing
            state.nextPerChat[chat] = slot + perChat
            // Forget chats whose slot is long past, so the table stays small.
            if state.nextPerChat.count > 10_000 {
                state.nextPerChat = state.nextPerChat.filter { $0.value > now }
            }
            return slot
        }
        try? await Task.sleep(until: slot, clock: .continuous)
    }
}

extension Duration {
    var timeInterval: TimeInterval {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
