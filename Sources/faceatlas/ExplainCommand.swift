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
            Each INPUT is one participant: an image or a folder of frames (sorted by name). --landmarks is given once per \
            INPUT, in the same order: the frames' landmark sequence (any format 'faceatlas track' writes or reads), frame i \
            matching image i; invalid frames are skipped. The heatmap is GradCAM at the last block of layer4 for --class \
            (default: each participant's predicted class), sampled at the 68 landmarks; shares are percent of the landmarks' \
            total heat per iBUG organ and per face region of the model (each landmark counts in the region of its nearest \
            embedding vertex). Writes attention.csv to --out: one row per frame, a mean row per participant (over its \
            frames) and an 'all' row (the mean of the participants' means); and overlay PNGs (heatmap and landmarks on the \
            network's view), overlay-<participant>-<frame>.png.
            """)

    @Option(help: "Diagnoser weights.") var weights: String
    @Argument(help: "Participants: each an image or a folder of frames.") var inputs: [String]
    @Option(help: "The frames' 68-point landmarks, once per input, in the same order.") var landmarks: [String]
    @Option(name: .customLong("class"), help: "The class explained (name); default: each participant's predicted class.") var className: String?
    @Option(help: "The output folder.") var out = "explain"
    @Option(help: "Class names for weights that do not name them, comma-separated.") var classes: String?
    @OptionGroup var modelOptions: ModelOptions

    /// A participant's name in the table and file names: its input's name, numbered if two inputs share it.
    static func participantNames(_ inputs: [String]) -> [String] {
        var seen: [String: Int] = [:]
        return inputs.map { input in
            let url = URL(fileURLWithPath: input)
            let base = url.hasDirectoryPath ? url.lastPathComponent : url.deletingPathExtension().lastPathComponent
            seen[base, default: 0] += 1
            return seen[base]! == 1 ? base : "\(base)-\(seen[base]!)"
        }
    }

    func run() throws {
        try runReportingErrors {
            let names = classes.map { $0.split(separator: ",").map(String.init) }
            let (diagnoser, _, _) = try DiagnoserFile.read(URL(fileURLWithPath: weights), classes: names)
            guard !inputs.isEmpty, inputs.count == landmarks.count else {
                throw UsageError("give --landmarks once per input, in the same order (\(inputs.count) inputs, \(landmarks.count) --landmarks)")
            }
            let work = FileManager.default.temporaryDirectory.appendingPathComponent("faceatlas-explain-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: work) }
            let (model, _, _) = try modelOptions.load()
            let regions = LandmarkAttention.landmarkRegions(of: model)
            let classNames = diagnoser.configuration.classes
            let fixedClass: Int? = try className.map { name in
                guard let index = classNames.firstIndex(of: name) else {
                    throw UsageError("--class must be one of \(classNames.joined(separator: ", "))")
                }
                return index
            }
            let transform = FrameTransform(diagnoser.configuration)
            let outURL = URL(fileURLWithPath: out)
            try AtomicFile.createFolder(outURL)
            let header = ["participant", "frame", "class"] + FacialOrgan.allCases.map { "organ_" + $0.name }
                + FaceRegion.allCases.map { "region\($0.rawValue)_" + $0.name }
            func line(_ participant: String, _ frame: String, _ cls: String, _ a: LandmarkAttention) -> String {
                ([participant, frame, cls] + (a.organPercent + a.regionPercent).map { String(format: "%.3f", $0) }).joined(separator: ",")
            }
            var lines = [header.joined(separator: ",")], means: [LandmarkAttention] = [], explained = Set<String>(), frameCount = 0
            for ((input, landmarksPath), name) in zip(zip(inputs, landmarks), Self.participantNames(inputs)) {
                let inputURL = URL(fileURLWithPath: input)
                var isFolder: ObjCBool = false
                if FileManager.default.fileExists(atPath: input, isDirectory: &isFolder), !isFolder.boolValue,
                   !FrameDataset.imageExtensions.contains(inputURL.pathExtension.lowercased()) {
                    throw UsageError("explain reads images or folders of frames whose landmarks --landmarks gives; track a video with 'faceatlas track --crops' first (\(input))")
                }
                let frames = try DiagnoserInputs.frames([input], workFolder: work.appendingPathComponent(name))
                let sequence = try LandmarkIO.read(URL(fileURLWithPath: landmarksPath))
                guard sequence.frames.count == frames.count else {
                    throw FileError(landmarksPath, "has \(sequence.frames.count) frames, but \(input) has \(frames.count) images")
                }
                let classIndex = try fixedClass ?? {
                    let participant = diagnoser.participants(try diagnoser.predict(frames))[0]
                    return classNames.firstIndex(of: participant.predicted) ?? 0
                }()
                explained.insert(classNames[classIndex])
                var rows: [LandmarkAttention] = []
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
                    rows.append(shares)
                    lines.append(line(name, frame.url.lastPathComponent, classNames[classIndex], shares))
                    let offset = Double(side - s) / 2
                    let cropPoints = marks.points.map { SIMD2($0.x * Double(side) / Double(frameSize.x) - offset, $0.y * Double(side) / Double(frameSize.y) - offset) }
                    let stem = (frame.url.lastPathComponent as NSString).deletingPathExtension
                    try PNG.write(cam.overlay(on: resized, transform: transform, landmarks: cropPoints),
                                  to: outURL.appendingPathComponent("overlay-\(name)-\(stem).png"))
                }
                guard let mean = LandmarkAttention.mean(rows) else { throw FileError(landmarksPath, "has no valid frames") }
                lines.append(line(name, "mean", classNames[classIndex], mean))
                means.append(mean)
                frameCount += rows.count
            }
            let overall = LandmarkAttention.mean(means)!
            let explainedClass = explained.count == 1 ? explained.first! : "predicted"
            lines.append(line("all", "mean", explainedClass, overall))
            try AtomicFile.write(Data((lines.joined(separator: "\n") + "\n").utf8), to: outURL.appendingPathComponent("attention.csv"))
            print("GradCAM for \(explainedClass) over \(means.count) participant(s), \(frameCount) frames (percent of landmark heat, mean of the participants):")
            func padded(_ text: String, _ width: Int) -> String { text.padding(toLength: max(width, text.count), withPad: " ", startingAt: 0) }
            for (organ, share) in zip(FacialOrgan.allCases, overall.organPercent) {
                print("  " + padded(organ.name, 26) + String(format: "%5.1f %%", share))
            }
            for (region, share) in zip(FaceRegion.allCases, overall.regionPercent) where share > 0 {
                print("  " + padded(String(format: "%2d ", region.rawValue) + region.name, 26) + String(format: "%5.1f %%", share))
            }
            print("wrote \(outURL.appendingPathComponent("attention.csv").path) and \(frameCount) overlay PNGs")
        }
    }
}
