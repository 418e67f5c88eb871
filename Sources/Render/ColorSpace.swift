#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Conversions between linear light and sRGB-encoded 8-bit values.
///
/// Shading happens in linear light; images are stored sRGB-encoded. Both directions use
/// tables so that a render converts a million samples without calling `pow`.
public enum ColorSpace {
    /// The sRGB encoding of a linear value in [0, 1] (IEC 61966-2-1).
    @inlinable
    public static func sRGBEncode(_ linear: Float) -> Float {
        let v = min(max(linear, 0), 1)
        return v <= 0.0031308 ? 12.92 * v : 1.055 * pow(v, 1 / 2.4) - 0.055
    }

    /// The linear value of an sRGB-encoded value in [0, 1].
    @inlinable
    public static func sRGBDecode(_ encoded: Float) -> Float {
        let v = min(max(encoded, 0), 1)
        return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4)
    }

    /// Linear values of the 256 sRGB-encoded byte values.
    public static let linearFromByte: [Float] = (0..<256).map { sRGBDecode(Float($0) / 255) }

    /// Entries in `byteFromLinearTable`, indexed by `round(linear * (count - 1))`; fine
    /// enough that the result is within half a step of exact sRGB encoding.
    static let byteTableSize = 8192

    static let byteFromLinearTable: [UInt8] = (0..<byteTableSize).map {
        UInt8((sRGBEncode(Float($0) / Float(byteTableSize - 1)) * 255).rounded())
    }

    /// The sRGB-encoded byte for a linear value (clamped to [0, 1]).
    @inline(__always)
    static func byte(fromLinear value: Float, table: UnsafePointer<UInt8>) -> UInt8 {
        let clamped = min(max(value, 0), 1)
        return table[Int(clamped * Float(byteTableSize - 1) + 0.5)]
    }
}
