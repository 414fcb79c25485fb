import Foundation
import WelcomeCore

/// A pseudonymous user id: a keyed hash of channel and messenger user id. The key is not in the
/// database, so the database alone does not say who wrote.
public struct Pseudonym: Sendable, Hashable, Codable, CustomStringConvertible {
    public let value: String

    public init(_ value: String) {
        self.value = value
    }

    public var description: String { value }
}

/// A message the server has decoded and wants to answer exactly once.
public struct InboundRecord: Sendable, Equatable {
    public var channel: String
    /// The messenger's delivery id; with `channel` the unique key of the claim.
    public var providerMessageID: String
    public var pseudonym: Pseudonym
    /// Where replies go. Stored with pending replies only, and erased once they are done.
    public var chatID: String

    public init(channel: String, providerMessageID: String, pseudonym: Pseudonym, chatID: String) {
        self.channel = channel
        self.providerMessageID = providerMessageID
        self.pseudonym = pseudonym
        self.chatID = chatID
    }
}

/// One call to a messenger's API, rendered and ready to send.
public struct OutboundCall: Sendable, Equatable {
    /// The API method or path (`sendMessage`, `answerCallbackQuery`, `messages`).
    public var method: String
    /// The request body as the API wants it.
    public var body: Data

    public init(method: String, body: Data) {
        self.method = method
        self.body = body
    }
}

/// What answering a new message produced: the new conversation state and the calls to make.
public struct Answered: Sendable {
    public var state: ConversationState
    public var calls: [OutboundCall]
    /// The person asked to be forgotten: every row of theirs is erased in the same transaction,
    /// no state is kept, and these calls (the confirmation) are queued under no pseudonym.
    public var forget: Bool

    public init(state: ConversationState, calls: [OutboundCall], forget: Bool = false) {
        self.state = state
        self.calls = calls
        self.forget = forget
    }
}

public enum AcceptOutcome: Sendable, Equatable {
    /// New: answered, state saved and replies queued, all in one transaction.
    case accepted(outboxIDs: [Int64])
    /// Seen before (a redelivery): nothing done.
    case duplicate
}

/// A queued call as the sender sees it.
public struct OutboxRow: Sendable, Equatable {
    public var id: Int64
    public var channel: String
    public var chatID: String
    public var call: OutboundCall
    public var attempts: Int
    public var createdAt: Date
}

/// What a messenger said became of a sent message, in the order they happen.
public enum DeliveryState: String, Sendable, Codable, CaseIterable, Comparable {
    case sent
    case delivered
    case read
    case failed

    var rank: Int {
        switch self {
        case .sent: 1
        case .delivered: 2
        case .read: 3
        case .failed: 4
        }
    }

    public static func < (lhs: DeliveryState, rhs: DeliveryState) -> Bool { lhs.rank < rhs.rank }
}

/// The state of a queued call.
public enum OutboxState: String, Sendable, Codable, CaseIterable {
    case pending
    case sent
    case dead
}

/// The durable heart of the pipeline: claims, conversation state and the outbox. Implementations
/// must make `accept` atomic (claim, state and outbox in one transaction, durable on return) and
/// `claimDue` safe for several senders at once.
public protocol MessageStore: Sendable {
    /// Claims `record` under (channel, provider message id). When it is new, calls `answer` with
    /// the stored conversation state (nil for a new conversation) and stores what it returns.
    /// Returns after the transaction is durable.
    func accept(
        _ record: InboundRecord, answer: @escaping @Sendable (ConversationState?) -> Answered
    ) async throws -> AcceptOutcome

    /// Takes up to `limit` calls that are due, at most one per chat and only the oldest pending of
    /// each chat (so replies keep their order), leasing them to `owner` until `leaseUntil`.
    func claimDue(limit: Int, now: Date, leaseUntil: Date, owner: String) async throws -> [OutboxRow]

    /// The messenger accepted the call: the row keeps no destination and no body from now on,
    /// only the id the messenger gave the message, for matching its delivery statuses.
    func markSent(_ id: Int64, at: Date, providerMessageID: String?) async throws
    /// Try again at `nextAttempt`.
    func markRetry(_ id: Int64, nextAttempt: Date, error: String) async throws
    /// Give up, keeping the reason; the row keeps no destination and no body from now on.
    func markDead(_ id: Int64, reason: String, at: Date) async throws

    /// Records what the messenger reported of a sent message (`sent`, `delivered`, `read`,
    /// `failed`) on its outbox row. Reports may come out of order or twice: a state never
    /// replaces a later one. Returns false when no row has that id (sent before a purge, or
    /// by another bot on the same number).
    func recordDelivery(
        channel: String, providerMessageID: String, state: DeliveryState, error: String?, at: Date
    ) async throws -> Bool

    /// The stored conversation state of a pseudonym.
    func conversation(_ pseudonym: Pseudonym) async throws -> ConversationState?
    /// Counts of outbox rows by state.
    func outboxCounts() async throws -> [OutboxState: Int]
    /// Deletes claims received before `claimsBefore`, so the table does not grow forever.
    func purgeClaims(before: Date) async throws -> Int

    /// Deletes what has outlived its retention period, and nothing else: claims received, and
    /// outbox rows finished (sent or given up), before the policy's limits, and conversations
    /// not touched since. Pending replies are never purged: the sender gives them up at their
    /// maximum age.
    func purge(_ policy: RetentionPolicy, now: Date) async throws -> PurgeReport

    /// Erases every row of one person: the conversation state and all outbox rows, pending
    /// replies included. (Claims hold no pseudonym: they only say that a message id was seen.)
    func forget(_ pseudonym: Pseudonym) async throws -> ForgetReport
    /// True when the database answers.
    func isReady() async -> Bool
}

/// How long each kind of row is kept.
public struct RetentionPolicy: Sendable, Equatable {
    /// Message ids seen, so that a redelivery is not answered twice. Longer than any
    /// messenger's redelivery window (WhatsApp retries for up to 7 days).
    public var claims: Duration = .seconds(8 * 86_400)
    /// The language and last choices of a conversation nobody continued.
    public var conversations: Duration = .seconds(30 * 86_400)
    /// Finished outbox rows: state, times, failure reason and the messenger's message id.
    public var deliveries: Duration = .seconds(14 * 86_400)

    public init() {}
}

public struct PurgeReport: Sendable, Equatable {
    public var claims = 0
    public var conversations = 0
    public var deliveries = 0

    public init(claims: Int = 0, conversations: Int = 0, deliveries: Int = 0) {
        self.claims = claims
        self.conversations = conversations
        self.deliveries = deliveries
    }
}

public struct ForgetReport: Sendable, Equatable {
    /// 1 when a conversation state was stored, else 0.
    public var conversations = 0
    /// Replies not yet sent, now never to be sent.
    public var pendingReplies = 0
    /// Delivery records of replies already sent or given up.
    public var deliveries = 0

    public init(conversations: Int = 0, pendingReplies: Int = 0, deliveries: Int = 0) {
        self.conversations = conversations
        self.pendingReplies = pendingReplies
        self.deliveries = deliveries
    }

    public var total: Int { conversations + pendingReplies + deliveries }
}
