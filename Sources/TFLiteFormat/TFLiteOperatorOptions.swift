/// The padding rule of a convolution or pooling (`Padding` in the schema).
public enum TFLitePadding: Int8, Sendable {
    /// Output size ⌈input / stride⌉, zeros added evenly (the extra one at the end).
    case same = 0
    /// No padding: output size ⌊(input − kernel) / stride⌋ + 1.
    case valid = 1
}

/// An activation fused into an operator's output (`ActivationFunctionType` in the schema).
public enum TFLiteActivation: Int8, Sendable {
    case none = 0, relu = 1, reluMinus1To1 = 2, relu6 = 3, tanh = 4, signBit = 5
}

/// The parameters of one operator (the schema's `BuiltinOptions` union), for the operators FaceAtlas reads.
public enum TFLiteOperatorOptions: Sendable, Equatable {
    /// No options, or options of an operator FaceAtlas does not read.
    case none
    /// CONV_2D.
    case conv2D(padding: TFLitePadding, strideW: Int, strideH: Int, activation: TFLiteActivation, dilationW: Int, dilationH: Int)
    /// DEPTHWISE_CONV_2D.
    case depthwiseConv2D(padding: TFLitePadding, strideW: Int, strideH: Int, depthMultiplier: Int, activation: TFLiteActivation, dilationW: Int, dilationH: Int)
    /// MAX_POOL_2D and AVERAGE_POOL_2D.
    case pool2D(padding: TFLitePadding, strideW: Int, strideH: Int, filterW: Int, filterH: Int, activation: TFLiteActivation)
    /// CONCATENATION.
    case concatenation(axis: Int, activation: TFLiteActivation)
    /// ADD (also MUL and SUB, whose options hold the same field).
    case elementwise(activation: TFLiteActivation)
    /// RESHAPE (the target shape, when it is given as an option rather than as an input tensor).
    case reshape(newShape: [Int])

    // The union's member numbers (1-based order of `union BuiltinOptions` in the schema).
    static let conv2DOptions: UInt8 = 1
    static let depthwiseConv2DOptions: UInt8 = 2
    static let pool2DOptions: UInt8 = 5
    static let concatenationOptions: UInt8 = 10
    static let addOptions: UInt8 = 11
    static let reshapeOptions: UInt8 = 17
    static let mulOptions: UInt8 = 21
    static let subOptions: UInt8 = 28

    /// Reads the options table of union member `type`.
    static func read(type: UInt8, table: FlatBuffer.Table?) throws -> TFLiteOperatorOptions {
        guard let table else { return .none }
        func activation(_ field: Int) throws -> TFLiteActivation {
            let raw: Int8 = try table.scalar(field, default: 0)
            guard let value = TFLiteActivation(rawValue: raw) else {
                throw FlatBufferError(position: table.position, problem: "unknown fused activation \(raw)")
            }
            return value
        }
        func padding(_ field: Int) throws -> TFLitePadding {
            let raw: Int8 = try table.scalar(field, default: 0)
            guard let value = TFLitePadding(rawValue: raw) else {
                throw FlatBufferError(position: table.position, problem: "unknown padding \(raw)")
            }
            return value
        }
        func int(_ field: Int, default value: Int32 = 0) throws -> Int { Int(try table.scalar(field, default: value)) }
        switch type {
        case conv2DOptions:
            return .conv2D(padding: try padding(0), strideW: try int(1), strideH: try int(2), activation: try activation(3),
                           dilationW: try int(4, default: 1), dilationH: try int(5, default: 1))
        case depthwiseConv2DOptions:
            return .depthwiseConv2D(padding: try padding(0), strideW: try int(1), strideH: try int(2), depthMultiplier: try int(3),
                                    activation: try activation(4), dilationW: try int(5, default: 1), dilationH: try int(6, default: 1))
        case pool2DOptions:
            return .pool2D(padding: try padding(0), strideW: try int(1), strideH: try int(2), filterW: try int(3), filterH: try int(4),
                           activation: try activation(5))
        case concatenationOptions:
            return .concatenation(axis: try int(0), activation: try activation(1))
        case addOptions, mulOptions, subOptions:
            return .elementwise(activation: try activation(0))
        case reshapeOptions:
            return .reshape(newShape: try table.scalars(0, as: Int32.self).map(Int.init))
        default:
            return .none
        }
    }
}
