import FaceAtlasTestSupport
import Foundation
import Testing

/// The `faceatlas bench real` command's own errors (the built executable).
struct RealFaceBenchCommandTests {
    @Test(.enabled(if: FaceAtlasCLI.executable != nil))
    func aMissingDefaultLabelsFileSaysSoAndNamesTheOption() throws {
        let templates = FileManager.default.temporaryDirectory.appendingPathComponent("RealFaceBenchCommandTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: templates, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: templates) }
        do {
            _ = try TestProcess.run(["env", "FACEATLAS_TEMPLATES=\(templates.path)", FaceAtlasCLI.executable!.path, "bench", "real", "--data", templates.path],
                                    timeout: 120)
            Issue.record("expected a failure")
        } catch let error as TestProcess.Failure {
            #expect(error.status != 0)
            #expect(error.description.contains("real-faces/labels.csv does not exist") && error.description.contains("--labels"), "\(error)")
        }
    }

    @Test(.enabled(if: FaceAtlasCLI.executable != nil))
    func aLabelsFileThatDoesNotParseIsNamed() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("RealFaceBenchCommandTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let labels = folder.appendingPathComponent("labels.csv")
        try Data("a.jpg,,,smile,AU12 grin,\n".utf8).write(to: labels)
        do {
            _ = try FaceAtlasCLI.run(["bench", "real", "--data", folder.path, "--labels", labels.path], timeout: 120)
            Issue.record("expected a failure")
        } catch let error as TestProcess.Failure {
            #expect(error.description.contains("\(labels.path): line 1: must_be_active: 'grin' is not a FACS action unit"), "\(error)")
        }
    }
}
