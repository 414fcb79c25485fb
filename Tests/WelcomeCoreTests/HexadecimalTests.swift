import Testing

@testable import WelcomeCore

@Suite("Hexadecimal")
struct HexadecimalTests {
    @Test("two lower-case digits a byte, leading zeros kept")
    func digits() {
        #expect([UInt8]().hexadecimal == "")
        #expect([0x00, 0x0F, 0xA0, 0xFF, 0x5C].hexadecimal == "000fa0ff5c")
        #expect(Array(0...255).map(UInt8.init).hexadecimal.count == 512)
    }
}
