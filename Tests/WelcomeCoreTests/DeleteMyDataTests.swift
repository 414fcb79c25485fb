import Foundation
import Testing

@testable import WelcomeCore

@Suite("Delete my data: offered, confirmed, in every language")
struct DeleteMyDataTests {
    let assistant = Assistant(catalog: shippedCatalog)

    @Test(
        "the privacy answer offers deletion; pressing it asks first; confirming forgets and says what was deleted",
        arguments: ["de", "en", "ar", "uk", "ru", "fa", "tr"])
    func flow(language: String) throws {
        let pack = try #require(shippedCatalog.languages[language])
        var state = ConversationState(language: language, languageChosen: true)
        let privacy = try assistant.respond(to: .button("privacy"), state: &state)
        let offer = try #require(privacy.reply.buttons.first)
        #expect(offer.payload == "delete")
        #expect(offer.label == pack.texts.deleteOffer)
        #expect(offer.label.count <= 20)
        #expect(!privacy.forgetsPerson)

        let question = try assistant.respond(to: .button(offer.payload), state: &state)
        #expect(question.reply.text == pack.texts.deleteConfirm)
        #expect(question.reply.buttons.first?.payload == "delete.confirm")
        #expect((question.reply.buttons.first?.label.count ?? 99) <= 20)
        #expect(!question.forgetsPerson)
        // Nothing is deleted until the person confirms.
        #expect(state.language == language)

        let done = try assistant.respond(to: .button("delete.confirm"), state: &state)
        #expect(done.forgetsPerson)
        #expect(done.reply.text == pack.texts.deleted)
        #expect(done.language == language)
        #expect(state == ConversationState())
    }

    @Test(
        "/delete asks the same question; on SMS the person confirms with the digit 1",
        arguments: ["/delete", "/Delete", "/löschen"])
    func command(text: String) throws {
        var state = ConversationState(language: "ar", languageChosen: true)
        let question = try assistant.respond(to: .text(text), state: &state)
        #expect(question.reply.text == shippedCatalog.languages["ar"]?.texts.deleteConfirm)
        let done = try assistant.respond(to: .text("١"), state: &state)
        #expect(done.forgetsPerson)
    }

    @Test("typed words about deleting data get the privacy answer with the offer")
    func typed() throws {
        var state = ConversationState(language: "en", languageChosen: true)
        let answer = try assistant.respond(to: .text("please delete my data"), state: &state)
        #expect(answer.intent == "privacy")
        #expect(answer.reply.buttons.first?.payload == "delete")
    }

    @Test("a language without the deletion texts that German has gets a warning naming the file, and English texts")
    func missingTexts() throws {
        var files: [String: String] = [:]
        for code in ["de", "tr"] {
            files["\(code).yaml"] = try String(contentsOfFile: shippedIntents + "/\(code).yaml", encoding: .utf8)
        }
        files["tr.yaml"] = files["tr.yaml"]!.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !($0.hasPrefix("  delete-") || $0.hasPrefix("  deleted:")) }.joined(separator: "\n")
        let intents = try TemporaryIntents(
            files: files, facts: try String(contentsOfFile: shippedIntents + "/facts.yaml", encoding: .utf8))
        defer { intents.remove() }
        let result = intents.load()
        let catalog = try #require(result.catalog, "\(result.diagnostics)")
        let warning = try #require(result.diagnostics.first { $0.message.contains("'delete-offer'") })
        #expect(warning.file.hasSuffix("tr.yaml"))
        #expect(warning.message.contains("people get English there"))
        #expect(catalog.languages["tr"]?.texts.deleteYes == "Yes, delete")
        #expect(catalog.languages["de"]?.texts.deleteYes == "Ja, löschen")
    }

    @Test("the web chat's privacy line: missing means English and a warning; the one for kept questions needs {days}")
    func privacyNotice() throws {
        var files: [String: String] = [:]
        for code in ["de", "tr"] {
            files["\(code).yaml"] = try String(contentsOfFile: shippedIntents + "/\(code).yaml", encoding: .utf8)
        }
        let facts = try String(contentsOfFile: shippedIntents + "/facts.yaml", encoding: .utf8)
        let turkish = files["tr.yaml"]!
        files["tr.yaml"] = turkish.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("  privacy-notice") }.joined(separator: "\n")
        var intents = try TemporaryIntents(files: files, facts: facts)
        var result = intents.load()
        intents.remove()
        let catalog = try #require(result.catalog, "\(result.diagnostics)")
        let warning = try #require(result.diagnostics.first { $0.message.contains("'privacy-notice'") })
        #expect(warning.file.hasSuffix("tr.yaml") && warning.message.contains("'privacy-notice-kept'"))
        #expect(catalog.languages["tr"]?.texts.privacyNotice == "No names, no message texts are stored.")
        #expect(catalog.languages["de"]?.texts.privacyNotice == "Keine Namen, keine Nachrichten werden gespeichert.")

        files["tr.yaml"] = turkish.replacingOccurrences(of: "{days} gün boyunca", with: "bir ay")
        intents = try TemporaryIntents(files: files, facts: facts)
        result = intents.load()
        intents.remove()
        let error = try #require(result.errors.first, "a notice without {days} was accepted")
        #expect(
            error.message == "'texts.privacy-notice-kept' must contain {days}, where the number of days questions are kept goes")
        #expect(error.file.hasSuffix("tr.yaml"))
        #expect(
            turkish.split(separator: "\n", omittingEmptySubsequences: false)[error.line - 1].hasPrefix("  privacy-notice-kept:"))
    }
}
