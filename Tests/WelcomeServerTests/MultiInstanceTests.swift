import Foundation
import Hummingbird
import OutboundHTTP
import Synchronization
import Testing

@testable import Persistence
@testable import WelcomeServer

/// A Bot API on loopback that answers every send after a short delay (as a real one does) and
/// counts the sends per chat.
final class CountingBotAPI: Sendable {
    private let counts = Mutex<[Int: Int]>([:])
    let delay: Duration

    init(delay: Duration) {
        self.delay = delay
    }

    var perChat: [Int: Int] { counts.withLock { $0 } }

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.post("/bot\(FakeTelegramAPI.token)/:method") { request, _ -> Response in
            let data = try await request.body.collect(upTo: 1 << 20)
            let json = (try? JSONSerialization.jsonObject(with: Data(data.readableBytesView))) as? [String: Any] ?? [:]
            try await Task.sleep(for: self.delay)
            if let chat = json["chat_id"] as? Int { self.counts.withLock { $0[chat, default: 0] += 1 } }
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: #"{"ok":true,"result":{"message_id":1}}"#)))
        }
        return router
    }
}

let multiInstanceSecret = "multi-instance-secret"

private func update(chat: Int) -> String {
    #"{"update_id":\#(chat),"message":{"message_id":\#(chat),"from":{"id":\#(chat),"is_bot":false,"first_name":"A","language_code":"de"},"chat":{"id":\#(chat),"type":"private"},"date":1700000000,"text":"Adresse"}}"#
}

/// Posts one update; the status, or nil when the instance did not answer (killed).
func deliverUpdate(_ http: CurlHTTPClient, port: Int, chat: Int) async -> Int? {
    let request = OutgoingRequest(
        url: "http://127.0.0.1:\(port)/webhooks/telegram", method: "POST",
        headers: [("Content-Type", "application/json"), ("X-Telegram-Bot-Api-Secret-Token", multiInstanceSecret)],
        body: Data(update(chat: chat).utf8), timeout: .seconds(5))
    return (try? await http.perform(request))?.status
}

/// `welcomebot serve` as a child process with Telegram on, against the Bot API at `apiPort`; on
/// PostgreSQL with `databaseURL`, else on SQLite in `data`.
func startInstance(port: Int, apiPort: Int, databaseURL: String?, data: String) throws -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: CrashRecoveryTests.executable)
    process.arguments = [
        "serve", "--port", String(port), "--data", data, "--intents", TestServer.intentsPath, "--config", "/nonexistent.yaml",
    ]
    var environment = [
        "PSEUDONYM_KEY": String(repeating: "ab", count: 32),
        "TELEGRAM_BOT_TOKEN": FakeTelegramAPI.token, "TELEGRAM_SECRET_TOKEN": multiInstanceSecret,
        "TELEGRAM_API_BASE_URL": "http://127.0.0.1:\(apiPort)", "OUTBOX_LEASE_SECONDS": "3",
        "OUTBOX_MESSAGES_PER_SECOND": "500", "LOG_LEVEL": "error", "PATH": "/usr/bin:/bin",
    ]
    if let databaseURL { environment["DATABASE_URL"] = databaseURL }
    process.environment = environment
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    return process
}

extension ProcessTests {
    @Suite("Several instances on one PostgreSQL", .serialized)
    struct MultiInstanceTests {
        @Test(
            "two instances split a load; a redelivery to the other is not answered again; one killed mid-load loses no acknowledged message"
        )
        func twoInstances() async throws {
            guard let base = StoreBackendURL.postgres else { try Test.cancel(StoreBackendURL.missing) }
            #expect(FileManager.default.isExecutableFile(atPath: CrashRecoveryTests.executable), "build with --build-tests first")
            let name = "wb_multi_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
            let admin = try await PostgresMessageStore.administer(url: base)
            try await admin.execute("CREATE DATABASE \(name)")
            let databaseURL = try PostgresMessageStore.url(base, database: String(name))
            let data = NSTemporaryDirectory() + "welcomebot-multi-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
            let (portA, portB, apiPort) = (
                try CrashRecoveryTests.freePort(), try CrashRecoveryTests.freePort(), try CrashRecoveryTests.freePort()
            )
            let api = CountingBotAPI(delay: .milliseconds(20))
            let http = CurlHTTPClient()
            let apiApp = Application(router: api.router(), configuration: .init(address: .hostname("127.0.0.1", port: apiPort)))
            let a = try startInstance(port: portA, apiPort: apiPort, databaseURL: databaseURL, data: data)
            let b = try startInstance(port: portB, apiPort: apiPort, databaseURL: databaseURL, data: data)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await apiApp.run() }
                try await CrashRecoveryTests.waitUntilReady(http, port: portA)
                try await CrashRecoveryTests.waitUntilReady(http, port: portB)

