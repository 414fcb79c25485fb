import Foundation
import Testing

@testable import WelcomeCore

/// The package's root folder, found from this file, so tests read the shipped intent files.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
let shippedIntents = packageRoot.appendingPathComponent("Intents").path

/// A fixed "today" so that date warnings do not depend on when the tests run.
let testToday = CalendarDay(parsing: "2026-11-25")!

/// The shipped catalog, loaded once.
let shippedCatalog: IntentCatalog = {
    do {
        return try IntentCatalog.load(from: shippedIntents, today: testToday)
    } catch {
        fatalError("the shipped intent files do not load:\n\(error)")
    }
}()

/// A throwaway intents folder with a minimal valid facts file and the given language files.
struct TemporaryIntents {
    let path: String

    init(files: [String: String], facts: String? = TemporaryIntents.facts) throws {
        path = NSTemporaryDirectory() + "welcomebot-intents-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        if let facts { try write("facts.yaml", facts) }
        for (name, content) in files { try write(name, content) }
    }

    func write(_ name: String, _ content: String) throws {
        try Data(content.utf8).write(to: URL(fileURLWithPath: path + "/" + name))
    }

    func write(_ name: String, bytes: [UInt8]) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path + "/" + name))
    }

    /// Loads the folder; every problem found must be told in German too (`expectGerman`).
    func load(today: CalendarDay = testToday, sourceLocation: Testing.SourceLocation = #_sourceLocation)
        -> CatalogLoadResult
    {
        expectGerman(CatalogLoader(directory: path, today: today).load(), sourceLocation: sourceLocation)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }

    static let facts = """
        places:
          welcome-center:
            name: Willkommenszentrum Leipzig
            address: Otto-Schill-Straße 2, 04109 Leipzig
            hours:
              monday: "11:00-17:00"
              tuesday: "11:00-17:00"
              thursday: "11:00-17:00"
            verified: 2026-06-01
        links:
          booking:
            url: https://example.org/booking
            verified: 2026-06-01
        numbers:
          police: "110"

        """

    /// A valid English file; tests replace parts of it to make it wrong.
    static let english = """
        language: en
        name: English
        weekdays: [Monday, Tuesday, Wednesday, Thursday, Friday, Saturday, Sunday]
        texts:
          fallback: Sorry, I did not understand.
          did-you-mean: "Did you mean:"
          closed: closed
          as-of: "As of {date}."
          choose-language: "Please choose your language:"
        menu: [opening-hours, address]
        link-labels:
          booking: Book
        stopwords: [i, you, the, are, is, when, where, do, what]
        intents:
          opening-hours:
            title: Opening hours
            keywords: [opening hours, open, closed, no]
            answer: |
              We are open:
              {hours.welcome-center}
            buttons: [address, link.booking]
            examples: [when are you open, opening hours, are you open today, open on monday?, opening hourz]
          address:
            title: Address
            keywords: [address, directions, how to get there, location]
            answer: "{places.welcome-center.address}"
            buttons: [opening-hours]
            examples: [address, where is the address, directions please, your location, adress]
        out-of-scope: [weather tomorrow, football results]

        """
}

extension CatalogLoadResult {
    /// The diagnostics as the command line prints them, for readable failures.
    var printed: String { diagnostics.map(\.description).joined(separator: "\n") }
}

/// Every problem a test provokes is told in German too, for the Welcome Center's staff: not
/// empty and not the English words.
func expectGerman(_ result: CatalogLoadResult, sourceLocation: Testing.SourceLocation = #_sourceLocation)
    -> CatalogLoadResult
{
    for diagnostic in result.diagnostics {
        for text in [diagnostic.problem, diagnostic.remedy] where !text.isEmpty {
            #expect(
                !text.german.isEmpty && text.german != text.english, "no German for: \(text.english)",
                sourceLocation: sourceLocation)
        }
    }
    return result
}
