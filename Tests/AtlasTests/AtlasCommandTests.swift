import Atlas
import FaceAtlasTestSupport
import Foundation
import Testing

/// `faceatlas atlas build` and `atlas info` on a generated cohort.
@Suite struct AtlasCommandTests {
    @Test func buildsAndSummarisesAnAtlasFromTheCommandLine() throws {
        let folder = AtlasFixture.temporaryFolder()
        let manifest = try AtlasFixture.cohort(in: folder, perGroup: 4)
        let out = folder.appendingPathComponent("atlas").path
        let templates = AtlasFixture.projectRoot.appendingPathComponent("Templates/build/default-model.npz").path
        let built = try FaceAtlasCLI.run(["atlas", "build", manifest.path, "--out", out, "--model", templates])
        #expect(built.contains("3 groups, 2 stimuli, 6 reference faces from 24 recordings"))
        let info = try FaceAtlasCLI.run(["atlas", "info", out])
        #expect(info.contains("group       BD: 4 subjects"))
        #expect(info.contains("largest differences, BD − MDD"))
        let json = try FaceAtlasCLI.run(["atlas", "info", out, "--json"])
        let index = try JSONDecoder().decode(AtlasIndex.self, from: Data(json.utf8))
        #expect(index.references.count == 6)
        // The atlas carries a trained matcher: a participant's files are matched to their group.
        let bd = ["happiness", "sadness"].map { folder.appendingPathComponent("params/BD2-\($0).npz").path }
        let matched = try FaceAtlasCLI.run(["match"] + bd + ["--atlas", out, "--model", templates])
        #expect(matched.contains("predicted   BD"), "\(matched)")
        let unsure = try FaceAtlasCLI.run(["match"] + bd + ["--atlas", out, "--model", templates, "--margin-threshold", "5"])
        #expect(unsure.contains("predicted   indeterminate"), "\(unsure)")
        // Evaluation writes its summary, plots and predictions.
        let evaluation = folder.appendingPathComponent("evaluation").path
        let evaluated = try FaceAtlasCLI.run(["evaluate", manifest.path, "--method", "biomarker", "--folds", "2", "--permutations", "3",
                                              "--bootstrap", "100", "--out", evaluation, "--model", templates])
        #expect(evaluated.contains("biomarker (logistic regression on motion energies): accuracy"))
        for name in ["evaluation.json", "evaluation.md", "evaluation-roc.png", "evaluation-confusion.png", "predictions.csv"] {
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("evaluation/\(name)").path), "\(name)")
        }
        // A missing manifest is named.
        #expect(throws: TestProcess.Failure.self) { try FaceAtlasCLI.run(["atlas", "build", folder.appendingPathComponent("nope.csv").path, "--out", out]) }
    }
}