                // 1. Every message goes to one instance and, at the same moment, to the other: both
                //    acknowledge, and exactly one reply goes out.
                let first = Array(1...100)
                try await withThrowingTaskGroup(of: (Int?, Int?).self) { deliveries in
                    for chat in first {
                        deliveries.addTask {
                            async let viaA = deliverUpdate(http, port: portA, chat: chat)
                            async let viaB = deliverUpdate(http, port: portB, chat: chat)
                            return await (viaA, viaB)
                        }
                    }
                    for try await (statusA, statusB) in deliveries {
                        #expect(statusA == 200 && statusB == 200)
                    }
                }
                let deadline = ContinuousClock.now + .seconds(60)
                while first.contains(where: { api.perChat[$0] == nil }) && ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(50))
                }
                try await Task.sleep(for: .milliseconds(500))
                #expect(first.allSatisfy { api.perChat[$0] == 1 }, "replies per chat: \(first.map { api.perChat[$0] ?? 0 })")

                // 2. A load split between the two; A is killed half-way. What A never acknowledged
                //    is delivered again to B, as a messenger does; everything is then redelivered to B.
                let second = Array(1001...1300)
                var acknowledged = Set<Int>()
                try await withThrowingTaskGroup(of: (Int, Bool).self) { deliveries in
                    for (index, chat) in second.enumerated() {
                        if index == second.count / 2 {
                            kill(a.processIdentifier, SIGKILL)
                        }
                        if index >= 16, let (done, ok) = try await deliveries.next(), ok { acknowledged.insert(done) }
                        deliveries.addTask {
                            let port = chat.isMultiple(of: 2) ? portA : portB
                            var status = await deliverUpdate(http, port: port, chat: chat)
                            if status != 200 { status = await deliverUpdate(http, port: portB, chat: chat) }
                            return (chat, status == 200)
                        }
                    }
                    for try await (done, ok) in deliveries where ok { acknowledged.insert(done) }
                }
                a.waitUntilExit()
                for chat in second {
                    #expect(await deliverUpdate(http, port: portB, chat: chat) == 200)
                }
                let ackd = acknowledged
                #expect(ackd.count == second.count)
                // A's leased replies come back to B when the lease (3 s) runs out.
                let end = ContinuousClock.now + .seconds(60)
                while ackd.contains(where: { api.perChat[$0] == nil }) && ContinuousClock.now < end {
                    try await Task.sleep(for: .milliseconds(100))
                }
                try await Task.sleep(for: .seconds(1))
                let counts = api.perChat
                let missing = ackd.filter { counts[$0] == nil }
                let twice = ackd.filter { (counts[$0] ?? 0) > 1 }
                #expect(missing.isEmpty, "acknowledged but never answered: \(missing.sorted())")
                // Only a send A had made when it died, without living to record it, can go out twice:
                // at most one sender batch (32).
                #expect(twice.count <= 32, "answered twice: \(twice.sorted())")
                print("multi-instance: \(ackd.count) acknowledged, \(missing.count) unanswered, \(twice.count) answered twice")
                group.cancelAll()
            }
            b.terminate()
            b.waitUntilExit()
            if a.isRunning { kill(a.processIdentifier, SIGKILL) }
            await http.shutdown()
            try? FileManager.default.removeItem(atPath: data)
            try? await admin.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
            admin.shutdown()
        }
    }
}

typealias MultiInstanceTests = ProcessTests.MultiInstanceTests

/// The PostgreSQL server of the tests (see `scripts/postgres-cluster`).
enum StoreBackendURL {
    static var postgres: String? {
        ProcessInfo.processInfo.environment["WELCOMEBOT_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    static let missing: Comment =
        "PostgreSQL is not running for the tests: set WELCOMEBOT_TEST_POSTGRES_URL (scripts/postgres-cluster start prints one); .ci/run always does"
}
