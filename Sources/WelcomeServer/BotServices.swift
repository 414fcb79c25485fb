import Foundation
import Persistence
import WelcomeCore

/// What the routes share: the live catalog, the store, the pseudonymizer, and what operators
/// watch (metrics and the recent deliveries).
public struct BotServices: Sendable {
    /// The catalog being served; reloaded when the intent files change.
    public var catalog: LiveCatalog
    public var store: any MessageStore
    public var pseudonymizer: Pseudonymizer
    public var metrics: BotMetrics
    public var deliveries: RecentDeliveries
    /// Keep questions nothing answered, scrubbed, for staff to improve the intent files. Off
    /// unless the operator turns it on (`UNANSWERED_QUESTIONS=keep`).
    public var keepsUnansweredQuestions: Bool
    /// How long each kind of row is kept, for what the bot and the dashboard tell people.
    public var retention = RetentionPolicy()
    /// This process, named on the dashboard: behind a load balancer each instance shows its own
    /// deliveries and answers, while the outbox is the shared database's.
    public var instance = ServerInstance.current

    /// How long unanswered questions are kept, in days.
    public var unansweredQuestionDays: Int { retention.unansweredQuestions.days }

    /// The assistant on the current catalog. A request takes it once and finishes on it.
    public var assistant: Assistant { catalog.assistant }

    public init(
        catalog: LiveCatalog, store: any MessageStore, pseudonymizer: Pseudonymizer, metrics: BotMetrics = BotMetrics(),
        deliveries: RecentDeliveries = RecentDeliveries(), keepsUnansweredQuestions: Bool = false
    ) {
        self.catalog = catalog
        self.store = store
        self.pseudonymizer = pseudonymizer
        self.metrics = metrics
        self.deliveries = deliveries
        self.keepsUnansweredQuestions = keepsUnansweredQuestions
    }

    /// With a fixed catalog, not reloaded from files.
    public init(
        assistant: Assistant, store: any MessageStore, pseudonymizer: Pseudonymizer, keepsUnansweredQuestions: Bool = false
    ) {
        self.init(
            catalog: LiveCatalog(assistant: assistant), store: store, pseudonymizer: pseudonymizer,
            keepsUnansweredQuestions: keepsUnansweredQuestions)
    }
}

/// One running server process: its host and process id, and when it started.
public struct ServerInstance: Sendable {
    public var name: String
    public var startedAt: Date

    public init(name: String, startedAt: Date) {
        self.name = name
        self.startedAt = startedAt
    }

    /// This process; its start is when this was first asked for, at start-up.
    public static let current = ServerInstance(
        name: "\(ProcessInfo.processInfo.hostName) · pid \(ProcessInfo.processInfo.processIdentifier)", startedAt: Date())
}

extension Duration {
    /// Whole days, as retention periods are set.
    var days: Int { Int(components.seconds / 86_400) }
}
