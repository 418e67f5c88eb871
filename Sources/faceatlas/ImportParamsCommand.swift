import ArgumentParser
import FaceAtlasCore
import Foundation
import ParameterFiles

/// `faceatlas import-params`: FLAME codes from DECA, EMOCA or the Emoface release → a parameter file.
struct ImportParamsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-params",
        abstract: "Import FLAME codes written by DECA, EMOCA or the Emoface release as a parameter file (model 'FLAME').",
        discussion: """
            deca, emoca: a folder of per-frame codes (EMOCA's per-frame folders of shape.npy, exp.npy, pose.npy; \
            DECA code dictionaries saved as one .npz per frame with shape, exp, pose, cam, optional verts; or \
            <frame>_<code>.npy files), or one .npz of stacked codes. emoface: a folder of vertices.npy, shape.npy, \
            expression.npy, pose.npy (optional cam.npy, time.npy), or one .npz with those arrays. Pickled .npy \
            files are refused.
            """)

    @Argument(help: "The codes: a folder or an .npz/.npy file.")
    var input: String
    @Option(help: "Which tool wrote them: deca, emoca or emoface.")
    var format: FLAMEImportFormat
    @Option(help: "The parameter file to write (.npz).")
    var out: String
    @Option(help: "Frame rate of the codes (used for 'time' when the input has none).")
    var fps: Double = 5
    @Option(help: "Participant id or pseudonym recorded in the file.")
    var subject: String = "participant"
    @Option(help: "Stimulus name (default: the input's name).")
    var stimulus: String?
    @Flag(help: "Leave out per-frame vertices even if the input has them.")
    var noVertices = false

    func run() throws {
        try runReportingErrors {
            let options = FLAMEImportOptions(fps: fps, subject: subject, stimulus: stimulus, includeVertices: !noVertices)
            let file = try FLAMEImport.read(URL(fileURLWithPath: input), format: format, options: options)
            try file.write(to: URL(fileURLWithPath: out))
            let valid = file.confidence.filter { $0 > 0 }.count
            print("\(out): \(file.frameCount) frames (\(valid) valid) from \(format.toolName), \(file.shape.count) shape and "
                  + "\(file.meta.expressionNames.count) expression coefficients" + (file.vertices == nil ? "" : ", with vertices"))
        }
    }
}

extension FLAMEImportFormat: ExpressibleByArgument {}
