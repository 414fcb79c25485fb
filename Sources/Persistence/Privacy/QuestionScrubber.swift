import Foundation

/// Takes personal details out of a question before it is kept for staff: e-mail addresses,
/// messenger handles, phone numbers and every other run of five or more digits (case numbers,
/// dates of birth, IBANs, in any script's digits), and the name after "my name is" in each
/// shipped language. Staff need to see what people ask about, never who asked.
///
/// It errs on the side of taking too much: a postcode or a date goes too, and up to two words
/// after a name phrase are replaced, since in Arabic and Persian script a surname cannot be told
/// from the next word by its capital letter.
public enum QuestionScrubber {
    public static let email = "[email]"
    public static let number = "[number]"
    public static let name = "[name]"
    public static let handle = "[handle]"

    /// Phrases that introduce the writer's own name, lower-cased, in the shipped languages.
    static let namePhrases = [
        // en
        "my name is", "my name's", "i am called",
        // de
        "mein name ist", "ich heiße", "ich heisse", "ich heise", "mein name lautet",
        // ar
        "اسمي", "إسمي", "انا اسمي", "أنا اسمي",
        // uk
        "мене звати", "моє ім'я", "моє ім’я", "моє імʼя",
        // ru
        "меня зовут", "моё имя", "мое имя",
        // fa
        "اسم من", "نام من", "اسمم",
        // tr
        "benim adım", "adım", "ismim", "benim ismim", "benim adim", "adim",
    ]

    public static func scrub(_ text: String) -> String {
        var scrubbed = text.replacing(/[\w.+-]+@[\w-]+(\.[\w-]+)+/, with: email)
        scrubbed = scrubbed.replacing(/(^|\s)@\w{2,}/) { match in match.output.1 + handle }
        // Digits with the separators people put in phone numbers, dates and account numbers.
        scrubbed = scrubbed.replacing(/\+?\d(?:[ \-.\/()]{0,2}\d){4,}/, with: number)
        return scrubNames(scrubbed)
    }

    /// Replaces up to two words after each name phrase; the phrase itself stays, so staff can
    /// still see that someone introduced themselves.
    static func scrubNames(_ text: String) -> String {
        var result = text
        for phrase in namePhrases {
            var searchStart = result.startIndex
            while let range = result.range(
                of: phrase, options: [.caseInsensitive], range: searchStart..<result.endIndex)
            {
                // Only a whole phrase: not "adım" inside "adımlar", not "call me" in "recall me".
                let before = range.lowerBound == result.startIndex ? nil : result[result.index(before: range.lowerBound)]
                if let before, before.isLetter {
                    searchStart = range.upperBound
                    continue
                }
                var cursor = range.upperBound
                if cursor < result.endIndex, result[cursor].isLetter {
                    searchStart = range.upperBound
                    continue
                }
                var replaced = 0
                var end = cursor
                while replaced < 2 {
                    // Skip spaces and the punctuation people put after the phrase ("name: Ali").
                    var wordStart = cursor
                    while wordStart < result.endIndex, result[wordStart].isWhitespace || ":-–—,".contains(result[wordStart]) {
                        wordStart = result.index(after: wordStart)
                    }
                    var wordEnd = wordStart
                    while wordEnd < result.endIndex, result[wordEnd].isLetter || "'’ʼ-".contains(result[wordEnd]) {
                        wordEnd = result.index(after: wordEnd)
                    }
                    guard wordEnd > wordStart else { break }
                    replaced += 1
                    end = wordEnd
                    cursor = wordEnd
                    // A sentence ends the name.
                    if wordEnd < result.endIndex, ".!?,;".contains(result[wordEnd]) { break }
                }
                guard replaced > 0 else {
                    searchStart = range.upperBound
                    continue
                }
                let replacement = " " + name
                let offset = result.distance(from: result.startIndex, to: range.upperBound) + replacement.count
                result.replaceSubrange(range.upperBound..<end, with: replacement)
                searchStart = result.index(result.startIndex, offsetBy: offset)
            }
        }
        return result
    }
}
