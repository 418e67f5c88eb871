import Foundation

extension NumPyArray {
    /// The values as `Float`, in C (row-major) order.
    ///
    /// Other numeric types are converted as NumPy's `astype` would (float64 is rounded,
    /// booleans become 0 and 1).
    /// - Throws: `NumPyArrayError` for a unicode array.
    public func floats() throws -> [Float] {
        switch try numericValues() {
        case .float(let values): return values
        case .double(let values): return values.map { Float($0) }
        case .signed(let values): return values.map { Float($0) }
        case .unsigned(let values): return values.map { Float($0) }
        case .bool(let values): return values.map { $0 ? 1 : 0 }
        }
    }

    /// The values as `Double`, in C (row-major) order.
    ///
    /// Other numeric types are converted (64-bit integers beyond 2^53 are rounded,
    /// booleans become 0 and 1).
    /// - Throws: `NumPyArrayError` for a unicode array.
    public func doubles() throws -> [Double] {
        switch try numericValues() {
        case .float(let values): return values.map { Double($0) }
        case .double(let values): return values
        case .signed(let values): return values.map { Double($0) }
        case .unsigned(let values): return values.map { Double($0) }
        case .bool(let values): return values.map { $0 ? 1 : 0 }
        }
    }

    /// The values as `Int`, in C (row-major) order.
    ///
    /// Floating-point values must be whole numbers and unsigned values must fit in
    /// `Int`; booleans become 0 and 1.
    /// - Throws: `NumPyArrayError` for a unicode array or a value that is not an `Int`.
    public func ints() throws -> [Int] {
        // Fast paths for the integer types files hold (no widening through Int64 arrays).
        switch dtype.scalar {
        case .int32: return (Self.load(try canonicalBytes()) as [Int32]).map { Int($0) }
        case .int64: return (Self.load(try canonicalBytes()) as [Int64]).map { Int($0) }
        default: break
        }
        switch try numericValues() {
        case .float(let values): return try Self.convert(values) { Int(exactly: $0) }
        case .double(let values): return try Self.convert(values) { Int(exactly: $0) }
        case .signed(let values): return values.map { Int($0) }
        case .unsigned(let values): return try Self.convert(values) { Int(exactly: $0) }
        case .bool(let values): return values.map { $0 ? 1 : 0 }
        }
    }

    /// The values as bytes, in C (row-major) order.
    ///
    /// Every value must be a whole number from 0 to 255; booleans become 0 and 1.
    /// - Throws: `NumPyArrayError` for a unicode array or a value that is not a byte.
    public func bytes() throws -> [UInt8] {
        if dtype.scalar == .uint8 { return [UInt8](try canonicalBytes()) }
        switch try numericValues() {
        case .float(let values): return try Self.convert(values) { UInt8(exactly: $0) }
        case .double(let values): return try Self.convert(values) { UInt8(exactly: $0) }
        case .signed(let values): return try Self.convert(values) { UInt8(exactly: $0) }
        case .unsigned(let values): return try Self.convert(values) { UInt8(exactly: $0) }
        case .bool(let values): return values.map { $0 ? 1 : 0 }
        }
    }

    /// The values as booleans, in C (row-major) order: for numeric arrays, whether
    /// each value is non-zero (NaN counts as non-zero, as in NumPy).
    /// - Throws: `NumPyArrayError` for a unicode array.
    public func bools() throws -> [Bool] {
        switch try numericValues() {
        case .float(let values): return values.map { $0 != 0 }
        case .double(let values): return values.map { $0 != 0 }
        case .signed(let values): return values.map { $0 != 0 }
        case .unsigned(let values): return values.map { $0 != 0 }
        case .bool(let values): return values
        }
    }

    /// The strings of a unicode array, in C (row-major) order, with their NUL padding removed.
    /// - Throws: `NumPyArrayError` for a numeric array or a code unit that is not a
    ///   Unicode scalar (a surrogate or a value beyond U+10FFFF).
    public func strings() throws -> [String] {
        guard case .unicode(let length) = dtype.scalar else {
            throw NumPyArrayError("the array holds \(dtype.scalar.name) values (\(dtype.descr)), not strings")
        }
        let count = try checkedCount()
        guard length > 0 else { return [String](repeating: "", count: count) }
        let units: [UInt32] = Self.load(try canonicalBytes())
        var strings: [String] = []
        strings.reserveCapacity(count)
        for element in 0..<count {
            let slice = units[(element * length)..<((element + 1) * length)]
            var end = slice.endIndex
            while end > slice.startIndex && slice[end - 1] == 0 { end -= 1 }
            var string = String.UnicodeScalarView()
            for unit in slice[slice.startIndex..<end] {
                guard let scalar = Unicode.Scalar(unit) else {
                    throw NumPyArrayError(
                        "string \(element) holds the code unit 0x\(String(unit, radix: 16)), which is not a Unicode character")
                }
                string.append(scalar)
            }
            strings.append(String(string))
        }
        return strings
    }

    /// The one string of a 0-d (or one-element) unicode array, such as a JSON "meta" entry.
    /// - Throws: `NumPyArrayError` for a numeric array or one without exactly one element.
    public func scalarString() throws -> String {
        let strings = try strings()
        guard strings.count == 1, let string = strings.first else {
            throw NumPyArrayError("expected a single string, but the array has shape \(Self.describe(shape))")
        }
        return string
    }

    // MARK: - Loading

    /// Numeric values in C order, widened to one of five representations.
    private enum NumericValues {
        case bool([Bool])
        case signed([Int64])
        case unsigned([UInt64])
        case float([Float])
        case double([Double])
    }

    private func numericValues() throws -> NumericValues {
        let bytes = try canonicalBytes()
        switch dtype.scalar {
        case .bool: return .bool(bytes.map { $0 != 0 })
        case .int8: return .signed((Self.load(bytes) as [Int8]).map(Int64.init))
        case .int16: return .signed((Self.load(bytes) as [Int16]).map(Int64.init))
        case .int32: return .signed((Self.load(bytes) as [Int32]).map(Int64.init))
        case .int64: return .signed(Self.load(bytes))
        case .uint8: return .unsigned(bytes.map(UInt64.init))
        case .uint16: return .unsigned((Self.load(bytes) as [UInt16]).map(UInt64.init))
        case .uint32: return .unsigned((Self.load(bytes) as [UInt32]).map(UInt64.init))
        case .uint64: return .unsigned(Self.load(bytes))
        case .float32: return .float(Self.load(bytes))
        case .float64: return .double(Self.load(bytes))
        case .unicode:
            throw NumPyArrayError("the array holds unicode strings (\(dtype.descr)), not numbers")
        }
    }

    /// Copies little-endian `bytes` into an array of `T` (the host is little-endian).
    private static func load<T: BitwiseCopyable & Numeric>(_ bytes: Data) -> [T] {
        let count = bytes.count / MemoryLayout<T>.stride
        var values = [T](repeating: 0, count: count)
        values.withUnsafeMutableBytes { destination in
            bytes.withUnsafeBytes { source in
                destination.copyMemory(from: UnsafeRawBufferPointer(rebasing: source.prefix(destination.count)))
            }
        }
        return values
    }

    private static func convert<Source, Target>(_ values: [Source], _ convert: (Source) -> Target?) throws -> [Target] {
        var result: [Target] = []
        result.reserveCapacity(values.count)
        for (index, value) in values.enumerated() {
            guard let converted = convert(value) else {
                throw NumPyArrayError("value \(value) at index \(index) does not fit in \(Target.self)")
            }
            result.append(converted)
        }
        return result
    }
}
