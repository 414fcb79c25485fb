import Foundation
import Synchronization
import WelcomeCore

/// The intent catalog being served, replaced whole when staff change the files. A new catalog is
/// loaded and validated completely before it is swapped in, in one step; when the files have any
/// error the last good catalog keeps serving and the errors are kept for operators. A request
/// takes the `Assistant` once and finishes on it, so a swap never changes an answer half-way.
public final class LiveCatalog: Sendable {
    /// How the catalog came to be what it is, for logs, metrics and the dashboard.
    public struct Status: Sendable {
        /// When the catalog now served was loaded.
        public var loadedAt: Date
        /// The errors of the last reload that failed, if the files are still broken; empty once
        /// a reload succeeds.
        public var errors: [Diagnostic]
        public var successfulReloads: Int
        public var failedReloads: Int
        /// When the last reload was tried, whatever its result.
        public var lastAttempt: Date?
    }

    public enum ReloadOutcome: Sendable, Equatable {
        /// The new files are served from now on.
        case reloaded(intents: Int, languages: Int)
        /// The files have errors: the last good catalog keeps serving.
        case failed(errors: Int)
        /// No folder to reload from (the catalog was built in code).
        case unavailable
    }

    private struct State {
        var assistant: Assistant
        var status: Status
        /// Counts swaps, so that a slow load that started earlier never replaces a newer catalog.
        var generation = 0
    }

    /// The folder the catalog is loaded from; nil when it was built in code (tests).
    public let directory: String?
    private let state: Mutex<State>

    public init(assistant: Assistant, directory: String? = nil, loadedAt: Date = Date()) {
        self.directory = directory
        state = Mutex(
            State(
                assistant: assistant,
                status: Status(loadedAt: loadedAt, errors: [], successfulReloads: 0, failedReloads: 0, lastAttempt: nil)))
    }

    /// The assistant on the current catalog. Take it once per request.
    public var assistant: Assistant { state.withLock { $0.assistant } }

    public var status: Status { state.withLock { $0.status } }

    /// The assistant with a number that changes at every swap, for what is derived from the
    /// catalog and worth keeping until the next one (the web chat page).
    public var current: (assistant: Assistant, generation: Int) { state.withLock { ($0.assistant, $0.generation) } }

    /// Loads the folder again; swaps only when every file is valid.
    @discardableResult
    public func reload(now: Date = Date()) -> ReloadOutcome {
        guard let directory else { return .unavailable }
        let started = state.withLock { $0.generation }
        do {
            // The slow part, outside the lock: requests go on meanwhile on the current catalog.
            let catalog = try IntentCatalog.load(from: directory)
            let assistant = Assistant(catalog: catalog)
            state.withLock { state in
                state.status.lastAttempt = now
                state.status.successfulReloads += 1
                guard state.generation == started else { return }
                state.generation += 1
                state.assistant = assistant
                state.status.loadedAt = now
                state.status.errors = []
            }
            return .reloaded(intents: catalog.intentCount, languages: catalog.languages.count)
        } catch {
            let errors = error.diagnostics.filter { $0.severity == .error }
            state.withLock { state in
                state.status.lastAttempt = now
                state.status.failedReloads += 1
                state.status.errors = errors
            }
            return .failed(errors: errors.count)
        }
    }
}
