import FaceAtlasCore
import Foundation

/// One operator of a subgraph: what it computes, from which tensors, into which.
public struct TFLiteOperator: Sendable, Equatable {
    /// The operator (an entry of the model's operator table).
    public var code: TFLiteOperatorCode
    /// Input tensor indices in the subgraph (−1: an optional input left out).
    public var inputs: [Int]
    /// Output tensor indices in the subgraph.
    public var outputs: [Int]
    /// Its parameters.
    public var options: TFLiteOperatorOptions
}

/// A computation graph: tensors, the operators in execution order, and the graph's inputs and outputs.
public struct TFLiteSubgraph: Sendable {
    /// The subgraph's name.
    public var name: String
    /// Every tensor of the graph.
    public var tensors: [TFLiteTensor]
    /// The tensors a caller fills.
    public var inputs: [Int]
    /// The tensors a caller reads.
    public var outputs: [Int]
    /// The operators, in execution order.
    public var operators: [TFLiteOperator]
}

/// A TensorFlow Lite model file (`.tflite`, FlatBuffer schema "TFL3"), read without the TensorFlow Lite runtime.
///
/// The file is untrusted input: every offset, vector length and tensor index is checked, and a
/// constant tensor's buffer must hold exactly the bytes its shape and type need. Reading never
/// executes anything; it only describes the graph and hands out constant values.
public struct TFLiteModel: Sendable {
    /// The schema version (3 for every file current tools write).
    public var version: UInt32
    /// The description the converter wrote ("MLIR Converted.", "TOCO Converted.").
    public var description: String
    /// The subgraphs; the first is the model's main graph.
    public var subgraphs: [TFLiteSubgraph]
    /// The file's bytes (constants are read from them on demand).
    let buffer: FlatBuffer
    /// Per model buffer, where its data lie in ``buffer`` (empty for none).
    let bufferRanges: [Range<Int>]
    /// The file the model was read from (for error messages).
    public let path: String

    /// The main graph.
    public var main: TFLiteSubgraph { subgraphs[0] }

