/// Converts raw little-endian tensor bytes of a storage type into a `StateTensor`.
enum ElementDecoding {
    /// The tensor of `shape` whose row-major elements of `dtype` (safetensors names: F32, F16, BF16,
    /// F64, I64, I32, I16, I8, U8, BOOL) are `raw`; floating types become float32, the others int64.
    static func tensor(_ raw: UnsafeRawBufferPointer, dtype: String, shape: [Int]) -> StateTensor {
        let count = shape.reduce(1, *)
        func load<T>(_ type: T.Type, _ i: Int) -> T { raw.loadUnaligned(fromByteOffset: i * MemoryLayout<T>.size, as: T.self) }
        switch dtype {
        case "F32": return StateTensor(shape: shape, floats: (0..<count).map { Float(bitPattern: UInt32(littleEndian: load(UInt32.self, $0))) })
        case "F64": return StateTensor(shape: shape, floats: (0..<count).map { Float(Double(bitPattern: UInt64(littleEndian: load(UInt64.self, $0)))) })
        case "F16": return StateTensor(shape: shape, floats: (0..<count).map { halfToFloat(UInt16(littleEndian: load(UInt16.self, $0))) })
        case "BF16": return StateTensor(shape: shape, floats: (0..<count).map { Float(bitPattern: UInt32(UInt16(littleEndian: load(UInt16.self, $0))) << 16) })
        case "I64": return StateTensor(shape: shape, int64: (0..<count).map { Int64(littleEndian: load(Int64.self, $0)) })
        case "I32": return StateTensor(shape: shape, int64: (0..<count).map { Int64(Int32(littleEndian: load(Int32.self, $0))) })
        case "I16": return StateTensor(shape: shape, int64: (0..<count).map { Int64(Int16(littleEndian: load(Int16.self, $0))) })
        case "I8": return StateTensor(shape: shape, int64: (0..<count).map { Int64(load(Int8.self, $0)) })
        default: return StateTensor(shape: shape, int64: (0..<count).map { Int64(load(UInt8.self, $0)) })  // U8, BOOL
        }
    }

    /// IEEE 754 half precision to single precision.
    static func halfToFloat(_ bits: UInt16) -> Float {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = Int((bits >> 10) & 0x1F)
        let mantissa = UInt32(bits & 0x3FF)
        if exponent == 0 {
            let magnitude = Float(mantissa) * 0x1p-24
            return sign != 0 ? -magnitude : magnitude
        }
        if exponent == 31 { return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13)) }
        return Float(bitPattern: sign | UInt32(exponent + 112) << 23 | (mantissa << 13))
    }
}
