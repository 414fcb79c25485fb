import Foundation

/// JSON as both Meta channels read and write it.
enum MetaJSON {
    /// Sorted keys make bodies stable in the outbox and in tests; slashes in links stay readable.
    static func encode(_ value: some Encodable) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding these plain value types cannot fail.
        return (try? encoder.encode(value)) ?? Data("{}".utf8)
    }

    /// Decodes a webhook body, turning any failure into the error the server answers 400 with.
    static func decode<T: Decodable>(_ type: T.Type, from body: Data, what: String) throws(WebhookDecodingError) -> T {
        do {
            return try JSONDecoder().decode(type, from: body)
        } catch {
            throw WebhookDecodingError("the body is not \(what): \(describe(error))")
        }
    }

    /// Where the body went wrong, without quoting it: it may hold people's messages.
    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            "'\(path(context.codingPath + [key]))' is missing"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "'\(path(context.codingPath))' has the wrong type"
        default: "malformed JSON"
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }

    /// Any JSON key, to name the kind of an event by the field it carries.
    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
