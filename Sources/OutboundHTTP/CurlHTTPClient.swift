import CCurl
import Foundation
import Synchronization

/// The outbound HTTP client: libcurl's multi interface driven by one dedicated thread, so that
/// no blocking curl call ever runs on Swift's cooperative thread pool. Requests are handed to the
/// thread through a locked queue and `curl_multi_wakeup`; each completes its continuation exactly
/// once. The multi handle keeps a connection cache, so requests to one host reuse connections
/// (and HTTP/2 where the server offers it). Proxies come from the environment as curl reads them
/// (`https_proxy`, `no_proxy`, …); a CA bundle from `CURL_CA_BUNDLE` or `SSL_CERT_FILE`.
public final class CurlHTTPClient: HTTPTransport, Sendable {
    public struct Configuration: Sendable {
        public var connectTimeout: Duration = .seconds(5)
        /// Responses larger than this fail with `.tooLarge` instead of filling memory.
        public var maximumResponseBytes = 4 * 1024 * 1024
        public var userAgent = "WelcomeBot/1"
        /// Where to find trusted certificates; nil leaves curl's default.
        public var caBundle: String? =
            ProcessInfo.processInfo.environment["CURL_CA_BUNDLE"] ?? ProcessInfo.processInfo.environment["SSL_CERT_FILE"]

        public init() {}
    }

    private struct Queue {
        var pending: [Transfer] = []
        var cancelled: Set<UInt64> = []
        var stopping = false
        var nextID: UInt64 = 0
    }

    private let configuration: Configuration
    private let queue = Mutex(Queue())
    /// Only the worker thread uses the multi handle, except `curl_multi_wakeup`, which libcurl
    /// documents as safe to call from any thread.
    private let multi: MultiHandle
    private let stopped = Mutex<CheckedContinuation<Void, Never>?>(nil)
    private let finished = Mutex(false)

    public init(configuration: Configuration = Configuration()) {
        Self.initializeCurl
        self.configuration = configuration
        multi = MultiHandle(curl_multi_init())
        let thread = Thread { [self] in self.work() }
        thread.name = "welcomebot-curl"
        thread.start()
    }

    /// Called once per process, before any other curl function, as libcurl requires.
    private static let initializeCurl: Void = {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
    }()

    // MARK: Sending

    public func perform(_ request: OutgoingRequest) async throws -> IncomingResponse {
        let id = queue.withLock { queue -> UInt64 in
            queue.nextID += 1
            return queue.nextID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<IncomingResponse, any Error>) in
                let accepted = queue.withLock { queue -> Bool in
                    guard !queue.stopping else { return false }
                    queue.pending.append(Transfer(id: id, request: request, continuation: continuation))
                    return true
                }
                guard accepted else {
                    continuation.resume(throwing: HTTPClientError(.shuttingDown, "the HTTP client is shutting down"))
                    return
                }
                curl_multi_wakeup(multi.pointer)
            }
        } onCancel: {
            queue.withLock { _ = $0.cancelled.insert(id) }
            curl_multi_wakeup(multi.pointer)
        }
    }

    /// Fails what has not started, lets the transfers in progress finish, and stops the thread.
    public func shutdown() async {
        let alreadyStopped = finished.withLock { $0 }
        if alreadyStopped { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            stopped.withLock { $0 = continuation }
            queue.withLock { $0.stopping = true }
            curl_multi_wakeup(multi.pointer)
        }
    }

    // MARK: The worker thread

    private func work() {
        var active: [UnsafeMutableRawPointer: ActiveTransfer] = [:]
        while true {
            let (incoming, cancelled, stopping) = queue.withLock { queue in
                defer {
                    queue.pending.removeAll()
                    queue.cancelled.removeAll()
                }
                return (queue.pending, queue.cancelled, queue.stopping)
            }
            for transfer in incoming {
                if cancelled.contains(transfer.id) {
                    transfer.continuation.resume(throwing: CancellationError())
                    continue
                }
                if stopping {
                    transfer.continuation.resume(throwing: HTTPClientError(.shuttingDown, "the HTTP client is shutting down"))
                    continue
                }
                do {
                    let started = try ActiveTransfer(transfer, configuration: configuration)
                    active[started.easy] = started
                    curl_multi_add_handle(multi.pointer, started.easy)
                } catch {
                    transfer.continuation.resume(throwing: error)
                }
            }
            for (easy, transfer) in active where cancelled.contains(transfer.id) {
                curl_multi_remove_handle(multi.pointer, easy)
                transfer.finish(with: .failure(CancellationError()))
                active[easy] = nil
            }

            var running: Int32 = 0
            curl_multi_perform(multi.pointer, &running)
            var left: Int32 = 0
            while let message = curl_multi_info_read(multi.pointer, &left) {
                guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle,
                    let transfer = active.removeValue(forKey: easy)
                else { continue }
                let code = welcomebot_curl_message_result(message)
                curl_multi_remove_handle(multi.pointer, easy)
                transfer.finish(code: code)
            }
            if stopping && active.isEmpty {
                break
            }
            curl_multi_poll(multi.pointer, nil, 0, 1000, nil)
        }
        curl_multi_cleanup(multi.pointer)
        finished.withLock { $0 = true }
        let continuation = stopped.withLock { continuation -> CheckedContinuation<Void, Never>? in
            defer { continuation = nil }
            return continuation
        }
        continuation?.resume()
    }
}

