import ArgumentParser
import Logging
import Persistence
import WelcomeServer

extension SettingsReader {
    /// The settings, or, when they cannot be used, the reason printed for the operator and exit
    /// code 1: a start-up mistake is a message, not a stack trace.
    func readOrExit() throws -> ServerSettings {
        do {
            return try read()
        } catch {
            Terminal.printError("Error: \(error)")
            throw ExitCode(1)
        }
    }
}

/// The store the settings name: PostgreSQL when `DATABASE_URL` is set (several instances share
/// it), else SQLite in the data folder.
func openStore(_ settings: ServerSettings, logger: Logger = Logger(label: "welcomebot")) async throws -> any MessageStore {
    if let url = settings.databaseURL {
        return try await PostgresMessageStore(url: url, logger: logger)
    }
    return try SQLiteMessageStore(path: settings.databasePath)
}
