import ArgumentParser
import Atlas
import FaceAtlasCore
import FaceModel
import Foundation
import Diagnosis
import Imaging
import Matching

/// `faceatlas match`: classify a patient against an atlas's reference faces.
struct MatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "match",
        abstract: "Match a patient against an atlas's MDD, BD and HC references.",
        discussion: """
        --encoder dynamics (default): INPUT is the patient's parameter files (.npz, one per stimulus, anonymized or \
        not), compared with the groups' standard faces by the atlas's trained matcher. --encoder cnn --weights W: \
        INPUT is face crops (PNG/JPEG files or folders, e.g. from `faceatlas track --crops`), embedded by the \
        diagnoser's penultimate features and compared with the same features of aligned renders of each group's \
        reference faces; --calibrate FRAMES (a labelled frames folder, <group>/<participant>/<frame>.png) fits the \
        softmax temperature, otherwise probabilities use T = 1 and are marked uncalibrated.
        """)
    @Argument(help: "The patient's parameter files (dynamics) or face crops (cnn).")
    var files: [String]
    @Option(help: "Diagnoser weights for --encoder cnn (.npz, .safetensors or a PyTorch checkpoint).")
    var weights: String?
    @Option(help: "Labelled frames (<group>/<participant>/<frame>.png) to fit the CNN matcher's temperature on.")
    var calibrate: String?
    @Option(help: "The atlas folder (built by `faceatlas atlas build`, which trains its matcher).")
    var atlas: String
    @Option(help: "The encoder: dynamics (from parameter files).")
    var encoder: String = "dynamics"
    @Option(help: "Answer 'indeterminate' when the top two similarities differ by less than this (default: the atlas matcher's threshold).")
    var marginThreshold: Double?
    @Flag(help: "Print JSON.")
    var json = false
    @OptionGroup var options: ModelOptions

    struct Output: Codable {
        var participant: String
        var encoder: String
        var references: String
        var stimuli: [String]
        var calibrated: Bool
        var result: MatchResult
    }

    func run() throws {
        try runReportingErrors {
            guard encoder == "dynamics" || encoder == "cnn" else { throw UsageError("--encoder takes dynamics or cnn") }
            let (atlas, model) = try openAtlas(self.atlas, options: options)
            if encoder == "cnn" { return try matchCNN(atlas: atlas, model: model) }
            let url = atlas.folder.appendingPathComponent(DynamicsMatcher.fileName)
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw FileError(atlas.folder, "has no trained matcher (\(DynamicsMatcher.fileName)); rebuild it with `faceatlas atlas build` (it needs two groups)")
            }
            var matcher = try DynamicsMatcher.read(url)
            if let marginThreshold {
                guard marginThreshold >= 0 else { throw UsageError("--margin-threshold must be ≥ 0") }
                matcher.matcher.marginThreshold = marginThreshold
            }
            let patient = try ParticipantRecordings.read(files.map { URL(fileURLWithPath: $0) })
            for (stimulus, r) in patient.recordings where r.file.meta.modelID != atlas.index.modelID {
                throw UsageError("the \(stimulus) file was fitted with model '\(r.file.meta.modelID)', the atlas with '\(atlas.index.modelID)'")
            }
            let unknown = patient.recordings.keys.filter { !matcher.stimuli.contains($0) }
            if !unknown.isEmpty { throw UsageError("the atlas has no stimulus \(unknown.sorted().joined(separator: ", ")); it has \(matcher.stimuli.joined(separator: ", "))") }
            let encoder = DynamicsEncoder(model: model, stimuli: matcher.stimuli)
            let result = try matcher.match(patient, encoder: encoder)
            let output = Output(participant: patient.participant, encoder: "dynamics", references: matcher.referenceMode.rawValue,
                                stimuli: matcher.stimuli.filter { patient.recordings[$0] != nil }, calibrated: true, result: result)
            try report(output, header: [
                "participant \(output.participant): \(output.stimuli.count) of \(matcher.stimuli.count) stimuli (\(output.stimuli.joined(separator: ", ")))",
                "references  \(matcher.referenceMode.rawValue), trained on \(matcher.trainingParticipants) participants",
            ], threshold: matcher.matcher.marginThreshold)
        }
    }

    /// Prints a match as text or JSON.
    func report(_ output: Output, header: [String], threshold: Double) throws {
        let result = output.result
        if json {
            try printJSON(output)
            return
        }
        for line in header { print(line) }
        do {
            for (i, label) in result.labels.enumerated() {
                print(String(format: "  %-6@ similarity %+.4f  probability %.3f", label as NSString, result.similarities[i], result.probabilities[i]))
            }
            let decision = result.predicted ?? "indeterminate (margin below \(String(format: "%.3f", threshold)))"
            print(String(format: "predicted   %@ (probability %.3f%@, margin %.4f)", decision as NSString, result.probability,
                               output.calibrated ? "" : ", uncalibrated", result.margin))
        }
    }

    /// The CNN encoder: the patient's crops against aligned renders of each group's reference faces.
    func matchCNN(atlas: Atlas, model: FaceModel) throws {
        guard let weights else { throw UsageError("--encoder cnn needs --weights (a trained diagnoser)") }
        let (diagnoser, _, _) = try DiagnoserFile.read(URL(fileURLWithPath: weights))
        let encoder = CNNEncoder(diagnoser: diagnoser)
        func images(_ paths: [String]) throws -> [Image] {
            var urls: [URL] = []
            for path in paths {
                let url = URL(fileURLWithPath: path)
                var isFolder: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { throw FileError(url, "does not exist") }
                if isFolder.boolValue {
                    let names = try FileManager.default.contentsOfDirectory(atPath: path).sorted()
                    urls += names.filter { ["png", "jpg", "jpeg"].contains(($0 as NSString).pathExtension.lowercased()) }.map { url.appendingPathComponent($0) }
                } else {
                    urls.append(url)
                }
            }
            guard !urls.isEmpty else { throw UsageError("no PNG or JPEG face images in \(paths.joined(separator: ", "))") }
            return try urls.map { try FrameImages.read($0) }
        }
        let groups = atlas.index.groups.map(\.name)
        let references = try groups.map { g -> [Double] in
            let crops = try atlas.index.references.filter { $0.group == g }.flatMap {
                try ReferenceFaceCrops.crops(try atlas.reference(group: g, stimulus: $0.stimulus), model: model)
            }
            return try encoder.embedding(of: crops)
        }
        var matcher = CosineMatcher(labels: groups, references: references, marginThreshold: marginThreshold ?? 0)
        var calibrated = false
        if let calibrate {
            let dataset = try FrameDataset.folder(URL(fileURLWithPath: calibrate), classes: groups)
            var similarities: [[Double]] = [], truth: [Int] = []
            for participant in Set(dataset.frames.map(\.participant)).sorted() {
                let frames = dataset.frames.filter { $0.participant == participant }
                let embedding = try encoder.embedding(of: try frames.map { try FrameImages.read($0.url) })
                similarities.append(matcher.similarities(to: embedding))
                truth.append(frames[0].label)
            }
            matcher.temperature = CosineMatcher.fittedTemperature(similarities: similarities, truth: truth)
            calibrated = true
        }
        let result = matcher.match(try encoder.embedding(of: try images(files)))
        let output = Output(participant: "patient", encoder: "cnn", references: "aligned renders of the reference faces",
                            stimuli: atlas.index.stimuli, calibrated: calibrated, result: result)
        try report(output, header: ["patient: \(files.count) input(s), CNN features (\(encoder.dimension)-D) of \(URL(fileURLWithPath: weights).lastPathComponent)",
                                   "references  front and three-quarter renders of each group's reference faces"],
                  threshold: matcher.marginThreshold)
    }
}
