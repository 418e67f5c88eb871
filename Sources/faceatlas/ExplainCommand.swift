import ArgumentParser
import Diagnosis
import FaceAtlasCore
import FaceModel
import Foundation
import Imaging
import Landmarks
import NeuralNet
import Numerics

/// `faceatlas explain`: GradCAM biomarkers, the heat at the 68 landmarks grouped by organ and region.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "GradCAM of the CNN diagnoser at the landmarks: attention per organ (9) and face region (16).",
        discussion: """
            INPUT is an image or a folder of frames (sorted by name); --landmarks is their landmark sequence (any format \
            'faceatlas track' writes or reads), frame i matching image i; invalid frames are skipped. The heatmap is \
            GradCAM at the last block of layer4 for --class (default: the participant's predicted class), sampled at the \
            68 landmarks; shares are percent of the landmarks' total heat per iBUG organ and per face region of the \
            model (each landmark counts in the region of its nearest embedding vertex). Writes attention.csv (one row per \
            frame and a mean row) and overlay PNGs (heatmap and landmarks on the network's view) to --out.
            """)

    @Option(help: "Diagnoser weights.") var weights: String
    @Argument(help: "An image or a folder of frames.") var input: String
    @Option(help: "The frames' 68-point landmarks.") var landmarks: String
    @Option(name: .customLong("class"), help: "The class explained (name); default: the predicted class.") var className: String?
    @Option(help: "The output folder.") var out = "explain"
    @Option(help: "Class names for weights that do not name them, comma-separated.") var classes: String?
    @OptionGroup var modelOptions: ModelOptions

    func run() throws {
        try runReportingErrors {
            let names = classes.map { $0.split(separator: ",").map(String.init) }
            let (diagnoser, _, _) = try DiagnoserFile.read(URL(fileURLWithPath: weights), classes: names)
            let frames = try DiagnoserInputs.frames([input])
            let sequence = try LandmarkIO.read(URL(fileURLWithPath: landmarks))
            guard sequence.frames.count == frames.count else {
                throw FileError(landmarks, "has \(sequence.frames.count) frames, but \(input) has \(frames.count) images")
            }
            let (model, _, _) = try modelOptions.load()
            let regions = LandmarkAttention.landmarkRegions(of: model)
            let classNames = diagnoser.configuration.classes
            let classIndex: Int
            if let className {
                guard let index = classNames.firstIndex(of: className) else {
                    throw UsageError("--class must be one of \(classNames.joined(separator: ", "))")
                }
                classIndex = index
            } else {
                let participant = diagnoser.participants(try diagnoser.predict(frames))[0]
                classIndex = classNames.firstIndex(of: participant.predicted) ?? 0
            }
            let transform = FrameTransform(diagnoser.configuration)
            let outURL = URL(fileURLWithPath: out)
            try AtomicFile.createFolder(outURL)
            var rows: [(String, LandmarkAttention)] = []
            let s = transform.inputSize, side = transform.resizeSide
            for (frame, marks) in zip(frames, sequence.frames) where marks.isValid {
                let original = try FrameImages.read(frame.url)
                let resized = original.resized(width: side, height: side)
                var values = [Float](repeating: 0, count: 3 * s * s)
                var generator = SeededGenerator(seed: 0)
                values.withUnsafeMutableBufferPointer { transform.apply(resized, training: false, generator: &generator, into: $0) }
                let cam = GradCAM(diagnoser: diagnoser, image: Tensor(shape: [1, 3, s, s], data: values), classIndex: classIndex)
                let frameSize = SIMD2(original.width, original.height)
                let shares = LandmarkAttention(cam: cam, points: marks.points, frameSize: frameSize, transform: transform, landmarkRegions: regions)
                rows.append((frame.url.lastPathComponent, shares))
                let offset = Double(side - s) / 2
                let cropPoints = marks.points.map { SIMD2($0.x * Double(side) / Double(frameSize.x) - offset, $0.y * Double(side) / Double(frameSize.y) - offset) }
                let stem = (frame.url.lastPathComponent as NSString).deletingPathExtension
                try PNG.write(cam.overlay(on: resized, transform: transform, landmarks: cropPoints),
                              to: outURL.appendingPathComponent("overlay-\(stem).png"))
            }
            guard let mean = LandmarkAttention.mean(rows.map(\.1)) else { throw FileError(landmarks, "has no valid frames") }
            let header = ["frame", "class"] + FacialOrgan.allCases.map { "organ_" + $0.name } + FaceRegion.allCases.map { "region\($0.rawValue)_" + $0.name }
            func line(_ name: String, _ a: LandmarkAttention) -> String {
                ([name, classNames[classIndex]] + (a.organPercent + a.regionPercent).map { String(format: "%.3f", $0) }).joined(separator: ",")
            }
            let csv = ([header.joined(separator: ",")] + rows.map { line($0.0, $0.1) } + [line("mean", mean)]).joined(separator: "\n") + "\n"
            try AtomicFile.write(Data(csv.utf8), to: outURL.appendingPathComponent("attention.csv"))
            print("GradCAM for \(classNames[classIndex]) over \(rows.count) frames (percent of landmark heat):")
            func padded(_ text: String, _ width: Int) -> String { text.padding(toLength: max(width, text.count), withPad: " ", startingAt: 0) }
            for (organ, share) in zip(FacialOrgan.allCases, mean.organPercent) {
                print("  " + padded(organ.name, 26) + String(format: "%5.1f %%", share))
            }
            for (region, share) in zip(FaceRegion.allCases, mean.regionPercent) where share > 0 {
                print("  " + padded(String(format: "%2d ", region.rawValue) + region.name, 26) + String(format: "%5.1f %%", share))
            }
            print("wrote \(outURL.appendingPathComponent("attention.csv").path) and \(rows.count) overlay PNGs")
        }
    }
}
