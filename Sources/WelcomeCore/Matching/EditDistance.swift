/// Edit distance with adjacent transpositions (optimal string alignment), the usual measure of
/// typing mistakes: a wrong, missing, extra or swapped letter each count one.
enum EditDistance {
    /// The distance between `a` and `b`, or `limit + 1` as soon as it must exceed `limit`.
    static func optimalStringAlignment<Element: Equatable>(_ a: [Element], _ b: [Element], limit: Int) -> Int {
        optimalStringAlignment(a[...], b[...], limit: limit)
    }

    static func optimalStringAlignment<Element: Equatable>(
        _ a: ArraySlice<Element>, _ b: ArraySlice<Element>, limit: Int
    ) -> Int {
        let a = Array(a)
        let b = Array(b)
        if abs(a.count - b.count) > limit { return limit + 1 }
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        let width = b.count + 1
        var previousPrevious = [Int](repeating: 0, count: width)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: width)
        for i in 1...a.count {
            current[0] = i
            var rowMinimum = current[0]
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    value = min(value, previousPrevious[j - 2] + 1)
                }
                current[j] = value
                rowMinimum = min(rowMinimum, value)
            }
            if rowMinimum > limit { return limit + 1 }
            swap(&previousPrevious, &previous)
            swap(&previous, &current)
        }
        return min(previous[b.count], limit + 1)
    }
}
