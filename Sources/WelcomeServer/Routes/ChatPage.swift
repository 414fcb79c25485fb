import Foundation
import Hummingbird
import Synchronization
import WelcomeCore

/// `GET /`: the web chat, one self-contained page (no external resources: nothing is loaded
/// from elsewhere, so nobody else learns who uses it). The language menu names each language in
/// its own script and direction, and each language carries its privacy line, which the page
/// shows once the language is chosen. The page follows the live catalog: a language or a text
/// that staff add is on the page after the reload, like the answers.
final class ChatPage: Sendable {
    let services: BotServices
    private let template: String
    /// The page of the catalog generation it was made from.
    private let cache = Mutex<(generation: Int, body: ByteBuffer)?>(nil)

    /// The line shown before a language is chosen (the page opens in German and English).
    static let notice = "No names, no message texts are stored. · Keine Namen, keine Nachrichten werden gespeichert."

    init(services: BotServices) throws {
        guard let url = Bundle.module.url(forResource: "chat", withExtension: "html"),
            let template = try? String(contentsOf: url, encoding: .utf8)
        else {
            throw ChatPageError()
        }
        self.services = services
        self.template = template
    }

    /// How long unanswered questions are kept, in days; nil when they are not kept.
    var questionDays: Int? { services.keepsUnansweredQuestions ? services.unansweredQuestionDays : nil }

    /// The privacy line of one language.
    func notice(_ texts: LanguagePack.Texts) -> String {
        guard let days = questionDays else { return texts.privacyNotice }
        return texts.privacyNoticeKept.replacingOccurrences(of: "{days}", with: "\(days)")
    }

    /// The page for one catalog.
    func render(_ catalog: IntentCatalog) -> String {
        let items = catalog.languageOrder.compactMap { catalog.languages[$0] }.map { pack in
            let code = Self.escape(pack.code)
            return
                #"<li><button type="button" data-lang="\#(code)" lang="\#(code)" dir="\#(pack.direction.rawValue)" data-notice="\#(Self.escape(notice(pack.texts)))" aria-pressed="false">\#(Self.escape(pack.name))</button></li>"#
        }
        let opening = [catalog.languages["en"], catalog.languages["de"]].compactMap { $0.map { notice($0.texts) } }
        return template.replacingOccurrences(of: "<!--LANGUAGES-->", with: items.joined(separator: "\n      "))
            .replacingOccurrences(
                of: Self.notice, with: Self.escape(opening.count == 2 ? opening.joined(separator: " · ") : Self.notice))
    }

    /// The page of the catalog now served, made again only after a reload.
    func page() -> ByteBuffer {
        let (assistant, generation) = services.catalog.current
        if let cached = cache.withLock({ $0 }), cached.generation == generation { return cached.body }
        let body = ByteBuffer(string: render(assistant.catalog))
        cache.withLock { $0 = (generation, body) }
        return body
    }

    func register(on router: Router<some RequestContext>) {
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
                body: .init(byteBuffer: self.page()))
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
