import FaceAtlasCore
import FaceAtlasTestSupport
import Foundation
import NeuralNet
import Testing
import TFLiteFormat
@testable import TFLiteInference

/// The outputs of Google's LiteRT interpreter (TensorFlow Lite's own runtime, reference kernels) on `inputs`.
func liteRTOutputs(model: URL, inputs: [[Float]]) throws -> [[Double]] {
    let folder = AtlasFixture.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    var paths: [String] = []
    for (k, input) in inputs.enumerated() {
        let url = folder.appendingPathComponent("input\(k).f32")
        try input.withUnsafeBufferPointer { Data(buffer: $0) }.write(to: url)
        paths.append(url.path)
    }
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("litert_run.py")
    let output = try TestProcess.run(["python3", script.path, model.path] + paths)  // needs ai-edge-litert (scripts/bootstrap installs it)
    return try JSONDecoder().decode([[Double]].self, from: Data(output.utf8))
}

@Suite struct TFLiteInterpreterTests {
    /// Inputs in MediaPipe's ranges: noise in [−1, 1] and a smooth two-tone pattern in [0, 1].
    static func inputs(count: Int, seed: UInt64) -> [[Float]] {
        var state = seed
        let noise = (0..<count).map { _ -> Float in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(state >> 40) / Float(1 << 24) * 2 - 1
        }
        let pattern = (0..<count).map { i -> Float in 0.5 + 0.5 * Float(sin(Double(i) * 0.0137) * cos(Double(i % 97) * 0.21)) }
        return [noise, pattern]
    }

    /// Every output of every MediaPipe face model agrees with TensorFlow Lite's own runtime to float32 rounding.
    @Test(arguments: ["face_detection_short_range.tflite", "face_landmark.tflite", "iris_landmark.tflite"])
    func agreesWithLiteRT(_ file: String) throws {
        let url = try MediaPipeData.model(file)
        let interpreter = try TFLiteInterpreter(model: try TFLiteModel(contentsOf: url))
        let size = interpreter.inputShapes[0].reduce(1, *)
        for (k, input) in Self.inputs(count: size, seed: 42).enumerated() {
            let mine = try interpreter.run([input])
            let theirs = try liteRTOutputs(model: url, inputs: [input])
            try #require(mine.count == theirs.count)
            for (a, b) in zip(mine, theirs) {
                try #require(a.count == b.count)
                let scale = max(1, b.map(abs).max() ?? 0)
                let worst = zip(a, b).map { abs(Double($0) - $1) }.max() ?? 0
                #expect(worst <= 2e-4 * scale, "\(file) input \(k): largest difference \(worst) (outputs up to \(scale))")
            }
        }
    }

    @Test func refusesAGraphWithAnOperatorItDoesNotRun() throws {
        // Face Mesh "with attention" uses custom operators (its landmark refinement): refused by name, at load.
        let url = try MediaPipeData.model("face_landmark.tflite")
        let model = try TFLiteModel(contentsOf: url)
        var broken = model
        broken.subgraphs[0].operators[5].code = TFLiteOperatorCode(builtin: .custom, customName: "Landmarks2TransformMatrix", version: 1)
        do {
            _ = try TFLiteInterpreter(model: broken)
            Issue.record("a custom operator was accepted")
        } catch let error as FileError {
            #expect(error.description.contains("CUSTOM(Landmarks2TransformMatrix)") && error.location == "operator 5")
        }
    }

    @Test func refusesInputsOfTheWrongSize() throws {
        let interpreter = try TFLiteInterpreter(model: try TFLiteModel(contentsOf: try MediaPipeData.model("iris_landmark.tflite")))
        #expect(throws: UsageError.self) { _ = try interpreter.run([[0, 1, 2]]) }
        #expect(throws: UsageError.self) { _ = try interpreter.run([]) }
    }

    /// TensorFlow's SAME padding puts the odd extra row and column after the image; checked against a direct sum.
    @Test func depthwiseConvolutionPadsAsTensorFlowDoes() throws {
        let (c, h, w, k) = (2, 5, 6, 3)
        let x = Tensor(shape: [1, c, h, w], data: (0..<(c * h * w)).map { Float($0 % 7) - 3 })
        let weight = (0..<(c * k * k)).map { Float($0 % 5) - 2 }
        let conv = DepthwiseConvolution(weight: weight, bias: [0.5, -1], channels: c, kernel: k, stride: 2)
        // SAME, stride 2: out 3×3; total padding 2 rows (top 1, bottom 1) and 1 column (left 0, right 1).
        let y = conv.forward(x, outHeight: 3, outWidth: 3, top: 1, left: 0)
        for ch in 0..<c { for oy in 0..<3 { for ox in 0..<3 {
            var sum: Float = ch == 0 ? 0.5 : -1
            for ky in 0..<k { for kx in 0..<k {
                let (iy, ix) = (oy * 2 + ky - 1, ox * 2 + kx)
                if iy >= 0, iy < h, ix < w { sum += weight[ch * 9 + ky * 3 + kx] * x.data[(ch * h + iy) * w + ix] }
            } }
            #expect(y.data[(ch * 3 + oy) * 3 + ox] == sum)
        } } }
    }
}