/// A request waiting for the worker thread.
private struct Transfer {
    var id: UInt64
    var request: OutgoingRequest
    var continuation: CheckedContinuation<IncomingResponse, any Error>
}

/// The multi handle, shared with the worker thread.
private struct MultiHandle: @unchecked Sendable {
    // Safe: only the worker thread calls functions on it, except curl_multi_wakeup, which libcurl
    // documents as callable from any thread.
    let pointer: UnsafeMutableRawPointer

    init(_ pointer: UnsafeMutableRawPointer?) {
        guard let pointer else { fatalError("curl_multi_init failed: libcurl is unusable") }
        self.pointer = pointer
    }
}

/// A transfer in progress: its easy handle, header list and the bytes received so far. Lives on
/// the worker thread only; curl's callbacks get it through an unmanaged pointer that stays valid
/// until `finish`, which is called exactly once.
private final class ActiveTransfer {
    let id: UInt64
    let easy: UnsafeMutableRawPointer
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private var continuation: CheckedContinuation<IncomingResponse, any Error>?
    let limit: Int
    /// curl writes error details here during the transfer, so it must stay put: allocated, not an array.
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
    private var unmanaged: Unmanaged<ActiveTransfer>?
    private let url: String
    var body = Data()
    var headers: [String: String] = [:]
    var tooLarge = false

