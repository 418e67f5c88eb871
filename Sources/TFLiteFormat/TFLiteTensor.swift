/// The element type of a TensorFlow Lite tensor (`TensorType` in the schema).
public enum TFLiteTensorType: Int8, Sendable, CaseIterable {
    case float32 = 0, float16 = 1, int32 = 2, uint8 = 3, int64 = 4, string = 5, bool = 6, int16 = 7
    case complex64 = 8, int8 = 9, float64 = 10

    /// Bytes per element (nil for strings, whose elements have no fixed size).
    public var elementSize: Int? {
        switch self {
        case .float32, .int32: 4
        case .float16, .int16: 2
        case .uint8, .int8, .bool: 1
        case .int64, .float64, .complex64: 8
        case .string: nil
        }
    }

    /// The schema's name (`FLOAT32`).
    public var name: String {
        switch self {
        case .float32: "FLOAT32"
        case .float16: "FLOAT16"
        case .int32: "INT32"
        case .uint8: "UINT8"
        case .int64: "INT64"
        case .string: "STRING"
        case .bool: "BOOL"
        case .int16: "INT16"
        case .complex64: "COMPLEX64"
        case .int8: "INT8"
        case .float64: "FLOAT64"
        }
    }
}

/// Affine quantization of a tensor: real value = scale · (q − zero point), per tensor or per channel.
public struct TFLiteQuantization: Sendable, Equatable {
    /// One scale, or one per channel along ``quantizedDimension``.
    public var scales: [Float]
    /// One zero point, or one per channel.
    public var zeroPoints: [Int64]
    /// The channel axis of per-channel quantization.
    public var quantizedDimension: Int32
}

/// A tensor of a TensorFlow Lite subgraph: its shape, type, and the buffer that holds a constant's values.
public struct TFLiteTensor: Sendable, Equatable {
    /// The tensor's name in the graph.
    public var name: String
    /// Its shape, NHWC for images (`[1, 192, 192, 3]`).
    public var shape: [Int]
    /// Its element type.
    public var type: TFLiteTensorType
    /// The model buffer holding a constant's values (0: none; the tensor is computed).
    public var buffer: Int
    /// Its quantization, when it has one.
    public var quantization: TFLiteQuantization?

    /// The number of elements (1 for a scalar of shape `[]`).
    public var elementCount: Int { shape.reduce(1, *) }
}
