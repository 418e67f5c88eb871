import Atlas
import FaceAtlasCore
import FaceAtlasTestSupport
import FaceModel
import Foundation
import Numerics
import ParameterFiles
import Testing

@Suite struct AtlasBuildTests {
    func build(_ manifestURL: URL) throws -> AtlasBuilder.Result {
        let (model, meta) = try AtlasFixture.loaded.get()
        return try AtlasBuilder(model: model, modelID: meta.id, modelSHA256: meta.sha256).build(try CohortManifest.read(manifestURL))
    }

    func index(_ model: FaceModel, _ name: String) -> Int { model.expressionIndex(named: name)! }

    @Test func groupReferencesFollowTheirMembers() throws {
        let folder = AtlasFixture.temporaryFolder()
        let manifestURL = try AtlasFixture.cohort(in: folder)
        let result = try build(manifestURL)
        let model = try AtlasFixture.model
        #expect(result.index.groups.map(\.name) == ["MDD", "BD", "HC"])
        #expect(result.index.stimuli == ["happiness", "sadness"])
        #expect(result.index.references.count == 6)
        #expect(abs(result.index.timeStep - 0.2) < 1e-12)

        // Identity: every recording has the same quality, so the group mean is the plain mean of its members.
        let manifest = try CohortManifest.read(manifestURL)
        for group in result.index.groups {
            let members = manifest.entries.filter { $0.group == group.name && $0.stimulus == "happiness" }
            let shapes = try members.map { try ParameterFile.read($0.file).shape.map(Double.init) }
            for k in 0..<10 {
                let mean = Statistics.mean(shapes.map { $0[k] })
                #expect(abs(group.identity[k] - mean) < 1e-6)
                #expect(abs(group.identitySpread[k] - Statistics.standardDeviation(shapes.map { $0[k] })) < 1e-6)
            }
        }
        // Peaks: BD's outer-corner AUs above MDD's, MDD's inner-brow AUs above BD's.
        func peak(_ g: String, _ s: String, _ au: String) -> Double {
            result.index.references.first { $0.group == g && $0.stimulus == s }!.peakExpression[index(model, au)]
        }
        #expect(peak("BD", "happiness", "AU6L") > 0.6 && peak("MDD", "happiness", "AU6L") == 0)
        #expect(peak("MDD", "happiness", "AU1L") > 0.6 && peak("BD", "happiness", "AU1L") == 0)
        #expect(peak("BD", "sadness", "AU6L") < peak("BD", "happiness", "AU6L"))

        // Motion energy: BD − MDD is positive at the outer eye corners (regions 5, 8), with a large effect.
        for region in [5, 8] {
            let c = result.comparisons.first { $0.stimulus == "happiness" && $0.feature.kind == .region && $0.feature.number == region && $0.groupA == "BD" && $0.groupB == "MDD" }!
            #expect(c.difference > 0 && c.hedgesG > 1, "region \(region): \(c)")
            #expect(c.p < 1e-3 && c.q >= c.p && c.q < 0.01)
        }
        let forehead = result.comparisons.first { $0.stimulus == "happiness" && $0.feature.number == 2 && $0.feature.kind == .region && $0.groupA == "BD" && $0.groupB == "MDD" }!
        #expect(forehead.difference < 0 && forehead.hedgesG < -1)
        // Pair orientation: BD − MDD, then each − HC.
        #expect(Set(result.comparisons.map { "\($0.groupA)-\($0.groupB)" }) == ["BD-MDD", "MDD-HC", "BD-HC"])
    }

    @Test func profilesAreAlignedToOnsetAndWeighted() throws {
        let folder = AtlasFixture.temporaryFolder()
        let model = try AtlasFixture.model
        let au = index(model, "AU12L")
        // Two participants with the same response; B's recording starts 1 s earlier relative to its onset.
        let a = try AtlasFixture.recording(subject: "A", stimulus: "s", identity: [0], peaks: ["AU12": 1], frames: 40, onset: 2)
        let b = try AtlasFixture.recording(subject: "B", stimulus: "s", identity: [0], peaks: ["AU12": 0.5], frames: 40, onset: 3)
        try a.write(to: folder.appendingPathComponent("a.npz"))
        try b.write(to: folder.appendingPathComponent("b.npz"))
        // Weight B three times A; align both to their onsets.
        let manifest = try CohortManifest(entries: [
            .init(subject: "A", group: "G", stimulus: "s", file: folder.appendingPathComponent("a.npz"), weight: 1, onset: 2),
            .init(subject: "B", group: "G", stimulus: "s", file: folder.appendingPathComponent("b.npz"), weight: 3, onset: 3),
        ])
        let meta = try AtlasFixture.meta
        let result = try AtlasBuilder(model: model, modelID: meta.id, modelSHA256: meta.sha256).build(manifest)
        let profile = result.referenceFiles[0]
        // 1.6 s after onset both are on their plateau: (1·1 + 3·0.5) / 4.
        let i = profile.time.firstIndex { abs($0 - 1.6) < 1e-9 }!
        #expect(abs(Double(profile.expression[i][au]) - 0.625) < 1e-5)
        #expect(abs(Double(profile.expression[0][au])) < 1e-6, "at onset nobody has started")
        // Coverage: after A's recording ends (8 s − 2 s = 6 s), only B (3 of 4) remains until 5 s after its onset.
        #expect(profile.confidence[i] == 1)
        #expect(profile.time.count == Int((8.0 - 0.2 - 2) / 0.2 + 1e-6) + 1)
    }

