import FaceAtlasTestSupport
import Foundation
import Testing

@Suite("faceatlas synth")
struct SynthCommandTests {
    /// The `faceatlas` built beside this test bundle, if there is one.
    static let executable: URL? = {
        var url = Bundle.main.bundleURL
        for _ in 0..<4 {
            let candidate = url.appendingPathComponent("faceatlas")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            url = url.deletingLastPathComponent()
        }
        return nil
    }()

    @Test("--subjects scales the paper's groups, --response null writes the null model, bad groups are refused",
          .enabled(if: executable != nil))
    func commandLine() throws {
        let folder = Fixture.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let tool = try #require(Self.executable).path
        let output = try TestProcess.run([tool, "synth", "--subjects", "3", "--frames", "8", "--response", "null", "--seed", "5",
                                          "--out", folder.path])
        #expect(output.contains("3 participants (MDD:1,BD:1,HC:1), 15 recordings × 8 frames, response model 'null', seed 5"))
        let manifest = try String(contentsOf: folder.appendingPathComponent("manifest.csv"), encoding: .utf8).split(separator: "\n")
        #expect(manifest.count == 16)
        #expect(Set(manifest.dropFirst().map { $0.split(separator: ",")[1] }) == ["MDD", "BD", "HC"])
        let cohort = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("cohort.json"))) as? [String: Any]
        #expect(cohort?["responseModel"] as? String == "null" && cohort?["seed"] as? Int == 5)
        #expect { try TestProcess.run([tool, "synth", "--groups", "MDD:2,XX:1", "--out", folder.path]) } throws: {
            "\($0)".contains("no group 'XX'")
        }
    }
}
