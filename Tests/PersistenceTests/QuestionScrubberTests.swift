import Testing

@testable import Persistence

@Suite("Scrubbing unanswered questions")
struct QuestionScrubberTests {
    @Test(
        "phone numbers, e-mail addresses, handles and long digit runs go, in any script's digits",
        arguments: [
            ("call me back on +49 341 123 45 67 please", "call me back on [number] please"),
            ("mein handy 0176-12345678", "mein handy [number]"),
            ("write to amira.h@example.org", "write to [email]"),
            ("my telegram is @amira_h", "my telegram is [handle]"),
            ("Aktenzeichen 12345/2024 what now", "Aktenzeichen [number] what now"),
            ("رقمي ٠١٧٦١٢٣٤٥٦٧", "رقمي [number]"),
            ("شماره من ۰۹۱۲۳۴۵۶۷۸۹", "شماره من [number]"),
            ("born 12.03.1990", "born [number]"),
        ])
    func numbers(input: String, expected: String) {
        #expect(QuestionScrubber.scrub(input) == expected)
    }

    @Test(
        "the name after 'my name is' goes, in every shipped language",
        arguments: [
            ("Hello my name is Amira Haddad and I need a doctor", "Hello my name is [name] and I need a doctor"),
            ("Ich heiße Olena. Wo ist das Amt?", "Ich heiße [name]. Wo ist das Amt?"),
            ("Mein Name ist Yusuf Kaya", "Mein Name ist [name]"),
            ("اسمي أحمد محمد أين المكتب", "اسمي [name] أين المكتب"),
            ("мене звати Олена, де знаходиться центр", "мене звати [name], де знаходиться центр"),
            ("Меня зовут Иван Петров где центр", "Меня зовут [name] где центр"),
            ("اسم من علی رضایی است", "اسم من [name] است"),
            ("Benim adım Mehmet, randevu nasıl", "Benim adım [name], randevu nasıl"),
        ])
    func names(input: String, expected: String) {
        #expect(QuestionScrubber.scrub(input) == expected)
    }

    @Test("ordinary questions stay as they are, short numbers and words that only contain a phrase included")
    func harmless() {
        for text in [
            "wann hat das Welcome Center offen", "I need 2 tickets for bus 89", "adımlar nelerdir",
            "recall me what to bring", "где находится центр",
        ] {
            #expect(QuestionScrubber.scrub(text) == text)
        }
    }
}
