import Atlas
import Diagnosis
import Imaging
import Matching
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
        // The CNN encoder: crops of reference renders as the patient, labelled crops to calibrate the temperature.
        let (model, _) = try AtlasFixture.loaded.get()
        let weights = folder.appendingPathComponent("dx.npz")
        try DiagnoserFile.write(Diagnoser(DiagnoserConfiguration(baseWidth: 4, inputSize: 32), seed: 1), to: weights)
        let atlasValue = try Atlas.read(URL(fileURLWithPath: out))
        for group in ["MDD", "BD", "HC"] {
            let crops = try ReferenceFaceCrops.crops(try atlasValue.reference(group: group, stimulus: "sadness"), model: model, renderSize: 256, size: 96)
            for (i, crop) in crops.enumerated() {
                try PNG.write(crop, to: folder.appendingPathComponent("calibration/\(group)/\(group)-p\(i)/0.png"))
                if group == "BD" { try PNG.write(crop, to: folder.appendingPathComponent("patient/\(i).png")) }
            }
        }
        let cnn = try FaceAtlasCLI.run(["match", folder.appendingPathComponent("patient").path, "--encoder", "cnn", "--weights", weights.path,
                                        "--calibrate", folder.appendingPathComponent("calibration").path, "--atlas", out, "--model", templates, "--json"])
        let answer = try JSONSerialization.jsonObject(with: Data(cnn.utf8)) as! [String: Any]
        #expect(answer["calibrated"] as? Bool == true && answer["encoder"] as? String == "cnn")
        #expect(((answer["result"] as! [String: Any])["similarities"] as! [Double]).count == 3)
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
