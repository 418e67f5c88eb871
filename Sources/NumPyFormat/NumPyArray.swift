import Foundation

/// An n-dimensional NumPy array as stored in a `.npy` file: its shape, element type,
/// memory order and the element bytes exactly as stored.
///
/// Arrays made with the constructors are little-endian and in C (row-major) order,
/// which is how FaceAtlas writes them. Arrays read from files keep the byte order and
/// memory order of the file; the accessors (`floats()`, `ints()`, `strings()`, …)
/// always return values in C order with native byte order.
///
/// Two arrays are equal when shape, type, order and bytes are all equal; the same
/// values stored big-endian or in Fortran order compare unequal.
public struct NumPyArray: Sendable, Equatable {
    /// The length of each dimension; empty for a 0-d (scalar) array.
    public var shape: [Int]
    /// The element type and byte order.
    public var dtype: NumPyDType
    /// Whether the elements are stored in Fortran (column-major) order rather than C order.
    public var fortranOrder: Bool
    /// The element bytes exactly as stored (`count × dtype.itemSize` bytes).
    public var rawData: Data

    /// The number of elements: the product of `shape`, 1 for a 0-d array, 0 when a
    /// dimension is 0 (`Int.max` if `shape` has been set to something impossible).
    public var count: Int {
        Self.elementCount(shape) ?? Int.max
    }

    /// The number of dimensions.
    public var rank: Int { shape.count }

    /// Creates an array from its parts, checking that they fit together.
    /// - Throws: `NumPyArrayError` if a dimension is negative, the element count
    ///   overflows, or `rawData` does not hold exactly `count × dtype.itemSize` bytes.
    public init(dtype: NumPyDType, shape: [Int], fortranOrder: Bool = false, rawData: Data) throws {
        guard let count = Self.elementCount(shape) else {
            throw NumPyArrayError("the shape \(Self.describe(shape)) is negative or too large")
        }
        guard let bytes = Self.byteCount(count: count, itemSize: dtype.itemSize) else {
            throw NumPyArrayError("an array of shape \(Self.describe(shape)) and dtype \(dtype.descr) is too large")
        }
        guard bytes == rawData.count else {
            throw NumPyArrayError(
                "an array of shape \(Self.describe(shape)) and dtype \(dtype.descr) needs \(bytes) bytes, not \(rawData.count)")
        }
        self.init(unchecked: dtype, shape: shape, fortranOrder: fortranOrder, rawData: rawData)
    }

    /// Creates an array whose parts the caller has already checked.
    init(unchecked dtype: NumPyDType, shape: [Int], fortranOrder: Bool, rawData: Data) {
        self.shape = shape
        self.dtype = dtype
        self.fortranOrder = fortranOrder
        self.rawData = rawData
    }

    /// A float32 array of `shape` holding `float32` in C order.
    public init(float32: [Float], shape: [Int]) {
        self.init(bitPatterns: float32.map(\.bitPattern), scalar: .float32, shape: shape)
    }

    /// A float64 array of `shape` holding `float64` in C order.
    public init(float64: [Double], shape: [Int]) {
        self.init(bitPatterns: float64.map(\.bitPattern), scalar: .float64, shape: shape)
    }

    /// An int8 array of `shape` holding `int8` in C order.
    public init(int8: [Int8], shape: [Int]) {
        self.init(bitPatterns: int8, scalar: .int8, shape: shape)
    }

    /// An int16 array of `shape` holding `int16` in C order.
    public init(int16: [Int16], shape: [Int]) {
        self.init(bitPatterns: int16, scalar: .int16, shape: shape)
    }

    /// An int32 array of `shape` holding `int32` in C order.
    public init(int32: [Int32], shape: [Int]) {
        self.init(bitPatterns: int32, scalar: .int32, shape: shape)
    }

    /// An int64 array of `shape` holding `int64` in C order.
    public init(int64: [Int64], shape: [Int]) {
        self.init(bitPatterns: int64, scalar: .int64, shape: shape)
    }

    /// A uint8 array of `shape` holding `uint8` in C order.
    public init(uint8: [UInt8], shape: [Int]) {
        self.init(bitPatterns: uint8, scalar: .uint8, shape: shape)
    }

    /// A uint16 array of `shape` holding `uint16` in C order.
    public init(uint16: [UInt16], shape: [Int]) {
        self.init(bitPatterns: uint16, scalar: .uint16, shape: shape)
    }

    /// A uint32 array of `shape` holding `uint32` in C order.
    public init(uint32: [UInt32], shape: [Int]) {
        self.init(bitPatterns: uint32, scalar: .uint32, shape: shape)
    }

    /// A uint64 array of `shape` holding `uint64` in C order.
    public init(uint64: [UInt64], shape: [Int]) {
        self.init(bitPatterns: uint64, scalar: .uint64, shape: shape)
    }

    /// A bool array of `shape` holding `bool` in C order (one byte, 0 or 1, per element).
    public init(bool: [Bool], shape: [Int]) {
        self.init(bitPatterns: bool.map { $0 ? UInt8(1) : UInt8(0) }, scalar: .bool, shape: shape)
    }

    /// A fixed-width unicode array (`<U{n}`, n the length in Unicode scalars of the
    /// longest string, at least 1, as NumPy chooses it) of `shape` holding `strings`
    /// in C order. Trailing NUL characters do not survive a round trip, as in NumPy.
    public init(strings: [String], shape: [Int]) {
        Self.checkConstructor(count: strings.count, shape: shape)
        let width = max(1, strings.map { $0.unicodeScalars.count }.max() ?? 0)
        var units = [UInt32](repeating: 0, count: strings.count * width)
        for (index, string) in strings.enumerated() {
            for (offset, scalar) in string.unicodeScalars.enumerated() {
                units[index * width + offset] = scalar.value.littleEndian
            }
        }
        let data = units.withUnsafeBytes { Data($0) }
        self.init(unchecked: NumPyDType(.unicode(length: width)), shape: shape, fortranOrder: false, rawData: data)
    }

    /// A 0-d unicode array holding `string` (how FaceAtlas stores JSON metadata).
    public init(string: String) {
        self.init(strings: [string], shape: [])
    }

    private init<T: FixedWidthInteger>(bitPatterns: [T], scalar: NumPyScalarType, shape: [Int]) {
        Self.checkConstructor(count: bitPatterns.count, shape: shape)
        let data = bitPatterns.map(\.littleEndian).withUnsafeBytes { Data($0) }
        self.init(unchecked: NumPyDType(scalar), shape: shape, fortranOrder: false, rawData: data)
    }

    private static func checkConstructor(count: Int, shape: [Int]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "NumPyArray: negative dimension in shape \(describe(shape))")
        precondition(elementCount(shape) == count,
                     "NumPyArray: \(count) values do not fill shape \(describe(shape))")
    }

    /// The product of `shape`, or `nil` if a dimension is negative or the product overflows.
    static func elementCount(_ shape: [Int]) -> Int? {
        guard shape.allSatisfy({ $0 >= 0 }) else { return nil }
        // A zero dimension makes the array empty even if other dimensions are huge.
        if shape.contains(0) { return 0 }
        var count = 1
        for dimension in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow else { return nil }
            count = product
        }
        return count
    }

    /// `count × itemSize`, or `nil` on overflow.
    static func byteCount(count: Int, itemSize: Int) -> Int? {
        let (bytes, overflow) = count.multipliedReportingOverflow(by: itemSize)
        return overflow ? nil : bytes
    }

    /// A shape as Python writes it: "(3,)", "(2, 3)", "()".
    static func describe(_ shape: [Int]) -> String {
        shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    }
}