    init(_ transfer: Transfer, configuration: CurlHTTPClient.Configuration) throws {
        guard let easy = curl_easy_init() else {
            throw HTTPClientError(.other, "curl_easy_init failed")
        }
        self.id = transfer.id
        self.easy = easy
        self.continuation = transfer.continuation
        self.limit = configuration.maximumResponseBytes
        self.url = transfer.request.url
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let request = transfer.request
        let retained = Unmanaged.passRetained(self)
        unmanaged = retained
        let pointer = retained.toOpaque()

        welcomebot_curl_setopt_pointer(easy, CURLOPT_URL, request.url)
        welcomebot_curl_setopt_long(easy, CURLOPT_NOSIGNAL, 1)  // threads and signals do not mix
        welcomebot_curl_setopt_long(easy, CURLOPT_TIMEOUT_MS, Self.milliseconds(request.timeout))
        welcomebot_curl_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(configuration.connectTimeout))
        welcomebot_curl_setopt_long(easy, CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2TLS))
        welcomebot_curl_setopt_pointer(easy, CURLOPT_USERAGENT, configuration.userAgent)
        welcomebot_curl_setopt_pointer(easy, CURLOPT_ERRORBUFFER, errorBuffer)
        welcomebot_curl_setopt_offset(easy, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(configuration.maximumResponseBytes))
        welcomebot_curl_setopt_pointer(easy, CURLOPT_PROTOCOLS_STR, "http,https")
        if let caBundle = configuration.caBundle, !caBundle.isEmpty {
            welcomebot_curl_setopt_pointer(easy, CURLOPT_CAINFO, caBundle)
        }
        switch request.method.uppercased() {
        case "GET":
            welcomebot_curl_setopt_long(easy, CURLOPT_HTTPGET, 1)
        case "POST":
            welcomebot_curl_setopt_long(easy, CURLOPT_POST, 1)
        default:
            welcomebot_curl_setopt_pointer(easy, CURLOPT_CUSTOMREQUEST, request.method)
        }
        if request.method.uppercased() != "GET" {
            // COPYPOSTFIELDS copies the body into curl, so nothing here must outlive this call.
            welcomebot_curl_setopt_offset(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count))
            request.body.withUnsafeBytes { bytes in
                _ = welcomebot_curl_setopt_pointer(
                    easy, CURLOPT_COPYPOSTFIELDS, bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!)
            }
        }
        // "Expect: 100-continue" would add a round trip before every larger body.
        for header in request.headers.map({ "\($0.0): \($0.1)" }) + ["Expect:"] {
            headerList = curl_slist_append(headerList, header)
        }
        welcomebot_curl_setopt_pointer(easy, CURLOPT_HTTPHEADER, headerList)
        welcomebot_curl_setopt_callback(easy, CURLOPT_WRITEFUNCTION, receiveBody)
        welcomebot_curl_setopt_pointer(easy, CURLOPT_WRITEDATA, pointer)
        welcomebot_curl_setopt_callback(easy, CURLOPT_HEADERFUNCTION, receiveHeader)
        welcomebot_curl_setopt_pointer(easy, CURLOPT_HEADERDATA, pointer)
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        max(1, Int(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000))
    }

    /// Completes from curl's result code.
    func finish(code: CURLcode) {
        if code == CURLE_OK {
            var status = 0
            welcomebot_curl_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
            finish(with: .success(IncomingResponse(status: status, headers: headers, body: body)))
            return
        }
        finish(with: .failure(error(for: code)))
    }

    func finish(with result: Result<IncomingResponse, any Error>) {
        curl_easy_cleanup(easy)
        curl_slist_free_all(headerList)
        headerList = nil
        continuation?.resume(with: result)
        continuation = nil
        errorBuffer.deallocate()
        unmanaged?.release()
        unmanaged = nil
    }

    private func error(for code: CURLcode) -> HTTPClientError {
        let detail = String(cString: errorBuffer)
        let message = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        // The bytes of the request (line, headers, body) written to the connection: when any
        // were, the server may have acted on it even though no answer came.
        var sent = 0
        welcomebot_curl_getinfo_long(easy, CURLINFO_REQUEST_SIZE, &sent)
        let kind: HTTPClientError.Kind
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: kind = .couldNotResolveHost
        case CURLE_COULDNT_CONNECT: kind = .couldNotConnect
        case CURLE_OPERATION_TIMEDOUT: kind = .timedOut
        case CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE: kind = .connectionLost
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CACERT_BADFILE:
            kind = .tls
        case CURLE_FILESIZE_EXCEEDED: kind = .tooLarge
        case CURLE_WRITE_ERROR where tooLarge: kind = .tooLarge
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL: kind = .invalidURL
        default: kind = .other
        }
        // The message names the host at most; the URL may carry a token (Telegram's does).
        let host = URL(string: url)?.host ?? "the server"
        return HTTPClientError(kind, "\(message) (\(host))", requestMayHaveArrived: sent > 0 && kind != .couldNotConnect)
    }
}

/// curl's body callback: appends, or stops the transfer when the response grows too large.
private func receiveBody(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ userdata: UnsafeMutableRawPointer?)
    -> Int
{
    guard let data, let userdata else { return 0 }
    let transfer = Unmanaged<ActiveTransfer>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    if transfer.body.count + length > transfer.limit {
        transfer.tooLarge = true
        return 0  // anything but `length` makes curl stop with CURLE_WRITE_ERROR
    }
    transfer.body.append(UnsafeRawPointer(data).assumingMemoryBound(to: UInt8.self), count: length)
    return length
}

/// curl's header callback: one header line per call, status lines included.
private func receiveHeader(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ userdata: UnsafeMutableRawPointer?)
    -> Int
{
    guard let data, let userdata else { return 0 }
    let transfer = Unmanaged<ActiveTransfer>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    let line = String(decoding: UnsafeRawBufferPointer(start: data, count: length), as: UTF8.self)
    if line.hasPrefix("HTTP/") {
        transfer.headers.removeAll()  // a new response (after a redirect or 100 Continue)
    } else if let colon = line.firstIndex(of: ":") {
        let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
        transfer.headers[name] = value
    }
    return length
}

/// Why a request failed, in classes the outbox can act on; the message never holds a body or a
/// token.
public struct HTTPClientError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case couldNotResolveHost
        case couldNotConnect
        case timedOut
        case connectionLost
        case tls
        case tooLarge
        case invalidURL
        case shuttingDown
        case other
    }

    public var kind: Kind
    public var message: String
    /// False when the request certainly did not reach the server (no connection was made); true
    /// when some of it was sent, so a retry may duplicate it.
    public var requestMayHaveArrived: Bool

    public init(_ kind: Kind, _ message: String, requestMayHaveArrived: Bool = false) {
        self.kind = kind
        self.message = message
        self.requestMayHaveArrived = requestMayHaveArrived
    }

    public var description: String { "\(kind.rawValue): \(message)" }
}