    /// Reads a `.tflite` file.
    public init(contentsOf url: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw FileError(url, "cannot be read (\(error.localizedDescription))")
        }
        try self.init(bytes: [UInt8](data), path: url.path)
    }

    /// Reads a model from `bytes`; `path` names it in errors.
    public init(bytes: [UInt8], path: String) throws {
        self.path = path
        guard bytes.count >= 8 else { throw FileError(path, "is not a TensorFlow Lite model (only \(bytes.count) bytes)") }
        let buffer = FlatBuffer(bytes)
        guard buffer.fileIdentifier == "TFL3" else {
            throw FileError(path, "is not a TensorFlow Lite model (no \"TFL3\" identifier at byte 4)")
        }
        self.buffer = buffer
        do {
            let model = try buffer.root()
            version = try model.scalar(0, default: 0)
            description = try model.string(3) ?? ""
            let codes = try model.tables(1).map(Self.operatorCode)
            let ranges = try model.tables(4).enumerated().map { index, table -> Range<Int> in
                if let range = try table.byteRange(0), !range.isEmpty { return range }
                // Models over 2 GB keep data after the FlatBuffer (offset, size): not produced by the models FaceAtlas reads.
                let offset: UInt64 = try table.scalar(1, default: 0)
                if offset > 1 { throw FlatBufferError(position: table.position, problem: "buffer \(index) lies outside the FlatBuffer (offset \(offset)); such large models are not supported") }
                return 0..<0
            }
            bufferRanges = ranges
            subgraphs = try model.tables(2).map { try Self.subgraph($0, codes: codes, bufferCount: ranges.count) }
        } catch let error as FlatBufferError {
            throw FileError(path, "is a malformed TensorFlow Lite model (\(error))")
        } catch let error as ModelProblem {
            throw FileError(path, "is an invalid TensorFlow Lite model: \(error.message)")
        }
        guard !subgraphs.isEmpty else { throw FileError(path, "is an invalid TensorFlow Lite model: it has no subgraph") }
    }

    struct ModelProblem: Error { var message: String }

    static func operatorCode(_ table: FlatBuffer.Table) throws -> TFLiteOperatorCode {
        // `deprecated_builtin_code` (a byte) holds codes below 127; newer files also write `builtin_code` (an int):
        // the larger of the two is the operator, as TensorFlow Lite's own reader decides.
        let deprecated: Int8 = try table.scalar(0, default: 0)
        let current: Int32 = try table.scalar(3, default: 0)
        let code = max(Int32(deprecated), current)
        guard code >= 0 else { throw ModelProblem(message: "an operator code is negative (\(code))") }
        return TFLiteOperatorCode(builtin: TFLiteBuiltinOperator(code: code), customName: try table.string(1), version: try table.scalar(2, default: 1))
    }

    static func subgraph(_ table: FlatBuffer.Table, codes: [TFLiteOperatorCode], bufferCount: Int) throws -> TFLiteSubgraph {
        let name = try table.string(4) ?? ""
        let tensors = try table.tables(0).enumerated().map { index, tensor in
            try Self.tensor(tensor, index: index, bufferCount: bufferCount)
        }
        func indices(_ values: [Int32], optional: Bool, what: String) throws -> [Int] {
            try values.map { value in
                if optional && value == -1 { return -1 }
                guard value >= 0, Int(value) < tensors.count else {
                    throw ModelProblem(message: "\(what) refers to tensor \(value) of \(tensors.count)")
                }
                return Int(value)
            }
        }
        let operators = try table.tables(3).enumerated().map { index, op in
            let codeIndex: UInt32 = try op.scalar(0, default: 0)
            guard Int(codeIndex) < codes.count else {
                throw ModelProblem(message: "operator \(index) uses operator code \(codeIndex) of \(codes.count)")
            }
            let optionsType: UInt8 = try op.scalar(3, default: 0)
            return TFLiteOperator(
                code: codes[Int(codeIndex)],
                inputs: try indices(try op.scalars(1, as: Int32.self), optional: true, what: "operator \(index)'s input"),
                outputs: try indices(try op.scalars(2, as: Int32.self), optional: false, what: "operator \(index)'s output"),
                options: try TFLiteOperatorOptions.read(type: optionsType, table: try op.table(4)))
        }
        return TFLiteSubgraph(
            name: name, tensors: tensors,
            inputs: try indices(try table.scalars(1, as: Int32.self), optional: false, what: "the subgraph input"),
            outputs: try indices(try table.scalars(2, as: Int32.self), optional: false, what: "the subgraph output"),
            operators: operators)
    }

    static func tensor(_ table: FlatBuffer.Table, index: Int, bufferCount: Int) throws -> TFLiteTensor {
        let name = try table.string(3) ?? "tensor \(index)"
        let shape = try table.scalars(0, as: Int32.self)
        guard shape.allSatisfy({ $0 >= 0 }), shape.count <= 8 else {
            throw ModelProblem(message: "tensor \(name) has the shape \(shape)")
        }
        var elements = 1
        for extent in shape {
            let (product, overflow) = elements.multipliedReportingOverflow(by: Int(extent))
            guard !overflow, product <= 1 << 31 else { throw ModelProblem(message: "tensor \(name) of shape \(shape) is too large") }
            elements = product
        }
        let rawType: Int8 = try table.scalar(1, default: 0)
        guard let type = TFLiteTensorType(rawValue: rawType) else {
            throw ModelProblem(message: "tensor \(name) has the unknown type \(rawType)")
        }
        let bufferIndex: UInt32 = try table.scalar(2, default: 0)
        guard Int(bufferIndex) < max(bufferCount, 1) else {
            throw ModelProblem(message: "tensor \(name) refers to buffer \(bufferIndex) of \(bufferCount)")
        }
        var quantization: TFLiteQuantization?
        if let q = try table.table(4) {
            let scales = try q.floats(2)
            if !scales.isEmpty {
                quantization = TFLiteQuantization(scales: scales, zeroPoints: try q.scalars(3, as: Int64.self), quantizedDimension: try q.scalar(5, default: 0))
            }
        }
        return TFLiteTensor(name: name, shape: shape.map(Int.init), type: type, buffer: Int(bufferIndex), quantization: quantization)
    }

    /// Whether `tensor` of the main graph (or of `subgraph`) is a constant, with its values in the file.
    public func isConstant(_ tensor: Int, subgraph: Int = 0) -> Bool {
        let t = subgraphs[subgraph].tensors[tensor]
        return t.buffer > 0 && !bufferRanges[t.buffer].isEmpty
    }

    /// The values of a constant FLOAT32 or FLOAT16 tensor as `Float`s, in the tensor's row-major order.
    ///
    /// Throws a `FileError` when the tensor is not a float constant or its buffer does not hold
    /// exactly the bytes its shape needs.
    public func floatValues(of tensor: Int, subgraph: Int = 0) throws -> [Float] {
        let t = subgraphs[subgraph].tensors[tensor]
        let range = try constantRange(t)
        switch t.type {
        case .float32:
            return range.isEmpty ? [] : stride(from: range.lowerBound, to: range.upperBound, by: 4).map { at in
                Float(bitPattern: UInt32(buffer.bytes[at]) | UInt32(buffer.bytes[at + 1]) << 8 | UInt32(buffer.bytes[at + 2]) << 16 | UInt32(buffer.bytes[at + 3]) << 24)
            }
        case .float16:
            return range.isEmpty ? [] : stride(from: range.lowerBound, to: range.upperBound, by: 2).map { at in
                Float(Float16(bitPattern: UInt16(buffer.bytes[at]) | UInt16(buffer.bytes[at + 1]) << 8))
            }
        default:
            throw FileError(path, "tensor \(t.name) holds \(t.type.name) values, not floats", at: "tensor \(tensor)")
        }
    }

    /// The values of a constant INT32 tensor (shapes, paddings, axes).
    public func int32Values(of tensor: Int, subgraph: Int = 0) throws -> [Int32] {
        let t = subgraphs[subgraph].tensors[tensor]
        guard t.type == .int32 else { throw FileError(path, "tensor \(t.name) holds \(t.type.name) values, not INT32", at: "tensor \(tensor)") }
        let range = try constantRange(t)
        return range.isEmpty ? [] : stride(from: range.lowerBound, to: range.upperBound, by: 4).map { at in
            Int32(bitPattern: UInt32(buffer.bytes[at]) | UInt32(buffer.bytes[at + 1]) << 8 | UInt32(buffer.bytes[at + 2]) << 16 | UInt32(buffer.bytes[at + 3]) << 24)
        }
    }

    func constantRange(_ t: TFLiteTensor) throws -> Range<Int> {
        guard t.buffer > 0, !bufferRanges[t.buffer].isEmpty else {
            throw FileError(path, "tensor \(t.name) is not a constant (it has no data in the file)")
        }
        let range = bufferRanges[t.buffer]
        guard let size = t.type.elementSize, range.count == t.elementCount * size else {
            throw FileError(path, "tensor \(t.name) of shape \(t.shape) and type \(t.type.name) needs \(t.elementCount * (t.type.elementSize ?? 0)) bytes, but its buffer \(t.buffer) holds \(range.count)")
        }
        return range
    }

    /// Every distinct operator the main graph uses, in order of first use.
    public var operatorsUsed: [TFLiteOperatorCode] {
        var seen = Set<TFLiteOperatorCode>()
        return main.operators.map(\.code).filter { seen.insert($0).inserted }
    }

    /// Refuses the model unless every operator of its main graph is in `supported`, naming the first one that is not.
    public func requireOperators(in supported: Set<TFLiteBuiltinOperator>) throws {
        for (index, op) in main.operators.enumerated() where op.code.builtin == .custom || !supported.contains(op.code.builtin) {
            throw FileError(path, "uses the operator \(op.code), which FaceAtlas does not run", at: "operator \(index)")
        }
    }
}
