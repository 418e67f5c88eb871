import FaceAtlasCore
import FaceAtlasTestSupport
import Foundation
import Numerics
import Testing
@testable import TFLiteFormat

/// What TensorFlow's own generated FlatBuffer code (the `tflite` package on PyPI) reads from a model.
struct PythonDigest: Decodable {
    struct Tensor: Decodable { var name: String; var shape: [Int]; var type: Int8; var buffer: Int; var sum: Double? }
    struct Operator: Decodable { var code: Int32; var inputs: [Int]; var outputs: [Int]; var optionsType: Int }
    var inputs: [Int]
    var outputs: [Int]
    var tensors: [Tensor]
    var operators: [Operator]

    static func of(_ url: URL) throws -> PythonDigest {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("tflite_digest.py")
        let output = try TestProcess.run(["python3", script.path, url.path])  // needs `tflite` (scripts/bootstrap installs it)
        return try JSONDecoder().decode(PythonDigest.self, from: Data(output.utf8))
    }
}

@Suite struct MediaPipeModelTests {
    struct Expected: Sendable, CustomTestStringConvertible {
        var file: String
        var inputs: [[Int]]
        var outputs: [[Int]]
        var operators: Set<String>
        var testDescription: String { file }
    }

    static let expected: [Expected] = [
        Expected(file: "face_detection_short_range.tflite", inputs: [[1, 128, 128, 3]], outputs: [[1, 896, 16], [1, 896, 1]],
                 operators: ["DEQUANTIZE", "CONV_2D", "RELU", "DEPTHWISE_CONV_2D", "ADD", "PAD", "MAX_POOL_2D", "RESHAPE", "CONCATENATION"]),
        Expected(file: "face_landmark.tflite", inputs: [[1, 192, 192, 3]], outputs: [[1, 1, 1, 1404], [1, 1, 1, 1]],
                 operators: ["DEQUANTIZE", "CONV_2D", "PRELU", "DEPTHWISE_CONV_2D", "ADD", "MAX_POOL_2D", "PAD"]),
        Expected(file: "iris_landmark.tflite", inputs: [[1, 64, 64, 3]], outputs: [[1, 213], [1, 15]],
                 operators: ["CONV_2D", "PRELU", "DEPTHWISE_CONV_2D", "ADD", "MAX_POOL_2D", "PAD", "RESHAPE"]),
    ]

    /// The graphs are what the issue says they are: 468 points × 3 plus a face flag; 71 eye-contour and brow points and 5 iris points.
    @Test(arguments: expected) func graphHasTheExpectedPortsAndOperators(_ expected: Expected) throws {
        let model = try TFLiteModel(contentsOf: try MediaPipeData.model(expected.file))
        #expect(model.version == 3 && model.subgraphs.count == 1)
        #expect(model.main.inputs.map { model.main.tensors[$0].shape } == expected.inputs)
        #expect(model.main.outputs.map { model.main.tensors[$0].shape } == expected.outputs)
        #expect(model.main.inputs.allSatisfy { model.main.tensors[$0].type == .float32 })
        #expect(Set(model.operatorsUsed.map(\.description)) == expected.operators)
        // Every constant's buffer holds exactly its shape's bytes, and float16 weights decode to finite values.
        for t in model.main.tensors.indices where model.isConstant(t) {
            switch model.main.tensors[t].type {
            case .float16, .float32: #expect(try model.floatValues(of: t).allSatisfy(\.isFinite))
            case .int32: _ = try model.int32Values(of: t)
            default: Issue.record("unexpected constant type \(model.main.tensors[t].type.name)")
            }
        }
        // Every DEQUANTIZE turns a float16 constant into a float32 tensor of the same shape.
        for op in model.main.operators where op.code.builtin == .dequantize {
            let (from, to) = (model.main.tensors[op.inputs[0]], model.main.tensors[op.outputs[0]])
            #expect(from.type == .float16 && to.type == .float32 && from.shape == to.shape)
        }
    }

    /// FaceAtlas's reader and TensorFlow's generated reader agree on every tensor, operator and constant.
    @Test(arguments: expected.map(\.file)) func agreesWithTensorFlowsOwnReader(_ file: String) throws {
        let url = try MediaPipeData.model(file)
        let model = try TFLiteModel(contentsOf: url)
        let digest = try PythonDigest.of(url)
        let g = model.main
        #expect(g.inputs == digest.inputs && g.outputs == digest.outputs)
        try #require(g.tensors.count == digest.tensors.count)
        for (mine, theirs) in zip(g.tensors, digest.tensors) {
            #expect(mine.name == theirs.name && mine.shape == theirs.shape && mine.type.rawValue == theirs.type && mine.buffer == theirs.buffer)
            if let sum = theirs.sum, let index = g.tensors.firstIndex(where: { $0.name == mine.name }) {
                let values = mine.type == .int32 ? try model.int32Values(of: index).map(Double.init) : try model.floatValues(of: index).map(Double.init)
                #expect(abs(values.reduce(0, +) - sum) <= 1e-6 * max(1, abs(sum)), "\(mine.name): \(values.reduce(0, +)) vs \(sum)")
            }
        }
        try #require(g.operators.count == digest.operators.count)
        for (mine, theirs) in zip(g.operators, digest.operators) {
            #expect(mine.code.builtin.code == theirs.code && mine.inputs == theirs.inputs && mine.outputs == theirs.outputs)
        }
    }

    /// The test writer's FlatBuffers are real ones: TensorFlow's generated reader reads the tiny graph too.
    @Test func tinyModelIsReadableByTensorFlowsReader() throws {
        let folder = AtlasFixture.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("tiny.tflite")
        try Data(TinyModel().bytes()).write(to: url)
        let digest = try PythonDigest.of(url)
        #expect(digest.tensors.map(\.name) == ["input", "conv/Kernel", "conv/Bias", "conv", "prelu/Alpha", "prelu"])
        #expect(digest.operators.map(\.code) == [3, 54] && digest.operators[0].optionsType == 1)
        #expect(digest.tensors[1].sum == Double(TinyModel().weights.reduce(0, +)))
    }

    /// Damage to a real model (1.2 MB) is reported, never a trap.
    @Test func damageToARealModelIsReported() throws {
        let seed = [UInt8](try Data(contentsOf: try MediaPipeData.model("face_landmark.tflite")))
        var rng = SeededGenerator(seed: 7)
        for _ in 0..<60 {
            var bytes = seed
            // The FlatBuffer's tables and vectors of offsets sit outside the weight data: damage near them.
            for _ in 0..<8 {
                let at = Bool.random(using: &rng) ? Int.random(in: 0..<4096, using: &rng) : Int.random(in: (bytes.count - 65536)..<bytes.count, using: &rng)
                bytes[at] = UInt8.random(in: 0...255, using: &rng)
            }
            if let model = try? TFLiteModel(bytes: bytes, path: "damaged.tflite") {
                for t in model.main.tensors.indices where model.isConstant(t) { _ = try? model.floatValues(of: t) }
            }
        }
    }
}
