import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Messengers
import NIOCore
import WelcomeCore

/// Who may use the operators' endpoints: a client sending `Authorization: Bearer ADMIN_TOKEN`
/// (scripts, `curl`), or a browser that signed in with the token and holds the session cookie.
///
/// The cookie holds an expiry and an HMAC of it under the token, never the token itself, so a
/// changed `ADMIN_TOKEN` ends every session. It is `HttpOnly` and `SameSite=Strict`, and every
/// form also carries a token derived from the session (`csrf`), so another site can neither
/// read the session nor make a signed-in browser press a button.
struct AdminAuth: Sendable {
    static let cookieName = "welcomebot_admin"
    /// A session lasts a working day.
    static let sessionLength: TimeInterval = 12 * 3600

    let token: String

    private func mac(_ text: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: SymmetricKey(data: Data(token.utf8)))
        return code.hexadecimal
    }

    /// A new session cookie's value, valid until `now + sessionLength`.
    func newSession(now: Date = Date()) -> String {
        let expiry = Int(now.timeIntervalSince1970 + Self.sessionLength)
        return "\(expiry).\(mac("session|\(expiry)"))"
    }

    /// The `Set-Cookie` header that signs a browser in (or, with nil, out).
    func setCookie(_ session: String?, secure: Bool) -> String {
        let value = session ?? ""
        let age = session == nil ? 0 : Int(Self.sessionLength)
        return "\(Self.cookieName)=\(value); Path=/admin; Max-Age=\(age); HttpOnly; SameSite=Strict\(secure ? "; Secure" : "")"
    }

    /// The form token of a session.
    func csrf(for session: String) -> String { mac("csrf|\(session)") }

    func isValid(session: String, now: Date = Date()) -> Bool {
        let parts = session.split(separator: ".", maxSplits: 1)
        guard parts.count == 2, let expiry = Int(parts[0]), TimeInterval(expiry) > now.timeIntervalSince1970 else {
            return false
        }
        return ConstantTime.equal(String(parts[1]), mac("session|\(expiry)"))
    }

    func isBearer(_ request: Request) -> Bool {
        let header = request.headers[.authorization] ?? ""
        return header.hasPrefix("Bearer ") && ConstantTime.equal(String(header.dropFirst(7)), token)
    }

    /// The request's valid session, if it has one.
    func session(of request: Request, now: Date = Date()) -> String? {
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let trimmed = pair.trimmingCharacters(in: .whitespaces)
                guard trimmed.hasPrefix(Self.cookieName + "=") else { continue }
                let value = String(trimmed.dropFirst(Self.cookieName.count + 1))
                if isValid(session: value, now: now) { return value }
            }
        }
        return nil
    }

    /// A form post is allowed with the bearer token, or with a valid session and its form token.
    func mayPost(_ request: Request, form: [String: String]) -> Bool {
        if isBearer(request) { return true }
        guard let session = session(of: request), let sent = form["csrf"] else { return false }
        return ConstantTime.equal(sent, csrf(for: session))
    }

    /// Whether the browser reached us over HTTPS (directly or through the reverse proxy), so
    /// the cookie can be marked `Secure`.
    static func isHTTPS(_ request: Request) -> Bool {
        request.uri.scheme?.rawValue == "https" || request.headers[HTTPField.Name("X-Forwarded-Proto")!]?.lowercased() == "https"
    }
}

/// `application/x-www-form-urlencoded`, as browsers post forms.
enum FormBody {
    static func parse(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = decode(parts[0])
            fields[key] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return fields
    }

    private static func decode(_ part: Substring) -> String {
        let spaced = part.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    /// The form fields of a request, when it is a form post; empty otherwise.
    static func read(_ request: Request, limit: Int = 16 * 1024) async throws -> [String: String] {
        guard let type = request.headers[.contentType]?.lowercased(), type.hasPrefix("application/x-www-form-urlencoded") else {
            return [:]
        }
        do {
            return parse(String(buffer: try await request.body.collect(upTo: limit)))
        } catch is NIOTooManyBytesError {
            throw APIError(.contentTooLarge, "the form is larger than \(limit) bytes")
        }
    }
}
