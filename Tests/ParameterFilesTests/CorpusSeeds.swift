import Foundation
import ParameterFiles
import Testing

/// Writes the mutation-test seeds in Tests/ParameterFilesTests/Corpus (committed; run with
/// FACEATLAS_WRITE_CORPUS=1 to make them again): small valid parameter files of each kind FaceAtlas writes,
/// stored and deflated, and one rewritten by NumPy's own ZIP writer.
@Suite struct CorpusSeeds {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["FACEATLAS_WRITE_CORPUS"] == "1"))
    func writeCorpus() throws {
        let folder = Project.root.appendingPathComponent("Tests/ParameterFilesTests/Corpus")
        let fit = sampleFile(frames: 5, expressions: 4, identity: 5, vertices: 3, seed: 11)
        try fit.write(to: folder.appendingPathComponent("fit-compressed.npz"), compressed: true)
        try fit.write(to: folder.appendingPathComponent("fit-stored.npz"), compressed: false)
        var flame = sampleFile(subject: "S1", stimulus: "fear", frames: 4, expressions: 6, identity: 8, vertices: nil, seed: 12)
        flame.meta.modelID = "FLAME"
        flame.meta.modelSHA256 = ""
        flame.meta.expressionNames = (1...6).map { String(format: "exp_%02d", $0) }
        flame.meta.camera = .init(model: "none")
        flame.camera = flame.camera.map { _ in [.nan, .nan, .nan] }
        try flame.write(to: folder.appendingPathComponent("flame-import.npz"), compressed: false)
        let anonymized = Anonymizer(identity: .mean, pseudonymizer: Pseudonymizer(secret: try testSecret())).anonymize(fit)
        try anonymized.write(to: folder.appendingPathComponent("anonymized.npz"), compressed: false)
        _ = try Python.run("""
            import sys, numpy as np
            z = dict(np.load(sys.argv[1], allow_pickle=False))
            np.savez_compressed(sys.argv[2], **z)
            """, [folder.appendingPathComponent("fit-stored.npz").path, folder.appendingPathComponent("numpy-savez-compressed.npz").path])
    }
}
