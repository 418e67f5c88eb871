import ArgumentParser
import Diagnosis
import FaceAtlasCore
import Foundation
import NeuralNet

/// `faceatlas diagnose`: class probabilities per frame and per participant.
struct DiagnoseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diagnose",
        abstract: "Run the CNN diagnoser on face images: per-frame attention and probabilities, per-participant means.",
        discussion: """
            Each INPUT is an image (PNG or JPEG) or a folder of images; a folder is one participant. A participant's \
            probabilities are the attention-weighted mean of its frames' (Σ α·p / Σ α). --weights reads the project's \
            .npz, safetensors or a PyTorch checkpoint (.pth/.pt, Emoface layout; read without running code).
            """)

    @Option(help: "Diagnoser weights.") var weights: String
    @Argument(help: "Images or folders of images.") var inputs: [String]
    @Option(help: "Class names for weights that do not name them, comma-separated.") var classes: String?
    @Option(help: "The JSON file to write.") var out = "diagnosis.json"
    @Flag(help: "Print every frame, not only participants.") var frames = false

    struct Report: Codable {
        var weights: String
        var classes: [String]
        var participants: [ParticipantPrediction]
        var frames: [FramePrediction]
    }

    func run() throws {
        try runReportingErrors {
            HeapReuse.enable()
            let names = classes.map { $0.split(separator: ",").map(String.init) }
            let (diagnoser, _, _) = try DiagnoserFile.read(URL(fileURLWithPath: weights), classes: names)
            let inputFrames = try DiagnoserInputs.frames(inputs)
            let predictions = try diagnoser.predict(inputFrames)
            let participants = diagnoser.participants(predictions)
            let classNames = diagnoser.configuration.classes
            func row(_ p: [Float]) -> String { zip(classNames, p).map { String(format: "%@ %.3f", $0, $1) }.joined(separator: "  ") }
            if frames {
                for f in predictions { print(String(format: "%@  α %.3f  ", (f.file as NSString).lastPathComponent, f.attention) + row(f.probabilities)) }
            }
            for p in participants { print("\(p.participant) (\(p.frames) frames): \(p.predicted)  " + row(p.probabilities)) }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let report = Report(weights: weights, classes: classNames, participants: participants, frames: predictions)
            try AtomicFile.write(try encoder.encode(report), to: URL(fileURLWithPath: out))
            print("wrote \(out)")
        }
    }
}
