/// A WhatsApp or Messenger setting the adapter cannot work with, found at start-up.
public struct MetaConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The setting in words ("WhatsApp access token").
    public var setting: String
    /// What is wrong with it and how to fix it.
    public var problem: String

    public init(setting: String, problem: String) {
        self.setting = setting
        self.problem = problem
    }

    public var description: String { "\(setting) \(problem)" }
}
