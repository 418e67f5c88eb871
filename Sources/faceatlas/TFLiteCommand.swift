import ArgumentParser
import FaceAtlasCore
import Foundation
import TFLiteFormat

/// `faceatlas tflite`: what a TensorFlow Lite model holds (its inputs, outputs and operators), read by FaceAtlas's own reader.
struct TFLiteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tflite",
        abstract: "Describe TensorFlow Lite models: inputs, outputs, operators and constants (FaceAtlas's own reader; no TensorFlow).",
        discussion: """
            The MediaPipe face models that 'scripts/fetch-mediapipe' places in Templates/build/mediapipe/ \
            (face_detection_short_range.tflite, face_landmark.tflite, iris_landmark.tflite) are the intended inputs. \
            A malformed file is reported with its name and the problem; nothing in a model is executed.
            """)

    @Argument(help: "TensorFlow Lite model files (.tflite).")
    var files: [String]

    @Flag(help: "Print one JSON object per file.")
    var json = false

    func run() throws {
        try runReportingErrors {
            for file in files {
                let model = try TFLiteModel(contentsOf: URL(fileURLWithPath: file))
                let summary = TFLiteSummary(model)
                if json {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.sortedKeys]
                    print(String(decoding: try encoder.encode(summary), as: UTF8.self))
                } else {
                    print(summary.text(file: file))
                }
            }
        }
    }
}

/// The facts `faceatlas tflite` prints about one model.
struct TFLiteSummary: Encodable {
    struct Port: Encodable { var name: String; var shape: [Int]; var type: String }
    var description: String
    var version: UInt32
    var subgraphs: Int
    var inputs: [Port]
    var outputs: [Port]
    var tensors: Int
    var operatorCount: Int
    /// Operator name → how many times the main graph uses it, in order of first use.
    var operators: [[String: Int]]
    var constants: Int
    var constantTypes: [String: Int]

    init(_ model: TFLiteModel) {
        let g = model.main
        func port(_ i: Int) -> Port { Port(name: g.tensors[i].name, shape: g.tensors[i].shape, type: g.tensors[i].type.name) }
        description = model.description
        version = model.version
        subgraphs = model.subgraphs.count
        inputs = g.inputs.map(port)
        outputs = g.outputs.map(port)
        tensors = g.tensors.count
        operatorCount = g.operators.count
        operators = model.operatorsUsed.map { code in [code.description: g.operators.filter { $0.code == code }.count] }
        let constantIndices = g.tensors.indices.filter { model.isConstant($0) }
        constants = constantIndices.count
        constantTypes = Dictionary(grouping: constantIndices, by: { g.tensors[$0].type.name }).mapValues(\.count)
    }

    func text(file: String) -> String {
        var lines = ["\(file): TensorFlow Lite schema \(version), \"\(description)\", \(subgraphs) subgraph(s)"]
        for p in inputs { lines.append("  input  \(p.name) \(p.shape) \(p.type)") }
        for p in outputs { lines.append("  output \(p.name) \(p.shape) \(p.type)") }
        lines.append("  \(operatorCount) operators, \(tensors) tensors, \(constants) constants (\(constantTypes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")))")
        lines.append("  operators: " + operators.flatMap { $0.map { "\($0.key) ×\($0.value)" } }.joined(separator: ", "))
        return lines.joined(separator: "\n")
    }
}
