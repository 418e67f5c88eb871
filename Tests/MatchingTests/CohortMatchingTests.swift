import Atlas
import Evaluation
import FaceAtlasCore
import FaceAtlasTestSupport
import Foundation
import Matching
import Numerics
import Testing

/// The matcher and the biomarker classifier on cohorts of parameter files, evaluated without leakage.
@Suite struct CohortMatchingTests {
    static let cohort: Result<(manifest: CohortManifest, recordings: [AtlasBuilder.Recording]), Error> = Result {
        let folder = AtlasFixture.temporaryFolder()
        let manifest = try CohortManifest.read(try AtlasFixture.cohort(in: folder, perGroup: 8, seed: 11))
        let (model, meta) = try AtlasFixture.loaded.get()
        return (manifest, try AtlasBuilder(model: model, modelID: meta.id, modelSHA256: meta.sha256).readRecordings(manifest))
    }

    func evaluation(_ method: CohortEvaluation.Method, permutations: Int = 0) throws -> CohortEvaluation {
        let (model, meta) = try AtlasFixture.loaded.get()
        var e = CohortEvaluation(model: model, modelID: meta.id, method: method, design: .folds(4), seed: 3)
        e.permutations = permutations
        e.bootstrapResamples = 500
        return e
    }

    @Test(arguments: [CohortEvaluation.Method.matcher, .biomarker])
    func scoresWellAboveChanceOnACohortWithGroupDifferences(_ method: CohortEvaluation.Method) throws {
        let (manifest, recordings) = try Self.cohort.get()
        let (summary, predictions) = try evaluation(method, permutations: 9).run(manifest, recordings: recordings)
        #expect(predictions.count == 24)
        #expect(summary.accuracy.value > 0.8)
        #expect(summary.accuracy.interval!.lower > 1.0 / 3)
        #expect(summary.macroAUC!.value > 0.9)
        #expect(summary.permutationTest!.pValue <= 0.1 + 1e-9, "only the true labels reach that accuracy")
    }

    @Test(arguments: [CohortEvaluation.Method.matcher, .biomarker])
    func shuffledLabelsScoreAtChance(_ method: CohortEvaluation.Method) throws {
        let (manifest, recordings) = try Self.cohort.get()
        // Groups reassigned at random (8 per group), unrelated to the behaviour.
        var generator = SeededGenerator(seed: 99)
        let subjects = manifest.subjects
        let shuffled = subjects.shuffled(using: &generator)
        var group: [String: String] = [:]
        for (i, s) in shuffled.enumerated() { group[s] = ["MDD", "BD", "HC"][i % 3] }
        var entries = manifest.entries
        for i in entries.indices { entries[i].group = group[entries[i].subject]! }
        var relabelled = recordings
        for i in relabelled.indices { relabelled[i].entry.group = group[relabelled[i].entry.subject]! }
        let null = try CohortManifest(entries: entries)
        let (summary, _) = try evaluation(method, permutations: 19).run(null, recordings: relabelled)
        #expect(summary.accuracy.interval!.contains(1.0 / 3), "\(summary.headline)")
        #expect(summary.permutationTest!.pValue > 0.05, "\(summary.headline)")
    }

    @Test func aTrainedMatcherRoundTripsAndMatchesItsOwnGroups() throws {
        let (manifest, recordings) = try Self.cohort.get()
        let (model, meta) = try AtlasFixture.loaded.get()
        let atlas = try AtlasBuilder(model: model, modelID: meta.id, modelSHA256: meta.sha256).build(manifest, recordings: recordings)
        let encoder = DynamicsEncoder(model: model, stimuli: atlas.index.stimuli)
        #expect(encoder.dimension == 2 * (37 * 4 + 25))
        let members = ParticipantRecordings.grouped(recordings)
        for mode in DynamicsMatcher.ReferenceMode.allCases {
            let matcher = try DynamicsMatcher.train(encoder: encoder, modelID: meta.id, members: members,
                                                    standardFaces: ParticipantRecordings.standardFaces(atlas),
                                                    groups: ["MDD", "BD", "HC"], mode: mode, targetErrorRate: 0.05)
            let url = AtlasFixture.temporaryFolder().appendingPathComponent("m.json")
            try matcher.write(to: url)
            #expect(try DynamicsMatcher.read(url) == matcher)
            let correct = try members.filter { try matcher.match($0, encoder: encoder).best == $0.group }.count
            #expect(correct == members.count, "\(mode)")
            // A patient with one stimulus missing is still matched (the missing features sit at the population mean).
            var partial = members[0]
            partial.recordings["sadness"] = nil
            #expect(try matcher.match(partial, encoder: encoder).best == members[0].group)
        }
    }
}
