import Persistence
import WelcomeCore

/// What the routes share: the live catalog, the store and the pseudonymizer.
public struct BotServices: Sendable {
    /// The catalog being served; reloaded when the intent files change.
    public var catalog: LiveCatalog
    public var store: any MessageStore
    public var pseudonymizer: Pseudonymizer

    /// The assistant on the current catalog. A request takes it once and finishes on it.
    public var assistant: Assistant { catalog.assistant }

    public init(catalog: LiveCatalog, store: any MessageStore, pseudonymizer: Pseudonymizer) {
        self.catalog = catalog
        self.store = store
        self.pseudonymizer = pseudonymizer
    }

    /// With a fixed catalog, not reloaded from files.
    public init(assistant: Assistant, store: any MessageStore, pseudonymizer: Pseudonymizer) {
        self.init(catalog: LiveCatalog(assistant: assistant), store: store, pseudonymizer: pseudonymizer)
    }
}
