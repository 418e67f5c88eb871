import ArgumentParser
import DenseLandmarks
import FaceAtlasCore
import FaceModel
import Foundation
import Fitting
import ModelAuthoring
import RealFaces

extension ModelCommand {
    /// `faceatlas model calibrate-mediapipe`: where MediaPipe Face Mesh puts its 468 points on the default model.
    struct CalibrateMediaPipe: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "calibrate-mediapipe",
            abstract: "Embed MediaPipe Face Mesh's 468 points on the default model by tracking renders of it.",
            discussion: """
                Builds the default model from Templates/ without its MediaPipe embedding, renders it with 5 identities \
                at rest in 15 head poses (yaw −30…30°, pitch −10…10°) and with 8 expressions in 3 (see MediaPipeEmbedding), tracks every render with FaceAtlas's own Face Mesh \
                (scripts/fetch-mediapipe's models) and traces each point back to the surface it lies on (see \
                MediaPipeEmbedding). Writes Templates/mediapipe-embedding.csv, which 'faceatlas model build' applies: \
                the per-point spread it records becomes the fitter's per-point weight. With --data, the embedding is then \
                refined on real faces (scripts/fetch-realfaces DIR, every photo and video tracked with Face Mesh): per point, \
                the offset along the skin that the faces' fits share, as 'calibrate-landmarks' estimates it for the 68 \
                points (see LandmarkCalibration): where the landmarker puts a point on people, not on the model's render.
                """)
        @Option(help: "Folder of MediaPipe's .tflite models (default: Templates/build/mediapipe).")
        var mediapipeModels: String?
        @Option(help: "A real-face folder (scripts/fetch-realfaces DIR) to refine the embedding on.")
        var data: String?
        @Option(help: "Frame rate the video is tracked at.")
        var fps: Double = 5
        @Option(help: "Frames of each video used (spread evenly; together they weigh as one face).")
        var videoFrames: Int = 8
        @Option(help: "Rounds of the real-face refinement at most.")
        var rounds: Int = 8
        @Option(help: ArgumentHelp("Calibrate this model file (an imported Surrey/eos or FLAME model, say) instead of the default model.",
                                   discussion: "--out is then the model file to write: the same model with the 468 points embedded, which 'faceatlas fit --model' uses for MediaPipe landmarks. Expressions the model lacks are not rendered."))
        var model: String?
        @Option(help: "Where to write the table (default: Templates/mediapipe-embedding.csv), or with --model the model file (.npz).")
        var out: String?

        func run() throws {
            try runReportingErrors {
                let templates = ProjectPaths.templates
                let model: FaceModel
                var modelMeta: FaceModelFile.Meta?
                if let path = self.model {
                    guard let out, out.lowercased().hasSuffix(".npz") else {
                        throw UsageError("--model: give --out OUT.npz, the model file to write with the embedding")
                    }
                    var (read, meta) = try FaceModelFile.read(URL(fileURLWithPath: path))
                    read.denseLandmarks = nil
                    model = read
                    modelMeta = meta
                } else {
                    var builder = DefaultModelBuilder(templates: templates, log: { _ in })
                    builder.appliesMediaPipeEmbedding = false
                    model = try builder.build()
                }
                let tracker = try MediaPipeFaceTracker(models: mediapipeModels.map { URL(fileURLWithPath: $0) } ?? ProjectPaths.mediaPipeModels)
                var calibration = MediaPipeEmbedding()
                // Only the expressions the model has (an imported model names its components its own way).
                calibration.expressions = calibration.expressions.filter { (try? FaceParameters(model: model, settings: $0)) != nil }
                let progress = ProgressReporter("calibrate-mediapipe", total: calibration.renderCount, stream: .standardError)
                let points = try calibration.calibrate(model: model, tracker: tracker) { _, _ in progress.advance() }
                progress.finish()
                var embedding = SurfacePointEmbedding(triangles: points.map(\.triangle), barycentric: points.map(\.barycentric),
                                                      spread: points.map { $0.triangle >= 0 ? $0.spread : 0 })
                var refinement: [String] = []
                if let data {
                    var embedded = model
                    embedded.denseLandmarks = embedding
                    let models = mediapipeModels.map { URL(fileURLWithPath: $0) } ?? ProjectPaths.mediaPipeModels
                    let faces = try Self.denseFaces(URL(fileURLWithPath: data), fps: fps, videoFrames: videoFrames, models: models)
                    var calibration = LandmarkCalibration()
                    calibration.scheme = .dense
                    calibration.rounds = rounds
                    printErr("calibrate-mediapipe: refining on \(faces.count) real faces")
                    let (offsets, report) = try calibration.estimate(model: embedded, faces: faces) { k, r in
                        printErr(String(format: "  round %d: median NME %.4f, median identity norm %.2f, mean offset %.2f mm, largest change %.2f mm",
                                        k + 1, r.medianNME, r.medianIdentityNorm, r.meanOffset, r.largestChange))
                    }
                    embedding = embedded.withDenseLandmarks(movedBy: offsets).denseLandmarks!
                    refinement = [
                        "Refined on \(faces.count) real faces (--data: scripts/fetch-realfaces, every photo and a video's \(videoFrames) frames tracked with",
                        String(format: "Face Mesh): mean offset %.2f mm; median NME %.4f before, %.4f after; median identity norm %.2f before, %.2f after.",
                               report.last?.meanOffset ?? .nan, report.first?.medianNME ?? .nan, report.last?.medianNME ?? .nan,
                               report.first?.medianIdentityNorm ?? .nan, report.last?.medianIdentityNorm ?? .nan),
                    ]
                }
                let entries = points.indices.map { i -> MediaPipeEmbeddingTable.Entry? in
                    guard embedding.triangles[i] >= 0 else { return nil }
                    let f = model.mesh.triangles[Int(embedding.triangles[i])]
                    return .init(vertices: SIMD3(Int32(f.x), Int32(f.y), Int32(f.z)), barycentric: embedding.barycentric[i],
                                 spread: embedding.spread[i], observations: points[i].observations)
                }
                let spreads = points.compactMap { $0.triangle >= 0 ? Double($0.spread) : nil }.sorted()
                let summary = String(format: "Points embedded: %d of %d; spread median %.2f mm, 90th percentile %.2f mm.",
                                     spreads.count, points.count, spreads.isEmpty ? .nan : spreads[spreads.count / 2],
                                     spreads.isEmpty ? .nan : spreads[spreads.count * 9 / 10])
                let header = [
                    "MediaPipe Face Mesh's 468 points on \(modelMeta.map { "the model \($0.id)" } ?? "the default model"): per point, its triangle's vertices, barycentric",
                    "coordinates, and the scatter (mm; 1.126 × median distance) of where the landmarker put it over the renders.",
                    "Made by: faceatlas model calibrate-mediapipe (FaceAtlas's Face Mesh on mediapipe 0.10.14's face_landmark.tflite,",
                    "\(calibration.identities.count) identities × (\(calibration.views.count) poses at rest + \(calibration.expressions.count) expressions × \(calibration.expressionViews.count) poses) at \(calibration.size) px).",
                    summary,
                ] + refinement
                printErr("calibrate-mediapipe: " + summary)
                if let modelMeta, let out {
                    var embedded = model
                    embedded.denseLandmarks = embedding
                    embedded.provenance["dense_landmarks"] = (header + ["Embedded on \(modelMeta.id)."]).joined(separator: " ")
                    let url = URL(fileURLWithPath: out)
                    let meta = try FaceModelFile.write(embedded, to: url)
                    print("calibrate-mediapipe: wrote \(url.path) (\(meta.id)): \(modelMeta.id) with Face Mesh's points embedded")
                    return
                }
                let url = out.map { URL(fileURLWithPath: $0) } ?? templates.appendingPathComponent(MediaPipeEmbeddingTable.fileName)
                try AtomicFile.write(Data(MediaPipeEmbeddingTable(entries: entries).csv(header: header).utf8), to: url)
                print("calibrate-mediapipe: wrote \(url.path); run 'faceatlas model build' to apply it")
            }
        }
    
        /// The faces of a real-face folder tracked with Face Mesh, a video's frames spread evenly and weighing as one face.
        static func denseFaces(_ folder: URL, fps: Double, videoFrames: Int, models: URL) throws -> [LandmarkCalibration.Face] {
            var faces: [LandmarkCalibration.Face] = []
            for entry in try RealFaceLandmarks.collect(folder, fps: fps, mediaPipeModels: models) {
                let valid = entry.sequence.frames.indices.filter { entry.sequence.frames[$0].isValid }
                guard !valid.isEmpty else { continue }
                let step = max(1, valid.count / max(videoFrames, 1))
                let picked = entry.isVideo ? stride(from: 0, to: valid.count, by: step).prefix(videoFrames).map { valid[$0] } : [valid[0]]
                for t in picked {
                    var one = entry.sequence
                    one.frames = [entry.sequence.frames[t]]
                    faces.append(.init(name: entry.isVideo ? "\(entry.name)@\(t)" : entry.name, sequence: ObservedSequence(one, dense: true),
                                       weight: 1 / Double(picked.count)))
                }
            }
            return faces
        }
    }
}
