import Foundation

#if _endian(big)
#error("NumPyFormat assumes a little-endian host (as are all platforms FaceAtlas supports)")
#endif

extension NumPyArray {
    /// Whether the bytes are already little-endian and in C order.
    public var isCanonical: Bool {
        !dtype.bigEndian && (!fortranOrder || rank < 2)
    }

    /// The same array with its bytes little-endian and in C order, as FaceAtlas writes it.
    /// - Throws: `NumPyArrayError` if `rawData` does not fit `shape` and `dtype`.
    public func canonical() throws -> NumPyArray {
        NumPyArray(unchecked: NumPyDType(dtype.scalar), shape: shape, fortranOrder: false,
                   rawData: try canonicalBytes())
    }

    /// Checks that `rawData` holds exactly `count × itemSize` bytes and returns `count`.
    func checkedCount() throws -> Int {
        guard let count = Self.elementCount(shape) else {
            throw NumPyArrayError("the shape \(Self.describe(shape)) is negative or too large")
        }
        guard let bytes = Self.byteCount(count: count, itemSize: dtype.itemSize), bytes == rawData.count else {
            throw NumPyArrayError(
                "the array of shape \(Self.describe(shape)) and dtype \(dtype.descr) holds \(rawData.count) bytes, "
                + "which is not the size its shape and dtype need")
        }
        return count
    }

    /// The element bytes little-endian and in C order.
    func canonicalBytes() throws -> Data {
        let count = try checkedCount()
        if isCanonical { return rawData }
        var bytes = [UInt8](rawData)
        if dtype.bigEndian {
            Self.swapBytes(&bytes, unit: dtype.scalar.swapUnit)
        }
        if fortranOrder && rank >= 2 && count > 0 {
            bytes = Self.fortranToC(bytes, shape: shape, itemSize: dtype.itemSize, count: count)
        }
        return Data(bytes)
    }

    /// Reverses the bytes of every `unit`-byte group of `bytes`.
    static func swapBytes(_ bytes: inout [UInt8], unit: Int) {
        guard unit > 1 else { return }
        bytes.withUnsafeMutableBufferPointer { buffer in
            var start = 0
            while start + unit <= buffer.count {
                var low = start, high = start + unit - 1
                while low < high {
                    buffer.swapAt(low, high)
                    low += 1
                    high -= 1
                }
                start += unit
            }
        }
    }

    /// Reorders elements stored in Fortran (column-major) order into C (row-major) order.
    ///
    /// `count` must be the product of `shape` (so no stride can overflow) and
    /// `bytes` must hold `count × itemSize` bytes.
    static func fortranToC(_ bytes: [UInt8], shape: [Int], itemSize: Int, count: Int) -> [UInt8] {
        let rank = shape.count
        // Strides, in elements, of each axis in Fortran order.
        var stride = [Int](repeating: 1, count: rank)
        for axis in 1..<rank { stride[axis] = stride[axis - 1] * shape[axis - 1] }
        var output = [UInt8](repeating: 0, count: bytes.count)
        var index = [Int](repeating: 0, count: rank)
        var source = 0  // Fortran element offset of `index`
        bytes.withUnsafeBytes { input in
            output.withUnsafeMutableBytes { out in
                guard let inBase = input.baseAddress, let outBase = out.baseAddress else { return }
                for element in 0..<count {
                    (outBase + element * itemSize).copyMemory(from: inBase + source * itemSize, byteCount: itemSize)
                    // Advance the C-order odometer, last axis fastest.
                    var axis = rank - 1
                    index[axis] += 1
                    source += stride[axis]
                    while axis > 0 && index[axis] == shape[axis] {
                        source -= stride[axis] * shape[axis]
                        index[axis] = 0
                        axis -= 1
                        index[axis] += 1
                        source += stride[axis]
                    }
                }
            }
        }
        return output
    }
}
