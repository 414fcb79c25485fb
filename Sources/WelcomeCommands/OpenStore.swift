import Logging
import Persistence
import WelcomeServer

/// The store the settings name: PostgreSQL when `DATABASE_URL` is set (several instances share
/// it), else SQLite in the data folder.
func openStore(_ settings: ServerSettings, logger: Logger = Logger(label: "welcomebot")) async throws -> any MessageStore {
    if let url = settings.databaseURL {
        return try await PostgresMessageStore(url: url, logger: logger)
    }
    return try SQLiteMessageStore(path: settings.databasePath)
}
