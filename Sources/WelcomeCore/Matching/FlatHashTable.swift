/// A map from 64-bit hashes to 32-bit values in two flat arrays with linear probing. The keys
/// are already good hashes, so unlike `Dictionary` nothing is hashed again, and a look-up is a
/// multiply, a mask and usually one cache line: this is what keeps matching fast in large catalogs.
struct FlatHashTable: Sendable {
    private var keys: [UInt64]
    private var values: [Int32]
    private var mask: Int
    private(set) var count = 0

    /// 0 marks an empty slot; a real key 0 is stored as this instead (and looked up the same way).
    private static let zeroKey: UInt64 = 0x9E37_79B9_7F4A_7C15

    init(minimumCapacity: Int = 16) {
        var capacity = 16
        while capacity < minimumCapacity * 2 { capacity <<= 1 }
        keys = [UInt64](repeating: 0, count: capacity)
        values = [Int32](repeating: 0, count: capacity)
        mask = capacity - 1
    }

    @inline(__always)
    private static func slot(_ key: UInt64, _ mask: Int) -> Int {
        // Fibonacci hashing spreads keys whose low bits are alike.
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    subscript(key: UInt64) -> Int32? {
        get {
            let key = key == 0 ? Self.zeroKey : key
            var index = Self.slot(key, mask)
            while true {
                let found = keys[index]
                if found == key { return values[index] }
                if found == 0 { return nil }
                index = (index + 1) & mask
            }
        }
        set {
            guard let newValue else { preconditionFailure("FlatHashTable does not remove keys") }
            insert(key == 0 ? Self.zeroKey : key, newValue)
        }
    }

    private mutating func insert(_ key: UInt64, _ value: Int32) {
        if (count + 1) * 2 > keys.count { grow() }
        var index = Self.slot(key, mask)
        while true {
            let found = keys[index]
            if found == key {
                values[index] = value
                return
            }
            if found == 0 {
                keys[index] = key
                values[index] = value
                count += 1
                return
            }
            index = (index + 1) & mask
        }
    }

    private mutating func grow() {
        let oldKeys = keys
        let oldValues = values
        keys = [UInt64](repeating: 0, count: oldKeys.count * 2)
        values = [Int32](repeating: 0, count: oldKeys.count * 2)
        mask = keys.count - 1
        count = 0
        for (index, key) in oldKeys.enumerated() where key != 0 {
            insert(key, oldValues[index])
        }
    }

    func contains(_ key: UInt64) -> Bool {
        self[key] != nil
    }
}
