/// A TensorFlow Lite builtin operator (`BuiltinOperator` in TensorFlow's `lite/schema/schema.fbs`).
///
/// Only the codes FaceAtlas names are spelled out; every other code keeps its number, so that a
/// graph with an operator FaceAtlas does not run is refused with the operator's number and, where
/// known, its name.
public struct TFLiteBuiltinOperator: Hashable, Sendable, CustomStringConvertible {
    /// The schema's number for the operator.
    public let code: Int32

    /// Wraps a schema number.
    public init(code: Int32) { self.code = code }

    public static let add = Self(code: 0)
    public static let averagePool2D = Self(code: 1)
    public static let concatenation = Self(code: 2)
    public static let conv2D = Self(code: 3)
    public static let depthwiseConv2D = Self(code: 4)
    public static let dequantize = Self(code: 6)
    public static let fullyConnected = Self(code: 9)
    public static let logistic = Self(code: 14)
    public static let maxPool2D = Self(code: 17)
    public static let mul = Self(code: 18)
    public static let relu = Self(code: 19)
    public static let relu6 = Self(code: 21)
    public static let reshape = Self(code: 22)
    public static let resizeBilinear = Self(code: 23)
    public static let softmax = Self(code: 25)
    public static let tanh = Self(code: 28)
    public static let custom = Self(code: 32)
    public static let pad = Self(code: 34)
    public static let transpose = Self(code: 39)
    public static let mean = Self(code: 40)
    public static let sub = Self(code: 41)
    public static let stridedSlice = Self(code: 45)
    public static let prelu = Self(code: 54)
    public static let transposeConv = Self(code: 67)

    /// The schema's name for the operator (`CONV_2D`), or `BUILTIN_<n>` for one FaceAtlas does not name.
    public var name: String {
        Self.names[code] ?? "BUILTIN_\(code)"
    }

    public var description: String { name }

    static let names: [Int32: String] = [
        0: "ADD", 1: "AVERAGE_POOL_2D", 2: "CONCATENATION", 3: "CONV_2D", 4: "DEPTHWISE_CONV_2D",
        5: "DEPTH_TO_SPACE", 6: "DEQUANTIZE", 7: "EMBEDDING_LOOKUP", 8: "FLOOR", 9: "FULLY_CONNECTED",
        10: "HASHTABLE_LOOKUP", 11: "L2_NORMALIZATION", 12: "L2_POOL_2D", 13: "LOCAL_RESPONSE_NORMALIZATION",
        14: "LOGISTIC", 15: "LSH_PROJECTION", 16: "LSTM", 17: "MAX_POOL_2D", 18: "MUL", 19: "RELU",
        20: "RELU_N1_TO_1", 21: "RELU6", 22: "RESHAPE", 23: "RESIZE_BILINEAR", 24: "RNN", 25: "SOFTMAX",
        26: "SPACE_TO_DEPTH", 27: "SVDF", 28: "TANH", 29: "CONCAT_EMBEDDINGS", 30: "SKIP_GRAM", 31: "CALL",
        32: "CUSTOM", 33: "EMBEDDING_LOOKUP_SPARSE", 34: "PAD", 35: "UNIDIRECTIONAL_SEQUENCE_RNN", 36: "GATHER",
        37: "BATCH_TO_SPACE_ND", 38: "SPACE_TO_BATCH_ND", 39: "TRANSPOSE", 40: "MEAN", 41: "SUB", 42: "DIV",
        43: "SQUEEZE", 44: "UNIDIRECTIONAL_SEQUENCE_LSTM", 45: "STRIDED_SLICE", 46: "BIDIRECTIONAL_SEQUENCE_RNN",
        47: "EXP", 48: "TOPK_V2", 49: "SPLIT", 50: "LOG_SOFTMAX", 51: "DELEGATE", 52: "BIDIRECTIONAL_SEQUENCE_LSTM",
        53: "CAST", 54: "PRELU", 55: "MAXIMUM", 56: "ARG_MAX", 57: "MINIMUM", 58: "LESS", 59: "NEG", 60: "PADV2",
        61: "GREATER", 62: "GREATER_EQUAL", 63: "LESS_EQUAL", 64: "SELECT", 65: "SLICE", 66: "SIN",
        67: "TRANSPOSE_CONV", 68: "SPARSE_TO_DENSE", 69: "TILE", 70: "EXPAND_DIMS", 71: "EQUAL", 72: "NOT_EQUAL",
        73: "LOG", 74: "SUM", 75: "SQRT", 76: "RSQRT", 77: "SHAPE", 78: "POW", 79: "ARG_MIN", 80: "FAKE_QUANT",
        81: "REDUCE_PROD", 82: "REDUCE_MAX", 83: "PACK", 84: "LOGICAL_OR", 85: "ONE_HOT", 86: "LOGICAL_AND",
        87: "LOGICAL_NOT", 88: "UNPACK", 89: "REDUCE_MIN", 90: "FLOOR_DIV", 91: "REDUCE_ANY", 92: "SQUARE",
        93: "ZEROS_LIKE", 94: "FILL", 95: "FLOOR_MOD", 96: "RANGE", 97: "RESIZE_NEAREST_NEIGHBOR",
        98: "LEAKY_RELU", 99: "SQUARED_DIFFERENCE", 100: "MIRROR_PAD", 101: "ABS", 102: "SPLIT_V",
        103: "UNIQUE", 104: "CEIL", 105: "REVERSE_V2", 106: "ADD_N", 107: "GATHER_ND", 108: "COS", 109: "WHERE",
        110: "RANK", 111: "ELU", 112: "REVERSE_SEQUENCE", 113: "MATRIX_DIAG", 114: "QUANTIZE",
        115: "MATRIX_SET_DIAG", 116: "ROUND", 117: "HARD_SWISH", 118: "IF", 119: "WHILE",
        120: "NON_MAX_SUPPRESSION_V4", 121: "NON_MAX_SUPPRESSION_V5", 122: "SCATTER_ND", 123: "SELECT_V2",
        124: "DENSIFY", 125: "SEGMENT_SUM", 126: "BATCH_MATMUL",
    ]
}

/// An entry of a model's operator table: a builtin operator, or a custom one by name.
public struct TFLiteOperatorCode: Hashable, Sendable, CustomStringConvertible {
    /// The builtin operator (``TFLiteBuiltinOperator/custom`` for a custom one).
    public var builtin: TFLiteBuiltinOperator
    /// A custom operator's name.
    public var customName: String?
    /// The operator's version (the parameters it was written with).
    public var version: Int32

    /// An operator-table entry.
    public init(builtin: TFLiteBuiltinOperator, customName: String? = nil, version: Int32 = 1) {
        self.builtin = builtin
        self.customName = customName
        self.version = version
    }

    public var description: String {
        if builtin == .custom { return "CUSTOM(\(customName ?? "unnamed"))" }
        return builtin.name
    }
}
