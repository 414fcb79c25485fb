import Foundation
import Hummingbird
import OutboundHTTP
import Testing

@testable import WelcomeServer

/// SIGKILL at random moments under load, on SQLite: the real `welcomebot serve` is killed while
/// messages arrive and replies go out, started again on the same data, and so on; then every
/// message it acknowledged must have its reply, and a reply may go out twice only where the
/// process died between sending it and recording that.
extension ProcessTests {
    @Suite("Crash tests: SIGKILL at random points under load", .serialized)
    struct CrashLoadTests {
        /// `WELCOMEBOT_LONG_TESTS=1` kills it twenty times instead of three.
        static let kills = ProcessInfo.processInfo.environment["WELCOMEBOT_LONG_TESTS"] == "1" ? 20 : 3

        @Test("no acknowledged message is left without its reply, however often the server is killed")
        func killedUnderLoad() async throws {
            #expect(FileManager.default.isExecutableFile(atPath: CrashRecoveryTests.executable), "build with --build-tests first")
            let data = NSTemporaryDirectory() + "welcomebot-crashload-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: data) }
            let (port, apiPort) = (try CrashRecoveryTests.freePort(), try CrashRecoveryTests.freePort())
            let api = CountingBotAPI(delay: .milliseconds(20))
            let apiApp = Application(router: api.router(), configuration: .init(address: .hostname("127.0.0.1", port: apiPort)))
            let http = CurlHTTPClient()
            var acknowledged = Set<Int>()
            var generator = SystemRandomNumberGenerator()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await apiApp.run() }
                var next = 1
                for round in 0...Self.kills {
                    let server = try startInstance(port: port, apiPort: apiPort, databaseURL: nil, data: data)
                    try await CrashRecoveryTests.waitUntilReady(http, port: port)
                    // Messages keep coming, eight at a time, until the kill (the last round runs out).
                    let killAt = ContinuousClock.now + .milliseconds(Int.random(in: 150...700, using: &generator))
                    while ContinuousClock.now < killAt || round == Self.kills && next % 40 != 0 {
                        let chats = Array(next..<next + 8)
                        next += 8
                        let results = await withTaskGroup(of: (Int, Int?).self) { deliveries in
                            for chat in chats { deliveries.addTask { (chat, await deliverUpdate(http, port: port, chat: chat)) } }
                            return await deliveries.reduce(into: [(Int, Int?)]()) { $0.append($1) }
                        }
                        for (chat, status) in results where status == 200 { acknowledged.insert(chat) }
                        if round == Self.kills && ContinuousClock.now >= killAt { break }
                    }
                    if round < Self.kills {
                        kill(server.processIdentifier, SIGKILL)
                        server.waitUntilExit()
                    } else {
                        // The last start: wait for every reply, then stop it gracefully.
                        let deadline = ContinuousClock.now + .seconds(60)
                        while acknowledged.contains(where: { api.perChat[$0] == nil }) && ContinuousClock.now < deadline {
                            try await Task.sleep(for: .milliseconds(100))
                        }
                        server.terminate()
                        server.waitUntilExit()
                    }
                }
                group.cancelAll()
            }
            await http.shutdown()
            let counts = api.perChat
            let missing = acknowledged.filter { counts[$0] == nil }
            let twice = acknowledged.filter { (counts[$0] ?? 0) > 1 }
            #expect(!acknowledged.isEmpty)
            #expect(missing.isEmpty, "acknowledged, never answered: \(missing.sorted())")
            // At each kill, at most one sender batch (32) can have been sent but not recorded.
            #expect(twice.count <= 32 * Self.kills, "answered twice: \(twice.sorted())")
            print(
                "crash test: \(Self.kills) kills, \(acknowledged.count) acknowledged, \(missing.count) unanswered, \(twice.count) answered twice"
            )
        }
    }
}

typealias CrashLoadTests = ProcessTests.CrashLoadTests
