import FaceAtlasCore
import Foundation
import Numerics
import Testing
@testable import TFLiteFormat

/// Little-endian bytes of IEEE half floats.
func halfBytes(_ values: [Float]) -> [UInt8] {
    values.flatMap { v -> [UInt8] in let bits = Float16(v).bitPattern; return [UInt8(bits & 0xFF), UInt8(bits >> 8)] }
}

func floatBytes(_ values: [Float]) -> [UInt8] {
    values.flatMap { v -> [UInt8] in let b = v.bitPattern; return (0..<4).map { UInt8(truncatingIfNeeded: b >> (8 * $0)) } }
}

/// A two-operator graph (CONV_2D with float16 weights, then PRELU), with knobs to break it.
struct TinyModel {
    var weights: [Float] = (0..<18).map { Float($0) * 0.25 - 2 }
    var weightType: Int8 = 1
    var weightBytes: [UInt8]? = nil
    var convInput: Int32 = 0
    var extraCode: Int32 = 54  // PRELU
    var identifier = "TFL3"

    func bytes() -> [UInt8] {
        let tensor = { (name: String, shape: [Int32], type: Int8, buffer: UInt32) -> FlatValue in
            .table([0: .int32s(shape), 1: .int8(type), 2: .uint32(buffer), 3: .string(name)])
        }
        let deprecated: Int8 = extraCode < 127 ? Int8(extraCode) : 127
        let model: FlatValue = .table([
            0: .uint32(3),
            1: .tables([
                .table([0: .int8(3), 2: .int32(1)]),
                .table([0: .int8(deprecated), 2: .int32(1), 3: .int32(extraCode)]),
            ]),
            2: .tables([.table([
                0: .tables([
                    tensor("input", [1, 4, 4, 1], 0, 0),
                    tensor("conv/Kernel", [2, 3, 3, 1], weightType, 1),
                    tensor("conv/Bias", [2], 0, 2),
                    tensor("conv", [1, 4, 4, 2], 0, 0),
                    tensor("prelu/Alpha", [1, 1, 2], 0, 3),
                    .table([0: .int32s([1, 4, 4, 2]), 1: .int8(0), 2: .uint32(0), 3: .string("prelu"),
                            4: .table([2: .floats([0.5]), 3: .int64s([0])])]),
                ]),
                1: .int32s([0]),
                2: .int32s([5]),
                3: .tables([
                    .table([0: .uint32(0), 1: .int32s([convInput, 1, 2]), 2: .int32s([3]), 3: .uint8(1),
                            4: .table([0: .int8(0), 1: .int32(2), 2: .int32(1), 3: .int8(1)])]),
                    .table([0: .uint32(1), 1: .int32s([3, 4]), 2: .int32s([5])]),
                ]),
                4: .string("main"),
            ])]),
            3: .string("FaceAtlas test graph"),
            4: .tables([
                .table([:]),
                .table([0: .bytes(weightBytes ?? (weightType == 1 ? halfBytes(weights) : floatBytes(weights)))]),
                .table([0: .bytes(floatBytes([0.5, -0.5]))]),
                .table([0: .bytes(floatBytes([0.25, 0.1]))]),
            ]),
        ])
        return FlatBufferWriter.file(model, identifier: identifier)
    }
}

