import Foundation
import Logging
import Persistence
import ServiceLifecycle

/// Deletes what has outlived its retention period, at start and then every `interval`, so that
/// the database keeps only what the bot still needs.
public struct RetentionPurger: Service {
    let store: any MessageStore
    let policy: RetentionPolicy
    let interval: Duration
    let logger: Logger

    public init(store: any MessageStore, policy: RetentionPolicy, interval: Duration, logger: Logger) {
        self.store = store
        self.policy = policy
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let report = try await store.purge(policy, now: Date())
                if report != PurgeReport() {
                    logger.info(
                        "retention.purged",
                        metadata: [
                            "retention.claims": "\(report.claims)", "retention.conversations": "\(report.conversations)",
                            "retention.deliveries": "\(report.deliveries)",
                            "retention.dead_letters": "\(report.deadLetters)",
                            "retention.questions": "\(report.unansweredQuestions)",
                        ])
                }
            } catch {
                logger.error("retention.purge_failed", metadata: ["error.type": "\(type(of: error))"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
