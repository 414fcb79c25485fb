import Foundation
import Hummingbird
import WelcomeCore

/// `GET /`: the web chat, one self-contained page (no external resources: nothing is loaded
/// from elsewhere, so nobody else learns who uses it). The language menu names each language in
/// its own script and direction.
struct ChatPage {
    let html: String

    /// The page's privacy line when unanswered questions are not kept, and when they are.
    static let notice = "No names, no message texts are stored. · Keine Namen, keine Nachrichten werden gespeichert."
    static func questionsNotice(days: Int) -> String {
        "No names are stored; questions the bot cannot answer are kept \(days) days without names or numbers. · Keine Namen werden gespeichert; unbeantwortete Fragen werden \(days) Tage ohne Namen und Nummern aufbewahrt."
    }

    /// - Parameter questionDays: how long unanswered questions are kept; nil when they are not.
    init(catalog: IntentCatalog, questionDays: Int? = nil) throws {
        guard let url = Bundle.module.url(forResource: "chat", withExtension: "html"),
            let template = try? String(contentsOf: url, encoding: .utf8)
        else {
            throw ChatPageError()
        }
        let items = catalog.languageOrder.compactMap { catalog.languages[$0] }.map { pack in
            let code = Self.escape(pack.code)
            return
                #"<li><button type="button" data-lang="\#(code)" lang="\#(code)" dir="\#(pack.direction.rawValue)" aria-pressed="false">\#(Self.escape(pack.name))</button></li>"#
        }
        html = template.replacingOccurrences(of: "<!--LANGUAGES-->", with: items.joined(separator: "\n      "))
            .replacingOccurrences(of: Self.notice, with: questionDays.map(Self.questionsNotice(days:)) ?? Self.notice)
    }

    func register(on router: Router<some RequestContext>) {
        let body = ByteBuffer(string: html)
        router.get("/") { _, _ in
            Response(
                status: .ok,
                headers: [
                    .contentType: "text/html; charset=utf-8",
                    // The page runs only its own inline code and talks only to this server.
                    .contentSecurityPolicy:
                        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
                    .cacheControl: "no-store",
                ],
                body: .init(byteBuffer: body))
        }
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}

struct ChatPageError: Error, CustomStringConvertible {
    var description: String { "the web chat page is missing from the build (Resources/chat.html)" }
}