    @Test func unusableRecordingsAreExcludedAndListed() throws {
        let folder = AtlasFixture.temporaryFolder()
        let good = try AtlasFixture.recording(subject: "A", stimulus: "s", identity: [1], peaks: ["AU12": 1])
        let dead = try AtlasFixture.recording(subject: "B", stimulus: "s", identity: [-1], peaks: ["AU12": 1], invalid: Set(0..<40))
        try good.write(to: folder.appendingPathComponent("a.npz"))
        try dead.write(to: folder.appendingPathComponent("b.npz"))
        let manifest = try CohortManifest(entries: [
            .init(subject: "A", group: "G", stimulus: "s", file: folder.appendingPathComponent("a.npz")),
            .init(subject: "B", group: "G", stimulus: "s", file: folder.appendingPathComponent("b.npz")),
        ])
        let (model, meta) = try AtlasFixture.loaded.get()
        let result = try AtlasBuilder(model: model, modelID: meta.id, modelSHA256: meta.sha256).build(manifest)
        #expect(result.index.excluded == ["B/s: no valid frame"])
        #expect(result.index.groups[0].identity[0] == 1)
    }

    @Test func aFileFromAnotherModelIsNamed() throws {
        let folder = AtlasFixture.temporaryFolder()
        var file = try AtlasFixture.recording(subject: "A", stimulus: "s", identity: [1], peaks: [:])
        file.meta.modelID = "someone-else"
        let url = folder.appendingPathComponent("a.npz")
        try file.write(to: url)
        let (model, meta) = try AtlasFixture.loaded.get()
        let builder = AtlasBuilder(model: model, modelID: meta.id, modelSHA256: meta.sha256)
        #expect { try builder.build(try CohortManifest(entries: [.init(subject: "A", group: "G", stimulus: "s", file: url)])) } throws: { error in
            (error as? FileError)?.path == url.path && "\(error)".contains("someone-else")
        }
    }

    @Test func writtenAtlasReadsBackAndNumPyReadsIt() throws {
        let folder = AtlasFixture.temporaryFolder()
        let result = try build(try AtlasFixture.cohort(in: folder, perGroup: 3))
        let atlasFolder = folder.appendingPathComponent("atlas")
        try Atlas.write(result, to: atlasFolder)
        // Rewriting replaces the folder as a whole.
        try Atlas.write(result, to: atlasFolder)
        let atlas = try Atlas.read(atlasFolder)
        #expect(atlas.index == result.index)
        let bd = try atlas.reference(group: "BD", stimulus: "happiness")
        #expect(bd.identity.map(Double.init) == atlas.index.groups.first { $0.name == "BD" }!.identity.map { Double(Float($0)) })
        #expect(bd.profile.meta.subject == "BD")
        #expect(throws: UsageError.self) { try atlas.reference(group: "XX", stimulus: "happiness") }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty)

        let script = """
        import numpy, sys, json, csv
        a = numpy.load(sys.argv[1] + '/references/BD/happiness.npz', allow_pickle=False)
        s = numpy.load(sys.argv[1] + '/references/BD/happiness-spread.npz', allow_pickle=False)
        meta = json.loads(str(a['meta']))
        rows = list(csv.DictReader(open(sys.argv[1] + '/biomarkers/participants.csv')))
        print(a['exp'].shape[1], s['exp_sd'].shape == a['exp'].shape, meta['subject'], len(rows))
        """
        let output = try TestProcess.run(["python3", "-c", script, atlasFolder.path], timeout: 60)
        let model = try AtlasFixture.model
        #expect(output.trimmingCharacters(in: .whitespacesAndNewlines) == "\(model.expressionCount) True BD 18")
    }
}
