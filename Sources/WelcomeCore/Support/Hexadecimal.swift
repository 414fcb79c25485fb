extension Sequence where Element == UInt8 {
    /// Two lower-case hexadecimal digits a byte: how pseudonyms, signatures and digests are
    /// written. (`String(format: "%02x")` per byte cost a tenth of a webhook's time.)
    public var hexadecimal: String {
        var digits: [UInt8] = []
        digits.reserveCapacity(underestimatedCount * 2)
        for byte in self {
            digits.append(hexadecimalDigits[Int(byte >> 4)])
            digits.append(hexadecimalDigits[Int(byte & 0x0F)])
        }
        return String(decoding: digits, as: UTF8.self)
    }
}

private let hexadecimalDigits = Array("0123456789abcdef".utf8)
