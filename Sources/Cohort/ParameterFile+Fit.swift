import FaceModel
import Fitting
import Foundation
import ParameterFiles

extension ParameterFile {
    /// The parameter file of sequence `k` of a fit.
    public init(fit: FitResult, sequence k: Int, model: FaceModel, modelMeta: FaceModelFile.Meta, subject: String, stimulus: String,
         fps: Double?, source: String, detector: String, settings: FitSettings, confidence: [Double], includeVertices: Bool) {
        let seq = fit.sequences[k]
        var camera = Meta.Camera(model: fit.camera.rawValue)
        if let f = fit.focalLength { camera.focalLength = f }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let settingsJSON = (try? encoder.encode(settings)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        let meta = Meta(modelID: modelMeta.id, modelSHA256: modelMeta.sha256, expressionNames: model.expressions.map(\.name),
                        camera: camera, subject: subject, stimulus: stimulus, fps: fps, source: source, detector: detector,
                        fitterVersion: "faceatlas-fit 1", fitterSettings: ["json": settingsJSON])
        let pose = (0..<seq.time.count).map { t -> [Float] in
            let r = seq.rotation[t], j = seq.jaw[t]
            return [r.x, r.y, r.z, j.x, j.y, j.z].map(Float.init)
        }
        let cam = (0..<seq.time.count).map { t -> [Float] in
            fit.camera == .scaledOrthographic ? [Float(seq.scale[t]), Float(seq.translation[t].x), Float(seq.translation[t].y)]
                                              : [Float(seq.translation[t].x), Float(seq.translation[t].y), Float(seq.translation[t].z)]
        }
        var vertices: [[Float]]? = nil
        if includeVertices {
            vertices = (0..<seq.time.count).map { t in
                let p = FaceParameters(identity: fit.identity.map(Float.init), expression: seq.expression[t].map(Float.init),
                                       jaw: SIMD3<Float>(seq.jaw[t]))
                return model.vertices(p).flatMap { [$0.x, $0.y, $0.z] }
            }
        }
        self.init(meta: meta, shape: fit.identity.map(Float.init), expression: seq.expression.map { $0.map(Float.init) }, pose: pose,
                  camera: cam, time: seq.time, confidence: confidence.map(Float.init), residual: seq.residualPixels.map(Float.init),
                  residualNME: seq.residualNormalized.map(Float.init), vertices: vertices)
    }
}
