import Foundation
import GRDB
import Logging
import PostgresNIO
import Testing

@testable import Persistence

/// The store implementations the store's tests run against, each test once per backend.
enum StoreBackend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    var testDescription: String { rawValue }

    /// A PostgreSQL server for the tests: `scripts/postgres-cluster start` starts one and
    /// prints its URL; `.ci/run` always does.
    static var postgresURL: String? {
        ProcessInfo.processInfo.environment["WELCOMEBOT_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    static let postgresMissing: Comment =
        "PostgreSQL is not running for the tests: set WELCOMEBOT_TEST_POSTGRES_URL (scripts/postgres-cluster start prints one); .ci/run always does"
}

/// A fresh, empty store on one backend: a new SQLite file, or a new PostgreSQL database.
struct TestStore: Sendable {
    let backend: StoreBackend
    let store: any MessageStore
    private let sqlite: SQLiteMessageStore?
    private let postgres: PostgresMessageStore?
    private let cleanup: @Sendable () async -> Void

    static func make(_ backend: StoreBackend) async throws -> TestStore {
        switch backend {
        case .sqlite:
            let folder = NSTemporaryDirectory() + "welcomebot-db-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let store = try SQLiteMessageStore(path: folder + "/welcomebot.sqlite")
            return TestStore(
                backend: backend, store: store, sqlite: store, postgres: nil,
                cleanup: { try? FileManager.default.removeItem(atPath: folder) })
        case .postgres:
            guard let url = StoreBackend.postgresURL else { try Test.cancel(StoreBackend.postgresMissing) }
            let name = "wb_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20)
            let admin = try await PostgresMessageStore.administer(url: url)
            try await admin.execute("CREATE DATABASE \(name)")
            let testURL = try PostgresMessageStore.url(url, database: String(name))
            let store = try await PostgresMessageStore(url: testURL, maximumConnections: 8)
            return TestStore(
                backend: backend, store: store, sqlite: nil, postgres: store,
                cleanup: {
                    store.shutdown()
                    try? await admin.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
                    admin.shutdown()
                })
        }
    }

    func remove() async { await cleanup() }

    /// The first column of the first row of `sql`, as text.
    func text(_ sql: String) async throws -> String? {
        if let sqlite {
            return try await sqlite.pool.read { db in try String.fetchOne(db, sql: sql) }
        }
        return try await postgres!.firstText(sql)
    }

    func count(_ sql: String) async throws -> Int {
        Int(try await text(sql) ?? "") ?? -1
    }

    func execute(_ sql: String) async throws {
        if let sqlite {
            try await sqlite.pool.write { db in try db.execute(sql: sql) }
        } else {
            try await postgres!.execute(sql)
        }
    }
}

/// Runs `body` on a fresh store of `backend` and removes it afterwards, whatever happens.
func withStore(_ backend: StoreBackend, _ body: (TestStore) async throws -> Void) async throws {
    let database = try await TestStore.make(backend)
    do {
        try await body(database)
    } catch {
        await database.remove()
        throw error
    }
    await database.remove()
}

@Suite("PostgreSQL settings")
struct PostgresSettingsTests {
    @Test(
        "a DATABASE_URL that cannot work is an error that says how it should look",
        arguments: [
            "http://x@y/z", "postgres://", "postgres://host-only", "postgres://bot@db", "postgres://bot@db/wb?sslmode=maybe",
        ])
    func badURLs(url: String) {
        #expect(throws: PostgresSettingsError.self) { try PostgresMessageStore.configuration(url) }
    }

    @Test("a good DATABASE_URL names host, port, user and database")
    func goodURL() throws {
        let configuration = try PostgresMessageStore.configuration(
            "postgres://bot:s%40cret@db.local:6543/welcomebot?sslmode=disable")
        #expect(configuration.host == "db.local")
        #expect(configuration.port == 6543)
        #expect(configuration.username == "bot")
        #expect(configuration.password == "s@cret")
        #expect(configuration.database == "welcomebot")
    }
}
