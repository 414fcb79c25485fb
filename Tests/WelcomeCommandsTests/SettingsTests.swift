import Foundation
import Testing
import WelcomeServer

@testable import WelcomeCommands

@Suite("Server settings")
struct SettingsTests {
    private func file(_ text: String) throws -> String {
        let path = NSTemporaryDirectory() + "welcomebot-config-" + UUID().uuidString + ".yaml"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("defaults with no file, no environment and no flags: the web chat on 127.0.0.1:8080")
    func defaults() throws {
        let settings = try SettingsReader(flags: [:], configFile: "/nonexistent.yaml", environment: [:]).read()
        #expect(settings.host == "127.0.0.1")
        #expect(settings.port == 8080)
        #expect(settings.dataDirectory == "data")
        #expect(settings.intentsDirectory == "Intents")
        #expect(settings.pseudonymKey == nil)
    }

    @Test("flags over the environment over the file")
    func precedence() throws {
        let path = try file("http:\n  host: 0.0.0.0\n  port: 9000\ndata:\n  directory: /var/lib/wb\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let fileOnly = try SettingsReader(flags: [:], configFile: path, environment: [:]).read()
        #expect(fileOnly.host == "0.0.0.0")
        #expect(fileOnly.port == 9000)
        #expect(fileOnly.dataDirectory == "/var/lib/wb")
        let environment = try SettingsReader(flags: [:], configFile: path, environment: ["HTTP_PORT": "9100"]).read()
        #expect(environment.port == 9100)
        #expect(environment.host == "0.0.0.0")
        let flags = try SettingsReader(flags: ["http.port": "9200"], configFile: path, environment: ["HTTP_PORT": "9100"]).read()
        #expect(flags.port == 9200)
    }

    @Test("the shipped settings file reads and matches the defaults")
    func shippedFile() throws {
        let path = packageRoot.appendingPathComponent("Config/welcomebot.yaml").path
        let settings = try SettingsReader(flags: [:], configFile: path, environment: [:]).read()
        #expect(settings.port == 8080)
        #expect(settings.maximumBodyBytes == 65536)
    }

    @Test("secrets come from the environment or a file it names, never from the settings file")
    func secrets() throws {
        let keyFile = try file("  abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789\n")
        defer { try? FileManager.default.removeItem(atPath: keyFile) }
        let fromFile = try SettingsReader(
            flags: [:], configFile: "/nonexistent.yaml", environment: ["PSEUDONYM_KEY_FILE": keyFile]
        ).read()
        #expect(fromFile.pseudonymKey == "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789")
        let fromEnvironment = try SettingsReader(
            flags: [:], configFile: "/nonexistent.yaml", environment: ["PSEUDONYM_KEY": "aa"]
        ).read()
        #expect(fromEnvironment.pseudonymKey == "aa")

        let path = try file("pseudonym:\n  key: 0011\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: SettingsError.self) { try SettingsReader(flags: [:], configFile: path, environment: [:]).read() }
        #expect(throws: SettingsError.self) {
            try SettingsReader(flags: [:], configFile: "/nonexistent.yaml", environment: ["PSEUDONYM_KEY_FILE": "/nonexistent"])
                .read()
        }
    }

    @Test(
        "bad values are errors that name the key and its variable",
        arguments: [
            (["HTTP_PORT": "abc"], "http.port (HTTP_PORT) must be a whole number, not 'abc'"),
            (["HTTP_PORT": "70000"], "http.port (HTTP_PORT) must be between 0 and 65535, not 70000"),
            (["HTTP_MAXIMUM_BODY_BYTES": "10"], "http.maximum.body.bytes (HTTP_MAXIMUM_BODY_BYTES) must be at least 1024"),
            (
                ["UNANSWERED_QUESTIONS": "always"],
                "unanswered.questions (UNANSWERED_QUESTIONS) must be keep or discard, not 'always'"
            ),
            (["OUTBOX_LEASE_SECONDS": "0"], "outbox.lease.seconds (OUTBOX_LEASE_SECONDS) must be 1 to 3600, not 0"),
            (
                ["OUTBOX_MESSAGES_PER_SECOND": "0"],
                "outbox.messages.per.second (OUTBOX_MESSAGES_PER_SECOND) must be 1 to 10000, not 0"
            ),
            (
                ["RETENTION_DEAD_LETTERS_DAYS": "0"],
                "retention.dead.letters.days (RETENTION_DEAD_LETTERS_DAYS) must be at least 1 day, not 0"
            ),
            (
                ["DATABASE_URL": "mysql://x@y/z"],
                "DATABASE_URL must start with postgres:// (PostgreSQL); leave it unset for SQLite"
            ),
            (
                ["DATABASE_URL": "postgres://bot@127.0.0.1/welcomebot"],
                "with DATABASE_URL set, PSEUDONYM_KEY must be set too (the same on every instance): generate one with `openssl rand -hex 32`"
            ),
        ])
    func badValues(environment: [String: String], message: String) {
        do {
            _ = try SettingsReader(flags: [:], configFile: "/nonexistent.yaml", environment: environment).read()
            Issue.record("no error")
        } catch {
            #expect("\(error)" == message)
        }
    }

    @Test("a broken settings file is an error naming the file")
    func brokenFile() throws {
        let path = try file("http:\n  port: [8080\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            _ = try SettingsReader(flags: [:], configFile: path, environment: [:]).read()
            Issue.record("no error")
        } catch {
            #expect("\(error)".contains("\(path) is not valid YAML"))
        }
    }
}
