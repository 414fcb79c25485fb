import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

@testable import OutboundHTTP

/// The `/slow?id=…` requests the fake API has answered. A test that expects the client to give
/// up early checks that its request is not among them: proof without a wall-clock bound, which
/// a suite sharing two cores would break.
private let slowRequestsAnswered = Mutex<Set<String>>([])

/// A fake API on loopback: echoes, answers slowly, refuses with 429, sends too much.
private func fakeAPI() -> some ApplicationProtocol {
    let router = Router()
    router.get("/hello") { _, _ in
        Response(status: .ok, headers: [HTTPField.Name("X-Test")!: "yes"], body: .init(byteBuffer: ByteBuffer(string: "hello")))
    }
    router.post("/echo") { request, _ -> Response in
        let body = try await request.body.collect(upTo: 1 << 20)
        let type = request.headers[.contentType] ?? "none"
        return Response(status: .created, headers: [.contentType: type], body: .init(byteBuffer: body))
    }
    router.get("/slow") { request, _ -> String in
        try await Task.sleep(for: .seconds(10))
        let id = request.uri.queryParameters["id"].map(String.init) ?? ""
        slowRequestsAnswered.withLock { _ = $0.insert(id) }
        return "late"
    }
    router.get("/limited") { _, _ in
        Response(status: .tooManyRequests, headers: [.retryAfter: "3"], body: .init(byteBuffer: ByteBuffer(string: "{}")))
    }
    router.get("/big") { _, _ in
        Response(status: .ok, body: .init(byteBuffer: ByteBuffer(repeating: UInt8(ascii: "x"), count: 6 * 1024 * 1024)))
    }
    return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
}

private func withClient(
    _ configure: (inout CurlHTTPClient.Configuration) -> Void = { _ in },
    _ body: @Sendable (CurlHTTPClient, String) async throws -> Void
) async throws {
    var configuration = CurlHTTPClient.Configuration()
    configure(&configuration)
    let client = CurlHTTPClient(configuration: configuration)
    try await fakeAPI().test(.live) { server in
        try await body(client, "http://127.0.0.1:\(server.port!)")
    }
    await client.shutdown()
}

@Suite("The libcurl HTTP client")
struct CurlHTTPClientTests {
    @Test("GET: status, headers and body as the server sent them")
    func get() async throws {
        try await withClient { client, base in
            let response = try await client.perform(OutgoingRequest(url: base + "/hello", method: "GET"))
            #expect(response.status == 200)
            #expect(response.headers["x-test"] == "yes")
            #expect(String(decoding: response.body, as: UTF8.self) == "hello")
        }
    }

    @Test("POST: the body and content type arrive exactly")
    func post() async throws {
        try await withClient { client, base in
            let body = Data(#"{"chat_id":42,"text":"Привет, مرحبا 👋"}"#.utf8)
            let response = try await client.perform(
                OutgoingRequest(url: base + "/echo", headers: [("Content-Type", "application/json")], body: body))
            #expect(response.status == 201)
            #expect(response.headers["content-type"] == "application/json")
            #expect(response.body == body)
        }
    }

    @Test("429 with Retry-After is a response, with the delay read")
    func tooManyRequests() async throws {
        try await withClient { client, base in
            let response = try await client.perform(OutgoingRequest(url: base + "/limited", method: "GET"))
            #expect(response.status == 429)
            #expect(response.retryAfter == .seconds(3))
        }
    }

    @Test("the total timeout fires long before a slow answer")
    func timeout() async throws {
        try await withClient { client, base in
            let id = UUID().uuidString
            do {
                _ = try await client.perform(
                    OutgoingRequest(url: base + "/slow?id=\(id)", method: "GET", timeout: .milliseconds(300)))
                Issue.record("no timeout")
            } catch let error as HTTPClientError {
                #expect(error.kind == .timedOut)
                #expect(error.requestMayHaveArrived)
            }
            // The server answers after 10 s: it has not yet.
            #expect(!slowRequestsAnswered.withLock { $0.contains(id) })
        }
    }

    @Test("a response over the size limit fails instead of filling memory")
    func tooLarge() async throws {
        try await withClient { client, base in
            do {
                _ = try await client.perform(OutgoingRequest(url: base + "/big", method: "GET"))
                Issue.record("no error")
            } catch let error as HTTPClientError {
                #expect(error.kind == .tooLarge)
            }
        }
    }

    @Test("a closed port is couldNotConnect, and the request certainly did not arrive")
    func closedPort() async throws {
        let client = CurlHTTPClient()
        // Port 9 (discard) is closed on loopback here; nothing listens on it.
        do {
            _ = try await client.perform(OutgoingRequest(url: "http://127.0.0.1:9/x", body: Data("secret-body".utf8)))
            Issue.record("no error")
        } catch let error as HTTPClientError {
            #expect(error.kind == .couldNotConnect)
            #expect(!error.requestMayHaveArrived)
            #expect(!error.description.contains("secret-body"))
        }
        await client.shutdown()
    }

    @Test("the error never shows the URL's path, where tokens live")
    func noTokenInErrors() async throws {
        let client = CurlHTTPClient()
        do {
            _ = try await client.perform(OutgoingRequest(url: "http://127.0.0.1:9/bot123456:SECRETTOKEN/sendMessage"))
        } catch {
            #expect(!"\(error)".contains("SECRETTOKEN"))
        }
        await client.shutdown()
    }

    @Test("an invalid URL is an error, not a crash")
    func invalidURL() async throws {
        let client = CurlHTTPClient()
        await #expect(throws: HTTPClientError.self) { try await client.perform(OutgoingRequest(url: "ftp://example.invalid/x")) }
        await #expect(throws: HTTPClientError.self) { try await client.perform(OutgoingRequest(url: "not a url")) }
        await client.shutdown()
    }

    @Test("fifty concurrent requests all complete, each with its own body")
    func concurrent() async throws {
        try await withClient { client, base in
            try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<50 {
                    group.addTask {
                        let body = Data("request \(index)".utf8)
                        let response = try await client.perform(OutgoingRequest(url: base + "/echo", body: body))
                        return response.body == body
                    }
                }
                var good = 0
                for try await ok in group where ok { good += 1 }
                #expect(good == 50)
            }
        }
    }

    @Test("a cancelled request ends at once with CancellationError")
    func cancellation() async throws {
        try await withClient { client, base in
            let id = UUID().uuidString
            let task = Task { try await client.perform(OutgoingRequest(url: base + "/slow?id=\(id)", method: "GET")) }
            try await Task.sleep(for: .milliseconds(200))
            task.cancel()
            await #expect(throws: CancellationError.self) { try await task.value }
            // The server answers after 10 s: the request ended without waiting for that.
            #expect(!slowRequestsAnswered.withLock { $0.contains(id) })
        }
    }

    @Test("after shutdown new requests fail instead of hanging")
    func shutdown() async throws {
        let client = CurlHTTPClient()
        await client.shutdown()
        do {
            _ = try await client.perform(OutgoingRequest(url: "http://127.0.0.1:9/x"))
            Issue.record("no error")
        } catch let error as HTTPClientError {
            #expect(error.kind == .shuttingDown)
        }
        await client.shutdown()  // twice is harmless
    }
}
