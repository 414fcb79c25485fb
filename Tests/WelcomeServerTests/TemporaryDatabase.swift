import Foundation

@testable import Persistence

/// A fresh database file in a temporary folder, removed afterwards.
struct TemporaryDatabase {
    let folder: String
    let store: SQLiteMessageStore

    init() throws {
        folder = NSTemporaryDirectory() + "welcomebot-db-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        store = try SQLiteMessageStore(path: folder + "/welcomebot.sqlite")
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: folder)
    }
}
