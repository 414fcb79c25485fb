import Foundation
import Hummingbird
import NIOCore

/// Reading and writing JSON bodies with the checks every endpoint needs: the content type
/// (415), the size (413, before reading it whole) and the syntax (400).
enum JSONBody {
    static func decode<Value: Decodable>(
        _ type: Value.Type, from request: Request, limit: Int
    ) async throws -> Value {
        let buffer = try await read(request, limit: limit)
        do {
            return try JSONDecoder().decode(Value.self, from: Data(buffer.readableBytesView))
        } catch {
            throw APIError(.badRequest, "the body is not the expected JSON")
        }
    }

    /// The raw body of a JSON request, after the content type and size checks.
    static func read(_ request: Request, limit: Int) async throws -> ByteBuffer {
        guard let contentType = request.headers[.contentType], contentType.lowercased().hasPrefix("application/json") else {
            throw APIError(.unsupportedMediaType, "send the body as application/json")
        }
        do {
            return try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw APIError(.contentTooLarge, "the body is larger than \(limit) bytes")
        }
    }

    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// An error answered to the client as `{"error": "..."}`; the message never holds internals.
struct APIError: HTTPResponseError {
    let status: HTTPResponse.Status
    let message: String

    init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }

    /// The status as a word for logs (`bad_request`, `content_too_large`): never the message,
    /// which may quote what was sent.
    var kind: String {
        status.reasonPhrase.lowercased().replacing(" ", with: "_")
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        try JSONBody.response(["error": message], status: status)
    }
}
