import ArgumentParser
import FaceAtlasCore
import FaceModel
import Foundation
import Mesh
import ParameterFiles
import Render

/// `faceatlas mesh`: the fitted face of one parameter file, as a mesh file (what eos's fit-model writes).
struct MeshCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mesh",
        abstract: "Write the fitted face of a parameter file as a mesh (OBJ, PLY, STL, glTF, GLB, FBX through assimp).",
        discussion: """
            The face is the file's identity with one frame's expression and jaw: --frame N (0-based), --peak (the \
            valid frame with the most action-unit intensity, the default) or --mean (the mean over valid frames). The \
            head pose is left out (the face looks down the model's axis), unless --pose applies the frame's rotation. \
            Millimetres, the model's axes. The file must have been fitted with the model given (--model; the \
            default model by default).
            """)

    @Argument(help: "A parameter file (.npz).")
    var input: String
    @OptionGroup var modelOptions: ModelOptions
    @Option(help: "The frame to show (0-based index).") var frame: Int?
    @Flag(help: "The valid frame with the largest total action-unit intensity (the default).") var peak = false
    @Flag(help: "The mean expression and jaw over the valid frames.") var mean = false
    @Flag(help: "Apply the frame's head rotation.") var pose = false
    @Option(help: "obj, ply, stl, gltf, glb or fbx (default: from the file name).") var format: String?
    @Option(help: "Output mesh file.") var out: String

    func validate() throws {
        guard [frame != nil, peak, mean].filter({ $0 }).count <= 1 else {
            throw ValidationError("give at most one of --frame, --peak and --mean")
        }
        if let frame, frame < 0 { throw ValidationError("--frame must be 0 or more, not \(frame)") }
        if mean && pose { throw ValidationError("--pose needs one frame (--frame or --peak), not --mean") }
    }

    func run() throws {
        try runReportingErrors {
            let url = URL(fileURLWithPath: input)
            let file = try ParameterFile.read(url)
            let (model, meta, _) = try modelOptions.load()
            guard file.meta.modelID == meta.id else {
                throw FileError(url, "was fitted with model \(file.meta.modelID), not \(meta.id): give that model with --model")
            }
            let frames = file.expression.count
            guard frames > 0 else { throw FileError(url, "has no frames") }
            let valid = (0..<frames).filter { file.confidence.indices.contains($0) ? file.confidence[$0] > 0 : true }
            let chosen = valid.isEmpty ? Array(0..<frames) : valid
            var expression: [Float]
            var jaw: SIMD3<Float>
            var rotation: SIMD3<Float>? = nil
            var what: String
            if mean {
                expression = (0..<file.expression[0].count).map { j in chosen.map { file.expression[$0][j] }.reduce(0, +) / Float(chosen.count) }
                let jaws = chosen.map { SIMD3<Float>(file.pose[$0][3], file.pose[$0][4], file.pose[$0][5]) }
                jaw = jaws.reduce(.zero, +) / Float(jaws.count)
                what = "mean of \(chosen.count) frames"
            } else {
                let t: Int
                if let frame {
                    guard frame < frames else { throw UsageError("--frame \(frame): the file has \(frames) frames (0–\(frames - 1))") }
                    t = frame
                } else {
                    t = chosen.max { file.expression[$0].reduce(0, +) < file.expression[$1].reduce(0, +) } ?? 0
                }
                expression = file.expression[t]
                jaw = SIMD3(file.pose[t][3], file.pose[t][4], file.pose[t][5])
                if pose { rotation = SIMD3(file.pose[t][0], file.pose[t][1], file.pose[t][2]) }
                what = String(format: "frame %d (t = %.2f s)", t, file.time.indices.contains(t) ? file.time[t] : 0)
            }
            guard expression.count == model.expressionCount, file.shape.count <= model.identityCount else {
                throw FileError(url, "holds \(expression.count) expression and \(file.shape.count) identity coefficients; the model has \(model.expressionCount) and \(model.identityCount)")
            }
            var mesh = model.instance(FaceParameters(identity: file.shape, expression: expression, jaw: jaw))
            if let rotation { mesh.positions = mesh.positions.map { Self.rotate($0, by: rotation) } }
            mesh.colors = FaceAppearance.colors(for: model)
            let outURL = URL(fileURLWithPath: out)
            let fmt = try MeshFormat.resolve(format, for: outURL)
            var options = MeshExportOptions(format: fmt)
            options.materials = mesh.partNames.map { MeshMaterial(name: $0, diffuseColor: FaceRendering.partColor($0)) }
            try MeshIO.export(mesh, to: outURL, options: options)
            print("\(outURL.path): \(what) of \(url.lastPathComponent), \(mesh.vertexCount) vertices, \(mesh.triangleCount) triangles (\(fmt.rawValue))")
        }
    }

    /// `p` rotated by the axis-angle vector `r` (radians; Rodrigues' formula).
    static func rotate(_ p: SIMD3<Float>, by r: SIMD3<Float>) -> SIMD3<Float> {
        let angle = (r * r).sum().squareRoot()
        guard angle > 1e-9 else { return p }
        let k = r / angle
        let c = cos(angle), s = sin(angle)
        let cross = SIMD3(k.y * p.z - k.z * p.y, k.z * p.x - k.x * p.z, k.x * p.y - k.y * p.x)
        return p * c + cross * s + k * ((k * p).sum()) * (1 - c)
    }
}
