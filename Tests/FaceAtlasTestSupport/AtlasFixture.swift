import Atlas
import FaceAtlasCore
import FaceModel
import Foundation
import ModelAuthoring
import Numerics
import ParameterFiles

/// The default model and synthetic parameter files for atlas tests.
public enum AtlasFixture {
    public static let projectRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    public static let loaded: Result<(model: FaceModel, meta: FaceModelFile.Meta), Error> = Result {
        try FaceModelFile.read(DefaultModelBuilder.defaultModelURL(templates: projectRoot.appendingPathComponent("Templates")))
    }
    public static var model: FaceModel { get throws { try loaded.get().model } }
    public static var meta: FaceModelFile.Meta { get throws { try loaded.get().meta } }

    public static func temporaryFolder() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("atlas-tests-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A recording whose named action units follow a rise–plateau–fall course from `onset` (s) with the given peaks.
    public static func recording(subject: String, stimulus: String, identity: [Float], peaks: [String: Float], jawDegrees: Float = 0,
                          frames: Int = 40, fps: Double = 5, onset: Double = 1, invalid: Set<Int> = [], nme: Float = 0.01) throws -> ParameterFile {
        let model = try model, meta = try meta
        let e = model.expressionCount
        var expression: [[Float]] = [], pose: [[Float]] = [], time: [Double] = []
        for t in 0..<frames {
            let s = Double(t) / fps
            let envelope = Float(max(0, min(1, (s - onset) / 1.0, (Double(frames) / fps - s) / 1.0)))
            var row = [Float](repeating: 0, count: e)
            for (name, peak) in peaks {
                for i in model.expressionIndices(named: name) + model.expressions.indices.filter({ model.expressions[$0].facsLabel == name }) {
                    row[i] = peak * envelope
                }
            }
            expression.append(row)
            pose.append([0.01, 0.02, 0, envelope * jawDegrees * .pi / 180, 0, 0])
            time.append(s)
        }
        let fileMeta = ParameterFile.Meta(modelID: meta.id, modelSHA256: meta.sha256, expressionNames: model.expressions.map(\.name),
                                          camera: .init(model: "scaled-orthographic"), subject: subject, stimulus: stimulus, fps: fps,
                                          source: "test", detector: "none", fitterVersion: "test", fitterSettings: [:])
        return ParameterFile(meta: fileMeta, shape: identity, expression: expression, pose: pose,
                             camera: [[Float]](repeating: [4, 100, 100], count: frames), time: time,
                             confidence: (0..<frames).map { invalid.contains($0) ? 0 : 1 },
                             residual: [Float](repeating: 1, count: frames), residualNME: [Float](repeating: nme, count: frames))
    }

    /// A two-stimulus cohort: BD expresses the outer eye corners (AU6, AU7), MDD the inner brows (AU1, AU4),
    /// HC both moderately; identities differ by group in the first component.
    public static func cohort(in folder: URL, perGroup: Int = 6, seed: UInt64 = 7) throws -> URL {
        var rng = SeededGenerator(seed: seed)
        var entries: [CohortManifest.Entry] = []
        let profiles: [String: [String: Float]] = [
            "BD": ["AU6": 0.8, "AU7": 0.6, "AU12": 0.5],
            "MDD": ["AU1": 0.8, "AU4": 0.7, "AU12": 0.2],
            "HC": ["AU6": 0.4, "AU1": 0.4, "AU12": 0.5],
        ]
        let shift: [String: Float] = ["BD": 1, "MDD": -1, "HC": 0]
        for group in ["MDD", "BD", "HC"] {
            for i in 0..<perGroup {
                let subject = "\(group)\(i)"
                var identity = (0..<10).map { _ in Float(rng.nextGaussian() * 0.3) }
                identity[0] += shift[group]!
                let gain = Float(0.8 + 0.4 * rng.nextUniform())
                for stimulus in ["happiness", "sadness"] {
                    let peaks = profiles[group]!.mapValues { $0 * gain * (stimulus == "sadness" ? 0.7 : 1) }
                    let file = try recording(subject: subject, stimulus: stimulus, identity: identity, peaks: peaks,
                                             jawDegrees: group == "HC" ? 6 : 2)
                    let url = folder.appendingPathComponent("params/\(subject)-\(stimulus).npz")
                    try AtomicFile.createFolder(url.deletingLastPathComponent())
                    try file.write(to: url)
                    entries.append(.init(subject: subject, group: group, stimulus: stimulus, file: url, weight: 1,
                                         scores: ["HAMD": group == "HC" ? 3 : 20]))
                }
            }
        }
        let manifest = try CohortManifest(entries: entries, scoreNames: ["HAMD"])
        let url = folder.appendingPathComponent("manifest.csv")
        try manifest.write(to: url)
        return url
    }
}
