import Foundation
import Logging
import PostgresNIO

/// Where the PostgreSQL server is and how to log in, from `DATABASE_URL`.
struct PostgresAddress: Sendable {
    enum TLSMode: String, Sendable {
        case disable, prefer, require
    }

    var host: String
    var port: Int
    var user: String
    var password: String?
    var database: String
    var tls: TLSMode

    /// Parses `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=…]`; `sslmode` as libpq
    /// knows it (`disable`, `prefer`, the default, or `require`; `allow` counts as `prefer`,
    /// `verify-ca` and `verify-full` as `require`, which verifies the certificate).
    init(_ url: String) throws {
        guard let components = URLComponents(string: url), ["postgres", "postgresql"].contains(components.scheme ?? ""),
            let host = components.host, !host.isEmpty
        else {
            throw PostgresSettingsError("DATABASE_URL must look like postgres://USER:PASSWORD@HOST:5432/DATABASE")
        }
        let database = String(components.path.drop { $0 == "/" })
        guard let user = components.user, !user.isEmpty, !database.isEmpty else {
            throw PostgresSettingsError("DATABASE_URL must name a user and a database: postgres://USER@HOST/DATABASE")
        }
        let mode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "prefer"
        switch mode {
        case "disable": tls = .disable
        case "prefer", "allow": tls = .prefer
        case "require", "verify-ca", "verify-full": tls = .require
        default: throw PostgresSettingsError("sslmode in DATABASE_URL must be disable, prefer or require, not '\(mode)'")
        }
        self.host = host
        port = components.port ?? 5432
        self.user = user.removingPercentEncoding ?? user
        password = components.password?.removingPercentEncoding
        self.database = database.removingPercentEncoding ?? database
    }

    var clientConfiguration: PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS =
            switch self.tls {
            case .disable: .disable
            case .prefer: .prefer(.makeClientConfiguration())
            case .require: .require(.makeClientConfiguration())
            }
        return PostgresClient.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: tls)
    }

    /// - Throws: when TLS cannot be set up (the system's certificates cannot be read).
    func connectionConfiguration() throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS =
            switch self.tls {
            case .disable: .disable
            case .prefer: .prefer(try .init(configuration: .makeClientConfiguration()))
            case .require: .require(try .init(configuration: .makeClientConfiguration()))
            }
        var configuration = PostgresConnection.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: tls)
        configuration.options.connectTimeout = .seconds(5)
        return configuration
    }

    /// Connects once and closes again, trying for `duration` while the server cannot be
    /// reached (it may be starting); a refusal that waiting cannot cure (wrong password, no such
    /// database, no TLS where it is required) is thrown at once.
    func waitUntilReachable(for duration: Duration, logger: Logger) async throws {
        let configuration = try connectionConfiguration()
        let deadline = ContinuousClock.now + duration
        var delay = Duration.milliseconds(200)
        while true {
            do {
                let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
                try? await connection.close()
                return
            } catch {
                var failure = PostgresUnreachableError(address: self, error: error)
                guard failure.isTransient, ContinuousClock.now + delay < deadline else {
                    if failure.isTransient { failure.waited = duration }
                    throw failure
                }
                logger.warning(
                    "database.unreachable",
                    metadata: ["database.reason": "\(failure.reason)", "database.retry_ms": "\(Int(delay / .milliseconds(1)))"])
                try await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(5))
            }
        }
    }
}

/// No connection to PostgreSQL could be made at start: says where, why, and what to do, in
/// the words of the server or the network, never with the password.
public struct PostgresUnreachableError: Error, CustomStringConvertible {
    /// What went wrong, for the log.
    public let reason: String
    /// What the operator should check.
    public let fix: String
    /// Whether waiting could help (the server is not up yet), or not (it said no).
    let isTransient: Bool
    let target: String
    /// How long it was tried, when it was tried again and again.
    var waited: Duration?

    init(address: PostgresAddress, error: any Error) {
        target = "PostgreSQL at \(address.host):\(address.port) (database '\(address.database)', user '\(address.user)')"
        guard let error = error as? PSQLError else {
            reason = "\(error)"
            fix = "check the host and port in DATABASE_URL"
            isTransient = true
            return
        }
        let serverMessage = error.serverInfo?[.message]
        switch (error.code, error.serverInfo?[.sqlState]) {
        case (.server, "28P01"), (.server, "28000"):
            reason = serverMessage ?? "the server refused the login"
            fix = "check the user and password in DATABASE_URL (and pg_hba.conf on the server)"
            isTransient = false
        case (.server, "3D000"):
            reason = serverMessage ?? "the database does not exist"
            fix = "create it (CREATE DATABASE \(address.database);) or correct the name in DATABASE_URL"
            isTransient = false
        case (.server, "57P03"):
            reason = serverMessage ?? "the server is starting up"
            fix = "wait until PostgreSQL has started"
            isTransient = true
        case (.server, _):
            reason = serverMessage ?? "the server refused the connection"
            fix = "see the server's message; the settings are in DATABASE_URL"
            isTransient = false
        case (.sslUnsupported, _):
            reason = "the server does not offer TLS, and sslmode=require was asked for"
            fix = "turn TLS on in PostgreSQL, or set sslmode=disable in DATABASE_URL on a trusted network"
            isTransient = false
        case (.authMechanismRequiresPassword, _):
            reason = "the server asks for a password and DATABASE_URL has none"
            fix = "put the password in DATABASE_URL: postgres://USER:PASSWORD@HOST/DATABASE"
            isTransient = false
        default:
            reason = Self.plain(error.underlying.map { "\($0)" } ?? "\(error.code)")
            fix = "check that PostgreSQL runs and accepts TCP connections at that host and port (listen_addresses, firewall)"
            isTransient = true
        }
    }

    /// The network's own words, shortened where they are well known.
    static func plain(_ text: String) -> String {
        if text.contains("Connection refused") { return "the connection was refused: nothing listens at that port" }
        if text.contains("connectTimeout") || text.contains("timed out") { return "no answer within 5 s" }
        if text.contains("getaddrinfo") || text.contains("No such host") || text.contains("unknownHost") {
            return "the host name is not known"
        }
        return text
    }

    public var description: String {
        let tried = waited.map { " (tried for \($0.components.seconds) s)" } ?? ""
        return "cannot connect to \(target): \(reason)\(tried) — \(fix)"
    }
}
