import Foundation
import Logging
import ServiceLifecycle
import UnixSignals
import WelcomeCore

/// Keeps the served catalog in step with the intent files: looks at the files every `interval`
/// (their names, sizes and modification times) and reloads when they changed, and reloads on
/// SIGHUP. A poll is plain and works on every file system, including network shares and
/// container volumes where change notifications do not arrive.
public struct CatalogReloader: Service {
    let catalog: LiveCatalog
    /// nil: reload on SIGHUP and `POST /admin/reload` only.
    let interval: Duration?
    let logger: Logger
    let metrics: BotMetrics?

    public init(catalog: LiveCatalog, interval: Duration?, logger: Logger, metrics: BotMetrics? = nil) {
        self.catalog = catalog
        self.interval = interval
        self.logger = logger
        self.metrics = metrics
    }

    public func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await _ in signals.cancelOnGracefulShutdown() {
                    reload(because: "SIGHUP")
                }
            }
            if let interval, let directory = catalog.directory {
                group.addTask {
                    var seen = Self.fingerprint(of: directory)
                    while !Task.isShuttingDownGracefully && !Task.isCancelled {
                        try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
                        let now = Self.fingerprint(of: directory)
                        if now != seen {
                            seen = now
                            reload(because: "files changed")
                        }
                    }
                }
            }
            await group.waitForAll()
        }
    }

    /// Reloads and logs the result; the errors themselves (file, line, what to do) are in the
    /// catalog's status for the dashboard, and the first one in the log.
    @discardableResult
    func reload(because reason: String) -> LiveCatalog.ReloadOutcome {
        let outcome = catalog.reload()
        switch outcome {
        case .reloaded(let intents, let languages):
            metrics?.catalogReload(succeeded: true)
            logger.info(
                "catalog.reloaded",
                metadata: ["catalog.reason": "\(reason)", "catalog.intents": "\(intents)", "catalog.languages": "\(languages)"])
        case .failed(let errors):
            metrics?.catalogReload(succeeded: false)
            logger.error(
                "catalog.reload_failed",
                metadata: [
                    "catalog.reason": "\(reason)", "catalog.errors": "\(errors)",
                    "catalog.first_error": "\(catalog.status.errors.first?.description ?? "")",
                ])
        case .unavailable:
            break
        }
        return outcome
    }

    /// Names, sizes and modification times of the YAML files: cheap to read, and any save changes it.
    static func fingerprint(of directory: String) -> String {
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter {
            $0.hasSuffix(".yaml") || $0.hasSuffix(".yml")
        }
        return files.sorted().map { name in
            let attributes = try? FileManager.default.attributesOfItem(
                atPath: (directory as NSString).appendingPathComponent(name))
            let size = (attributes?[.size] as? NSNumber)?.int64Value ?? -1
            let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            return "\(name):\(size):\(modified)"
        }.joined(separator: "|")
    }
}