@discardableResult
func expectFileError(_ fragment: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) -> FileError? {
    do {
        try body()
        Issue.record("expected a FileError about '\(fragment)'", sourceLocation: sourceLocation)
    } catch let error as FileError {
        #expect(error.description.localizedCaseInsensitiveContains(fragment), "\(error) does not mention '\(fragment)'", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected a FileError, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

@Suite struct TFLiteModelTests {
    @Test func readsTheGraphTheWriterMade() throws {
        let tiny = TinyModel()
        let model = try TFLiteModel(bytes: tiny.bytes(), path: "tiny.tflite")
        #expect(model.version == 3)
        #expect(model.description == "FaceAtlas test graph")
        let g = model.main
        #expect(g.name == "main")
        #expect(g.inputs == [0] && g.outputs == [5])
        #expect(g.tensors.map(\.name) == ["input", "conv/Kernel", "conv/Bias", "conv", "prelu/Alpha", "prelu"])
        #expect(g.tensors[1].shape == [2, 3, 3, 1] && g.tensors[1].type == .float16)
        #expect(g.tensors[5].quantization == TFLiteQuantization(scales: [0.5], zeroPoints: [0], quantizedDimension: 0))
        #expect(g.operators.map(\.code.description) == ["CONV_2D", "PRELU"])
        #expect(g.operators[0].inputs == [0, 1, 2] && g.operators[0].outputs == [3])
        #expect(g.operators[0].options == .conv2D(padding: .same, strideW: 2, strideH: 1, activation: .relu, dilationW: 1, dilationH: 1))
        #expect(g.operators[1].options == .none)
        #expect(try model.floatValues(of: 1) == tiny.weights)  // quarter steps are exact in float16
        #expect(try model.floatValues(of: 2) == [0.5, -0.5])
        #expect(model.isConstant(1) && !model.isConstant(0) && !model.isConstant(3))
        #expect(model.operatorsUsed.map(\.builtin) == [.conv2D, .prelu])
    }

    @Test func readsOperatorCodesAbove127FromTheNewField() throws {
        let model = try TFLiteModel(bytes: TinyModel(extraCode: 126).bytes(), path: "tiny.tflite")
        #expect(model.main.operators[1].code.description == "BATCH_MATMUL")
        #expect(TFLiteBuiltinOperator(code: 400).name == "BUILTIN_400")
    }

    @Test func refusesAnUnsupportedOperatorByName() throws {
        let model = try TFLiteModel(bytes: TinyModel().bytes(), path: "tiny.tflite")
        try model.requireOperators(in: [.conv2D, .prelu])
        let error = expectFileError("PRELU") { try model.requireOperators(in: [.conv2D]) }
        #expect(error?.location == "operator 1")
        #expect(error?.path == "tiny.tflite")
    }

    @Test func namesTheFileAndTheProblemOfABrokenModel() throws {
        expectFileError("not a TensorFlow Lite model") { _ = try TFLiteModel(bytes: TinyModel(identifier: "ONNX").bytes(), path: "x.tflite") }
        expectFileError("refers to tensor 9 of 6") { _ = try TFLiteModel(bytes: TinyModel(convInput: 9).bytes(), path: "x.tflite") }
        expectFileError("unknown type 99") { _ = try TFLiteModel(bytes: TinyModel(weightType: 99).bytes(), path: "x.tflite") }
        let short = try TFLiteModel(bytes: TinyModel(weightBytes: halfBytes([1, 2, 3])).bytes(), path: "x.tflite")
        expectFileError("needs 36 bytes, but its buffer 1 holds 6") { _ = try short.floatValues(of: 1) }
        let model = try TFLiteModel(bytes: TinyModel().bytes(), path: "x.tflite")
        expectFileError("not a constant") { _ = try model.floatValues(of: 0) }
        expectFileError("not INT32") { _ = try model.int32Values(of: 1) }
        let missing = expectFileError("cannot be read") { _ = try TFLiteModel(contentsOf: URL(fileURLWithPath: "/nonexistent/face.tflite")) }
        #expect(missing?.path == "/nonexistent/face.tflite")
    }

    @Test func everyTruncationIsAnErrorNotACrash() throws {
        let bytes = TinyModel().bytes()
        for length in 0..<bytes.count {
            expectFileError("x.tflite") {
                let model = try TFLiteModel(bytes: Array(bytes.prefix(length)), path: "x.tflite")
                for t in model.main.tensors.indices where model.isConstant(t) { _ = try model.floatValues(of: t) }
            }
        }
    }

    /// Random damage (bit flips, boundary values in 32-bit fields, cut and spliced bytes) gives a model or a
    /// `FileError`, never a trap: offsets, lengths and indices are all checked before use.
    @Test func randomDamageIsReportedNotACrash() throws {
        let seed = TinyModel().bytes()
        var rng = SeededGenerator(seed: 20261203)
        var refused = 0
        for _ in 0..<3000 {
            var bytes = seed
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                let at = Int.random(in: 0..<bytes.count, using: &rng)
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: bytes[at] ^= 1 << UInt8.random(in: 0..<8, using: &rng)
                case 1:
                    let value: UInt32 = [0, 1, 0x7F, 0x80, 0xFFFF, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF].randomElement(using: &rng)!
                    for k in 0..<4 where at + k < bytes.count { bytes[at + k] = UInt8(truncatingIfNeeded: value >> (8 * k)) }
                case 2: bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...16, using: &rng)))
                default: bytes.insert(contentsOf: [UInt8](repeating: UInt8.random(in: 0...255, using: &rng), count: 4), at: at)
                }
                if bytes.isEmpty { break }
            }
            do {
                let model = try TFLiteModel(bytes: bytes, path: "x.tflite")
                for s in model.subgraphs.indices {
                    for t in model.subgraphs[s].tensors.indices where model.isConstant(t, subgraph: s) {
                        _ = try? model.floatValues(of: t, subgraph: s)
                    }
                }
            } catch is FileError {
                refused += 1
            }
        }
        #expect(refused > 300, "most damage must be detected (\(refused) of 3000 refused)")
    }
}
