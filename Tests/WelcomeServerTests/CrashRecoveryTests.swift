import Foundation
import Hummingbird
import OutboundHTTP
import Synchronization
import Testing

@testable import WelcomeServer

/// Runs the real `welcomebot serve` process, kills it with SIGKILL after it acknowledged an
/// update but before the reply could be sent, restarts it, and checks that the reply goes out.
/// The tests that run real server processes or drive load, one after another: side by side on
/// two cores they would starve each other, and a starved child process proves nothing.
@Suite("Real processes and load", .serialized)
struct ProcessTests {}

extension ProcessTests {
    @Suite("Crash recovery", .serialized)
    struct CrashRecoveryTests {
        /// `welcomebot`, built beside this test bundle by `swift build --build-tests`.
        static let executable = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("welcomebot").path

        /// A free port for a child process to listen on (loopback only). Taken below the range the
        /// system hands out for port 0, and never twice in this process: a port picked from that
        /// range could go to another test's server (which binds port 0) before the child binds it.
        static func freePort() throws -> Int {
            while true {
                let port = nextPort.withLock { next -> Int in
                    next = next >= 32_000 ? 20_000 : next + 1
                    return next
                }
                if isFree(port) { return port }
            }
        }

        private static let nextPort = Mutex(Int.random(in: 20_000..<31_000))

        private static func isFree(_ port: Int) -> Bool {
            let socket = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(socket) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            let length = socklen_t(MemoryLayout<sockaddr_in>.size)
            return withUnsafeMutablePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) == 0 }
            }
        }

        static func start(port: Int, apiPort: Int, data: String) throws -> Process {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = [
                "serve", "--port", String(port), "--data", data, "--intents", TestServer.intentsPath, "--config",
                "/nonexistent.yaml",
            ]
            process.environment = [
                "TELEGRAM_BOT_TOKEN": FakeTelegramAPI.token, "TELEGRAM_SECRET_TOKEN": "crash-secret",
                "TELEGRAM_API_BASE_URL": "http://127.0.0.1:\(apiPort)", "PATH": "/usr/bin:/bin",
                // The sender may claim the reply before the kill lands; its lease then has to run
                // out before the restarted process sends it (a minute by default).
                "OUTBOX_LEASE_SECONDS": "5",
            ]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            return process
        }

        static func waitUntilReady(_ client: CurlHTTPClient, port: Int) async throws {
            for _ in 0..<600 {  // at least 30 s: a debug build on a busy machine starts slowly
                if let response = try? await client.perform(
                    OutgoingRequest(url: "http://127.0.0.1:\(port)/readyz", method: "GET")),
                    response.status == 200
                {
                    return
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            Issue.record("the server did not become ready")
        }

        @Test("SIGKILL after the 2xx, before the send: the reply goes out after a restart, once")
        func killedBeforeSending() async throws {
            #expect(FileManager.default.isExecutableFile(atPath: Self.executable), "build with 'swift build --build-tests' first")
            let data = NSTemporaryDirectory() + "welcomebot-crash-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: data) }
            let port = try Self.freePort()
            let apiPort = try Self.freePort()
            let http = CurlHTTPClient()

            // 1. The Bot API is unreachable: the update is acknowledged, the reply cannot go out.
            let first = try Self.start(port: port, apiPort: apiPort, data: data)
            try await Self.waitUntilReady(http, port: port)
            let update =
                #"{"update_id":77,"message":{"message_id":1,"from":{"id":4242,"is_bot":false,"first_name":"A","language_code":"de"},"chat":{"id":4242,"type":"private"},"date":1700000000,"text":"anmeldung"}}"#
            let ack = try await http.perform(
                OutgoingRequest(
                    url: "http://127.0.0.1:\(port)/webhooks/telegram",
                    headers: [("Content-Type", "application/json"), ("X-Telegram-Bot-Api-Secret-Token", "crash-secret")],
                    body: Data(update.utf8)))
            #expect(ack.status == 200)

            // 2. Killed without a chance to clean up.
            kill(first.processIdentifier, SIGKILL)
            first.waitUntilExit()

            // 3. The Bot API is back, and so is the bot.
            let fake = FakeTelegramAPI()
            let api = Application(
                router: fake.router(), configuration: .init(address: .hostname("127.0.0.1", port: apiPort)))
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await api.run() }
                let second = try Self.start(port: port, apiPort: apiPort, data: data)
                defer {
                    second.terminate()
                    second.waitUntilExit()
                }
                try await Self.waitUntilReady(http, port: port)
                let deadline = ContinuousClock.now + .seconds(60)
                while fake.received.isEmpty && ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(50))
                }
                try await Task.sleep(for: .milliseconds(500))
                #expect(fake.received.count == 1)
                #expect(fake.received.first?.method == "sendMessage")
                #expect((fake.received.first?.body["text"] as? String)?.contains("Bürgeramt") == true)
                group.cancelAll()
            }
            await http.shutdown()
        }
    }
}

typealias CrashRecoveryTests = ProcessTests.CrashRecoveryTests
