import Numerics

extension SeededGenerator {
    /// A uniform index in 0..<n from the high half of a 64×64-bit product (bias below n / 2⁶⁴),
    /// so that splits and resamples depend only on the generator, not on the standard library's algorithms.
    mutating func nextIndex(below n: Int) -> Int {
        precondition(n > 0)
        return Int(UInt64(n).multipliedFullWidth(by: next()).high)
    }

    /// `values` in a uniformly random order (Fisher–Yates).
    mutating func shuffled<T>(_ values: [T]) -> [T] {
        var result = values
        var i = result.count - 1
        while i > 0 {
            result.swapAt(i, nextIndex(below: i + 1))
            i -= 1
        }
        return result
    }
}
