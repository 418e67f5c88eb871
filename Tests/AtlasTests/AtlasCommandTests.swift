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
        // A missing manifest is named.
        #expect(throws: TestProcess.Failure.self) { try FaceAtlasCLI.run(["atlas", "build", folder.appendingPathComponent("nope.csv").path, "--out", out]) }
    }
}
