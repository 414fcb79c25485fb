import ArgumentParser
import Foundation
import Testing
import WelcomeCore

@testable import WelcomeCommands

/// Every command run in-process on the shipped content and on broken files, checking the exit
/// code and the output format that staff and tools rely on.
@Suite("The welcomebot command line")
struct CommandTests {
    let intents = ["--intents", shippedIntents]

    // MARK: intents check

    @Test("intents check passes on the shipped content")
    func checkShipped() {
        let run = welcomebot(["intents", "check"] + intents)
        #expect(run.exitCode == 0, "\(run.output)")
        #expect(run.lines.last?.hasPrefix("OK: 7 languages, 175 intents") == true, "\(run.output)")
        // Warnings are in the FILE:LINE:COLUMN form too.
        for line in run.lines.dropLast() {
            #expect(line.range(of: #"^.+\.yaml:\d+:\d+: warning: .+"#, options: .regularExpression) != nil, "\(line)")
        }
    }

    @Test("intents check reports errors as FILE:LINE:COLUMN and exits 1")
    func checkBroken() throws {
        let folder = try makeFolder(english: "language: en\nname: English\nintents:\n  greeting:\n    titel: Hi\n")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let run = welcomebot(["intents", "check", "--intents", folder])
        #expect(run.exitCode == 1)
        #expect(
            run.output.contains(
                "\(folder)/en.yaml:5:5: error: unknown field 'titel' in intent 'greeting' — did you mean 'title'?"))
        #expect(run.lines.last?.contains("error") == true)
        #expect(run.lines.last?.contains("Fix the errors") == true)
    }

    @Test("intents check speaks German under a German locale; error and warning stay for editors")
    func checkBrokenInGerman() throws {
        let folder = try makeFolder(english: "language: en\nname: English\nintents:\n  greeting:\n    titel: Hi\n")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let run = welcomebot(["intents", "check", "--intents", folder], language: .german)
        #expect(run.exitCode == 1)
        #expect(
            run.output.contains(
                "\(folder)/en.yaml:5:5: error: Intent 'greeting': unbekanntes Feld 'titel' — meinten Sie 'title'?"),
            "\(run.output)")
        #expect(run.output.contains("Intent 'greeting': 'keywords' fehlt — ergänzen Sie 'keywords:'"), "\(run.output)")
        #expect(run.lines.last?.hasSuffix("Beheben Sie die Fehler und starten Sie die Prüfung noch einmal.") == true)
        #expect(!run.output.contains("unknown field"))
        let shipped = welcomebot(["intents", "check"] + intents, language: .german)
        #expect(shipped.lines.last?.hasPrefix("OK: 7 Sprachen, ") == true, "\(shipped.output)")
    }

    @Test("the staff language follows LC_ALL, LC_MESSAGES, then LANG; German only for German")
    func staffLanguageFromLocale() {
        #expect(StaffLanguage.fromEnvironment([:]) == .english)
        #expect(StaffLanguage.fromEnvironment(["LANG": "de_DE.UTF-8"]) == .german)
        #expect(StaffLanguage.fromEnvironment(["LANG": "de_DE.UTF-8", "LC_ALL": "C"]) == .english)
        #expect(StaffLanguage.fromEnvironment(["LANG": "en_US.UTF-8", "LC_MESSAGES": "de_AT"]) == .german)
        #expect(StaffLanguage.fromEnvironment(["LC_ALL": "", "LANG": "de"]) == .german)
        #expect(StaffLanguage(code: "de-CH") == .german)
        #expect(StaffLanguage(code: "dea") == .english)
        #expect(StaffLanguage(code: "ar") == .english)
    }

    @Test("intents check --errors-only hides warnings")
    func checkErrorsOnly() {
        let run = welcomebot(["intents", "check", "--errors-only"] + intents)
        #expect(run.exitCode == 0)
        #expect(run.lines.count == 1, "\(run.output)")
    }

    // MARK: intents test

    @Test("intents test passes on the shipped content")
    func testShipped() {
        let run = welcomebot(["intents", "test"] + intents)
        #expect(run.exitCode == 0, "\(run.output)")
        let summary = run.lines.last
        #expect(
            summary?.range(of: #"^(\d+) of \1 examples passed, 0 failed\.$"#, options: .regularExpression) != nil, "\(run.output)"
        )
    }

    @Test("intents test prints each failure with its place and the explanation, and exits 1")
    func testFailure() throws {
        let folder = try makeFolder(english: CommandFixtures.englishWithBadExample)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let run = welcomebot(["intents", "test", "--intents", folder])
        #expect(run.exitCode == 1)
        #expect(
            run.output.contains(
                "\(folder)/en.yaml:15:48: error: 'pizza recipe' got no intent (confidence 0.0), expected opening-hours"),
            "\(run.output)")
        #expect(run.output.contains("    words: pizza recipe"))
        #expect(run.lines.last == "6 of 7 examples passed, 1 failed.")
    }

    @Test("intents test speaks German under a German locale, the explanation too")
    func testFailureInGerman() throws {
        let folder = try makeFolder(english: CommandFixtures.englishWithBadExample)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let run = welcomebot(["intents", "test", "--intents", folder], language: .german)
        #expect(run.exitCode == 1)
        #expect(
            run.output.contains(
                "\(folder)/en.yaml:15:48: error: 'pizza recipe' bekam keinen Intent (Sicherheit 0.0), erwartet war opening-hours"),
            "\(run.output)")
        #expect(run.output.contains("    Wörter: pizza recipe"), "\(run.output)")
        #expect(run.output.contains("    kein Schlüsselwort passt"), "\(run.output)")
        #expect(run.lines.last == "6 von 7 Beispielen bestanden, 1 nicht.")
    }

    @Test("intents test --lang with an unknown language exits 1 naming the languages")
    func testUnknownLanguage() {
        let run = welcomebot(["intents", "test", "--lang", "xx"] + intents)
        #expect(run.exitCode == 1)
        #expect(run.errors.contains("Unknown language 'xx'. Available: de, en, ar, uk, ru, fa, tr."))
    }

    // MARK: ask

    @Test("ask --json prints language, intent, confidence, reply and explanation")
    func askJSON() throws {
        let run = welcomebot(["ask", "--json", "wann habt ihr offen?"] + intents)
        #expect(run.exitCode == 0, "\(run.errors)")
        let json = try run.json()
        #expect(json["language"] as? String == "de")
        #expect(json["intent"] as? String == "opening-hours")
        #expect(json["outcome"] as? String == "matched")
        let confidence = try #require(json["confidence"] as? Double)
        #expect(confidence > 0.45 && confidence <= 1)
        let reply = try #require(json["reply"] as? [String: Any])
        #expect((reply["text"] as? String)?.contains("11:00–17:00") == true)
        let buttons = try #require(reply["buttons"] as? [[String: Any]])
        #expect(!buttons.isEmpty)
        for button in buttons {
            #expect(button["label"] is String)
            #expect(["intent", "link", "language"].contains(button["kind"] as? String))
            #expect(button["value"] is String)
        }
        let explanation = try #require(json["explanation"] as? [String: Any])
        #expect((explanation["words"] as? [String]) == ["wann", "habt", "ihr", "offen"])
        #expect((explanation["matches"] as? [[String: Any]])?.isEmpty == false)
    }

    @Test("ask --json writes intent null when nothing matches, and shows the menu")
    func askJSONNoMatch() throws {
        let run = welcomebot(["ask", "--json", "--lang", "en", "who won the football match yesterday"] + intents)
        let json = try run.json()
        #expect(json["intent"] is NSNull)
        #expect(json["outcome"] as? String == "no-match")
        let reply = try #require(json["reply"] as? [String: Any])
        #expect((reply["buttons"] as? [Any])?.isEmpty == false)
    }

    @Test("ask prints the answer, the buttons numbered, and why")
    func askText() {
        let run = welcomebot(["ask", "--lang", "en", "opening hours"] + intents)
        #expect(run.exitCode == 0)
        #expect(run.output.contains("  1. "))
        #expect(run.output.contains("[en · opening-hours · confidence"))
        #expect(run.output.contains("matched '"))
    }

    @Test("ask with an unknown language or an oversized message exits 1 with a clear error")
    func askErrors() {
        let unknown = welcomebot(["ask", "--lang", "xx", "hallo"] + intents)
        #expect(unknown.exitCode == 1)
        #expect(unknown.errors.contains("unknown language 'xx'; available: de, en, ar, uk, ru, fa, tr"))
        let long = welcomebot(["ask", String(repeating: "a", count: 5000)] + intents)
        #expect(long.exitCode == 1)
        #expect(long.errors.contains("5000 characters; at most 4096"))
        let empty = welcomebot(["ask", " "] + intents)
        #expect(empty.exitCode != 0)
        #expect(empty.errors.contains("Write the message"))
    }

    @Test("ask with a broken intents folder exits 1 and says to run intents check")
    func askBrokenCatalog() {
        let run = welcomebot(["ask", "--intents", "/nonexistent", "hallo"])
        #expect(run.exitCode == 1)
        #expect(run.errors.contains("the intents folder does not exist"))
        #expect(run.errors.contains("welcomebot intents check"))
    }

    // MARK: chat

    @Test("chat shows buttons as numbered choices and picks them by number, also in Persian digits")
    func chat() {
        let run = welcomebot(["chat", "--lang", "de"] + intents, input: ["/lang", "۲", "opening hours", "/quit"])
        #expect(run.exitCode == 0, "\(run.errors)")
        #expect(run.output.contains("  2. English"))
        #expect(run.output.contains("11:00–17:00"))
        #expect(run.output.contains("Monday"))
    }

    @Test("chat ends at the end of input")
    func chatEndOfInput() {
        let run = welcomebot(["chat"] + intents, input: ["hallo"])
        #expect(run.exitCode == 0)
    }

    // MARK: eval

    @Test("eval --json prints totals, accuracy, out-of-scope figures and a per-language breakdown")
    func evalJSON() throws {
        let file = try makeFile(
            """
            # a comment
            de\topening-hours\twann habt ihr offen
            de\tregistration\two kann ich meine wohnung anmelden
            en\topening-hours\twhen are you open
            en\t-\twho won the football match

            """)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let run = welcomebot(["eval", "--json", file] + intents)
        #expect(run.exitCode == 0, "\(run.errors)")
        let json = try run.json()
        #expect(json["total"] as? Int == 4)
        #expect(json["correct"] as? Int == 3)
        #expect(json["accuracy"] as? Double == 1)
        #expect(json["outOfScope"] as? Int == 1)
        #expect(json["falseMatches"] as? Int == 0)
        let languages = try #require(json["languages"] as? [String: [String: Any]])
        #expect(languages["de"]?["total"] as? Int == 2)
        #expect(languages["en"]?["outOfScope"] as? Int == 1)
    }

    @Test("eval --detect ignores the language column")
    func evalDetect() throws {
        let file = try makeFile("en\topening-hours\twann habt ihr offen\n")
        defer { try? FileManager.default.removeItem(atPath: file) }
        let run = welcomebot(["eval", "--json", "--detect", file] + intents)
        let json = try run.json()
        #expect(json["correct"] as? Int == 1)
        let english = try #require((json["languages"] as? [String: [String: Any]])?["en"])
        #expect(english["languageDetected"] as? Double == 0)
    }

    @Test("eval reports malformed lines and unknown intents with their line and exits 1")
    func evalMalformed() throws {
        let file = try makeFile("de opening-hours wann\nde\topening-hour\twann offen\nxx\t-\tfoo\n")
        defer { try? FileManager.default.removeItem(atPath: file) }
        let run = welcomebot(["eval", file] + intents)
        #expect(run.exitCode == 1)
        #expect(run.errors.contains("\(file):1:1: error: expected three fields separated by tabs"))
        let fixed = try makeFile("de\topening-hour\twann offen\nxx\t-\tfoo\n")
        defer { try? FileManager.default.removeItem(atPath: fixed) }
        let second = welcomebot(["eval", fixed] + intents)
        #expect(second.exitCode == 1)
        #expect(
            second.errors.contains("\(fixed):1:1: error: 'opening-hour' is not an intent of de — did you mean 'opening-hours'?"))
        #expect(second.errors.contains("\(fixed):2:1: error: unknown language 'xx'"))
    }

    @Test("eval prints a table with a row per language and one for all")
    func evalTable() throws {
        let file = try makeFile("de\topening-hours\twann habt ihr offen\n")
        defer { try? FileManager.default.removeItem(atPath: file) }
        let run = welcomebot(["eval", "--failures", file] + intents)
        #expect(run.lines.first?.hasPrefix("language  questions") == true)
        #expect(run.lines.contains { $0.hasPrefix("de ") && $0.contains("100.0 %") })
        #expect(run.lines.contains { $0.hasPrefix("all ") })
    }

    // MARK: intents dump, bench, help

    @Test("intents dump --json prints every language with its intents and rendered answers")
    func dump() throws {
        let run = welcomebot(["intents", "dump", "--json"] + intents)
        let json = try run.json()
        let languages = try #require(json["languages"] as? [[String: Any]])
        #expect(languages.map { $0["code"] as? String } == ["de", "en", "ar", "uk", "ru", "fa", "tr"])
        for language in languages {
            let intents = try #require(language["intents"] as? [[String: Any]])
            #expect(intents.count == 25)
            for intent in intents {
                let answer = try #require(intent["answer"] as? String)
                #expect(!answer.contains("{"), "unresolved reference in \(intent["id"] ?? "")")
            }
        }
        #expect((json["places"] as? [String: Any])?["welcome-center"] != nil)
    }

    @Test("bench match --json prints the figures")
    func bench() throws {
        let run = welcomebot(["bench", "match", "--json", "--seconds", "0.2"] + intents)
        #expect(run.exitCode == 0, "\(run.errors)")
        let json = try run.json()
        #expect((json["messages"] as? Int ?? 0) > 0)
        #expect((json["messagesPerSecond"] as? Double ?? 0) > 0)
        #expect(json["intents"] as? Int == 175)
        #expect(json["languages"] as? Int == 7)
        #expect(json["seconds"] is Double)
    }

    @Test("bench match with synthetic intents counts them")
    func benchSynthetic() throws {
        let run = welcomebot(["bench", "match", "--json", "--seconds", "0.1", "--synthetic-intents", "100"] + intents)
        let json = try run.json()
        #expect(json["intents"] as? Int == 175 + 700)
    }

    @Test("help says in plain words what each command does")
    func help() {
        // Help text is wrapped to the terminal's width; compare with the line breaks taken out.
        func help(_ command: any ParsableCommand.Type) -> String {
            WelcomeBotCommand.helpMessage(for: command).split(whereSeparator: \.isWhitespace).joined(separator: " ")
        }
        #expect(help(WelcomeBotCommand.self).contains("welcomebot intents check"))
        #expect(help(IntentsCheckCommand.self).contains("FILE:LINE:COLUMN"))
        #expect(help(IntentsTestCommand.self).contains("Exits with 1 when any example fails"))
        #expect(help(ChatCommand.self).contains("type the number"))
        #expect(help(EvalCommand.self).contains("separated by tabs"))
        #expect(help(AskCommand.self).contains("--lang <code>"))
        #expect(help(ServeCommand.self).contains("http://127.0.0.1:8080/"))
    }

    // MARK: Helpers

    private func makeFolder(english: String) throws -> String {
        let folder = NSTemporaryDirectory() + "welcomebot-cli-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: shippedIntents + "/facts.yaml", toPath: folder + "/facts.yaml")
        try Data(english.utf8).write(to: URL(fileURLWithPath: folder + "/en.yaml"))
        return folder
    }

    private func makeFile(_ text: String) throws -> String {
        let path = NSTemporaryDirectory() + "welcomebot-eval-" + UUID().uuidString + ".tsv"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }
}

enum CommandFixtures {
    static let englishWithBadExample = """
        language: en
        name: English
        weekdays: [Monday, Tuesday, Wednesday, Thursday, Friday, Saturday, Sunday]
        texts:
          fallback: Sorry.
          did-you-mean: "Did you mean:"
          closed: closed
          as-of: "As of {date}."
          choose-language: "Language:"
        intents:
          opening-hours:
            title: Opening hours
            keywords: [opening hours, open]
            answer: "{hours.welcome-center}"
            examples: [opening hours, open, when open, pizza recipe, open today]
        out-of-scope: [weather, football]
        """
}
