import Persistence
import WelcomeCore

/// What the routes share: the assistant on the current catalog, the store and the pseudonymizer.
public struct BotServices: Sendable {
    public var assistant: Assistant
    public var store: any MessageStore
    public var pseudonymizer: Pseudonymizer

    public init(assistant: Assistant, store: any MessageStore, pseudonymizer: Pseudonymizer) {
        self.assistant = assistant
        self.store = store
        self.pseudonymizer = pseudonymizer
    }
}
