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

    // No upper bound on the time: the whole suite shares two cores, and a test's wall-clock time
    // includes everyone else's work (a run measured a 1 s wait as 62 s). The error's "tried for
    // 1 s" says it gave up on its own; the time limit catches a hang.
    @Test(
        "a server nobody listens at: tried again for the time allowed, then an error with where, why and what to do",
        .timeLimit(.minutes(5)))
    func unreachable() async throws {
        // A port just closed by the system: nothing listens there.
        let port = try closedPort()
        let started = ContinuousClock.now
        let error = await #expect(throws: PostgresUnreachableError.self) {
            _ = try await PostgresMessageStore(
                url: "postgres://bot:hunter2secret@127.0.0.1:\(port)/welcomebot?sslmode=disable", connectWait: .seconds(1))
        }
        let elapsed = ContinuousClock.now - started
        #expect(elapsed >= .milliseconds(600), "\(elapsed)")
        let text = try #require(error?.description)
        #expect(text.hasPrefix("cannot connect to PostgreSQL at 127.0.0.1:\(port) (database 'welcomebot', user 'bot')"))
        #expect(text.contains("nothing listens at that port (tried for 1 s)"), "\(text)")
        #expect(text.contains("listen_addresses"))
        #expect(!text.contains("hunter2secret"))
    }

    @Test("a database that does not exist fails at once, with the server's words and how to create it")
    func missingDatabase() async throws {
        guard let url = StoreBackend.postgresURL else { try Test.cancel(StoreBackend.postgresMissing) }
        let error = await #expect(throws: PostgresUnreachableError.self) {
            _ = try await PostgresMessageStore(
                url: try PostgresMessageStore.url(url, database: "wb_no_such_database"), connectWait: .seconds(60))
        }
        let text = try #require(error?.description)
        // Not tried again: waiting cannot cure it (the time is no measure on a busy machine).
        #expect(!text.contains("tried for"), "\(text)")
        #expect(text.contains(#"database "wb_no_such_database" does not exist"#), "\(text)")
        #expect(text.contains("CREATE DATABASE wb_no_such_database;"))
    }
}

/// A loopback port that was free a moment ago.
private func closedPort() throws -> Int {
    let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(socket) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
            bind(socket, pointer, length) == 0 && getsockname(socket, pointer, &length) == 0
        }
    }
    guard bound else { throw POSIXError(.EADDRINUSE) }
    return Int(UInt16(bigEndian: address.sin_port))
}
