import Foundation
import FuzzTargets
import Testing

/// The fuzz targets on the inputs that once crashed them (Fuzz/regressions), and on hostile
/// inputs of every kind the fuzzers start from: each must return, whatever the bytes.
/// A time limit guards against a hang coming back (one long word once took over a minute of
/// CPU in an optimised build, several in a debug one): it is no speed target, which the
/// benchmarks measure. Five minutes, because a test's time includes the rest of the suite's work
/// on two shared cores (a whole run takes about two minutes).
@Suite("Fuzz regressions and hostile inputs", .timeLimit(.minutes(5)))
struct FuzzRegressionTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test("every fuzz target exists and takes empty input")
    func everyTarget() {
        #expect(FuzzTargets.all.count == 11)
        for (_, target) in FuzzTargets.all { target(Data()) }
    }

    @Test("every input in Fuzz/regressions runs through its target")
    func regressions() throws {
        let folder = Self.root.appendingPathComponent("Fuzz/regressions")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasSuffix(".md") }
        for name in names {
            let target = try #require(FuzzTargets.all[name], "Fuzz/regressions/\(name) is not named after a target")
            let files = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent(name).path)
            for file in files {
                target(try Data(contentsOf: folder.appendingPathComponent(name).appendingPathComponent(file)))
            }
        }
    }

    @Test(
        "hostile JSON: deep nesting, huge numbers, invalid UTF-8, bidi and zero-width characters",
        arguments: ["telegram-decoder", "whatsapp-decoder", "messenger-decoder", "viber-decoder"])
    func hostileJSON(target name: String) throws {
        let target = try #require(FuzzTargets.all[name])
        for input in [
            Data((String(repeating: "[", count: 50_000) + String(repeating: "]", count: 50_000)).utf8),
            Data(#"{"update_id": 1\#(String(repeating: "9", count: 4000)), "message_token": 1e999999}"#.utf8),
            Data([0x7B, 0x22, 0x74, 0x22, 0x3A, 0x22, 0xFF, 0xFE, 0xC3, 0x28, 0x22, 0x7D]),
            Data(#"{"message":{"text":"\u202e\u2066abc\u2069\u200b\ufeff"}}"#.utf8),
            Data(#"{"object":"page","object":"whatsapp_business_account","entry":[],"entry":[{}]}"#.utf8),
        ] {
            target(input)
        }
    }

    @Test("hostile intent files: alias bombs, deep nesting, tabs, invalid UTF-8")
    func hostileYAML() throws {
        let target = try #require(FuzzTargets.all["intent-loader"])
        var bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n"
        for i in 0..<9 {
            let this = Character(UnicodeScalar(98 + i)!)
            let previous = Character(UnicodeScalar(97 + i)!)
            bomb += "\(this): &\(this) [*\(previous), *\(previous), *\(previous), *\(previous)]\n"
        }
        for text in [
            bomb, "intents: " + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000),
            "language: de\n\tname: x\n", "language: de\nlanguage: en\n",
        ] {
            for kind: UInt8 in [0, 1] { target(Data([kind]) + Data(text.utf8)) }
        }
        target(Data([0, 0xFF, 0xFE, 0x0A, 0xC3, 0x28]))
    }

    @Test("hostile text for the matcher: zero-width and combining characters, bidi, invalid UTF-8")
    func hostileText() throws {
        let target = try #require(FuzzTargets.all["matcher"])
        for text in [
            "w\u{200B}a\u{200C}n\u{200D}n habt ihr offen", "\u{202E}نراك\u{202C}",
            "a" + String(repeating: "\u{0301}", count: 3000),
            String(repeating: "🙂", count: 1000), "/lang xx /start@bot", "",
        ] {
            target(Data(text.utf8))
        }
        target(Data([0xFF, 0xFE, 0x20, 0xC3, 0x28]))
    }
}
