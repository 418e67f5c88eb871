import Cohort
import FaceAtlasCore
import Fitting
import Foundation
import Numerics
import Testing

@Suite("Synthetic cohort response model")
struct ResponseModelTests {
    /// Per participant, the mean truth intensity of the components of `label` over every frame of every recording.
    static func meanIntensity(_ generator: SyntheticCohortGenerator, label: Int, participants: [SyntheticCohortParticipant])
        -> [String: [Double]] {
        let components = generator.model.expressions.indices.filter { generator.model.expressions[$0].actionUnit == label }
        var out: [String: [Double]] = [:]
        for p in participants {
            let recordings = generator.recordings(of: p)
            let values = recordings.flatMap { r in r.expression.map { row in components.reduce(0) { $0 + row[$1] } / Double(components.count) } }
            out[p.group, default: []].append(values.reduce(0, +) / Double(values.count))
        }
        return out
    }

    @Test("the default model: BD above MDD at the outer eye corners (AU6, AU7), MDD above BD at the inner ones (AU1, AU4)")
    func groupDirections() throws {
        let generator = try Fixture.generator(groups: "MDD:80,BD:80,HC:40", frames: 30, stimuli: 5)
        let participants = generator.participants()
        for label in [6, 7] {
            let means = Self.meanIntensity(generator, label: label, participants: participants)
            #expect(Fixture.welch(means["BD"]!, means["MDD"]!) > 2.5, "AU\(label)")
        }
        for label in [1, 4] {
            let means = Self.meanIntensity(generator, label: label, participants: participants)
            #expect(Fixture.welch(means["MDD"]!, means["BD"]!) > 2.5, "AU\(label)")
        }
        // Moderate effects: the groups overlap (some BD participants below the MDD mean at AU6).
        let au6 = Self.meanIntensity(generator, label: 6, participants: participants)
        let mddMean = au6["MDD"]!.reduce(0, +) / Double(au6["MDD"]!.count)
        #expect(au6["BD"]!.filter { $0 < mddMean }.count >= 8)
    }

    @Test("the null model: group makes no difference to how a participant responds")
    func nullModel() throws {
        let null = try Fixture.responseModel().withoutGroupDifferences()
        #expect(null.name == "null" && null.score.actionUnitEffects.isEmpty)
        let generator = try Fixture.generator(groups: "MDD:80,BD:80,HC:40", frames: 30, stimuli: 5, response: null)
        // The same seed in another group: the same face behaviour (only the score differs).
        let response = generator.response, units = generator.actionUnits
        let a = SyntheticCohortParticipant(index: 0, group: "MDD", seed: 99, response: response, actionUnits: units,
                                           identityCount: generator.model.identityCount, settings: generator.settings)
        let b = SyntheticCohortParticipant(index: 0, group: "BD", seed: 99, response: response, actionUnits: units,
                                           identityCount: generator.model.identityCount, settings: generator.settings)
        #expect(a.componentGains == b.componentGains && a.latency == b.latency && a.expressivity == b.expressivity)
        #expect(a.score != b.score)
        // …whereas the default model changes them.
        let informed = try Fixture.generator(stimuli: 5)
        let c = SyntheticCohortParticipant(index: 0, group: "MDD", seed: 99, response: informed.response, actionUnits: units,
                                           identityCount: generator.model.identityCount, settings: generator.settings)
        let d = SyntheticCohortParticipant(index: 0, group: "BD", seed: 99, response: informed.response, actionUnits: units,
                                           identityCount: generator.model.identityCount, settings: generator.settings)
        #expect(c.componentGains != d.componentGains)
        // No systematic difference in the truth.
        let participants = generator.participants()
        for label in [1, 4, 6, 7, 12] {
            let means = Self.meanIntensity(generator, label: label, participants: participants)
            #expect(abs(Fixture.welch(means["BD"]!, means["MDD"]!)) < 2.5, "AU\(label)")
        }
    }

    @Test("the score rises with AU1/AU4 and falls with AU12 within the default cohort")
    func scoreCorrelations() throws {
        let generator = try Fixture.generator(groups: "MDD:80,BD:80,HC:40", frames: 30, stimuli: 5)
        let participants = generator.participants()
        let scores = participants.map(\.score)
        func correlation(_ label: Int) -> Double {
            let components = generator.model.expressions.indices.filter { generator.model.expressions[$0].actionUnit == label }
            let means = participants.map { p in
                let values = generator.recordings(of: p).flatMap { r in r.expression.map { row in components.reduce(0) { $0 + row[$1] } } }
                return values.reduce(0, +) / Double(values.count)
            }
            return Statistics.pearson(means, scores)
        }
        #expect(correlation(4) > 0.1)
        #expect(correlation(12) < -0.2)
        // Scores follow the groups: MDD highest, HC lowest.
        func mean(_ group: String) -> Double {
            let s = participants.filter { $0.group == group }.map(\.score)
            return s.reduce(0, +) / Double(s.count)
        }
        #expect(mean("MDD") > mean("BD") && mean("BD") > mean("HC") + 8)
    }

    @Test("fitting a generated participant recovers the true action units")
    func fitRecoversTruth() throws {
        let generator = try Fixture.generator(groups: "BD:1", frames: 30, stimuli: 5)
        let participant = generator.participants()[0]
        let projector = generator.projector(for: participant)
        let recordings = generator.recordings(of: participant)
        let observed = recordings.enumerated().map { k, r in
            ObservedSequence(generator.tracked(r, stimulusIndex: k, of: participant, projector: projector).sequence)
        }
        let fit = try SequenceFitter(rows: generator.rows).fit(observed)
        // Per recording and active FACS label (left and right summed), the correlation of the fitted and true time courses.
        let labels = Set(generator.model.expressions.compactMap(\.actionUnit))
        var correlations: [Double] = []
        for (k, r) in recordings.enumerated() {
            let frames = (0..<r.frameCount).filter { !r.dropped[$0] }
            for label in labels.sorted() {
                let components = generator.model.expressions.indices.filter { generator.model.expressions[$0].actionUnit == label }
                let truth = frames.map { f in components.reduce(0) { $0 + r.expression[f][$1] } }
                guard truth.max()! > 0.15 else { continue }
                let fitted = frames.map { f in components.reduce(0) { $0 + fit.sequences[k].expression[f][$1] } }
                correlations.append(Statistics.pearson(truth, fitted))
            }
        }
        #expect(correlations.count >= 12)
        // Most action units are recovered well; a few small or confusable ones (AU6 against AU7, at 30 frames) are not.
        #expect(Statistics.median(correlations) > 0.6)
        #expect(Statistics.mean(correlations) > 0.5)
        // Head pose: the fitted yaw follows the true yaw.
        let yaw = recordings.indices.flatMap { k in recordings[k].rotation.map(\.axisAngle.y) }
        let fittedYaw = recordings.indices.flatMap { k in fit.sequences[k].rotation.map(\.y) }
        #expect(Statistics.pearson(yaw, fittedYaw) > 0.9)
    }

    @Test("group sizes: parsing, proportional scaling, and the paper's cohort by default")
    func groupSizes() throws {
        #expect(SyntheticCohortGroups.emofaceTraining.total == 353)
        #expect(SyntheticCohortGroups.emofaceTraining.scaled(to: 6).description == "MDD:3,BD:2,HC:1")
        #expect(SyntheticCohortGroups.emofaceTraining.scaled(to: 353) == .emofaceTraining)
        #expect(SyntheticCohortGroups.emofaceTraining.scaled(to: 100).total == 100)
        #expect(try SyntheticCohortGroups.parse("MDD:2, HC:5").description == "MDD:2,HC:5")
        for bad in ["MDD", "MDD:x", "MDD:1,MDD:2", "MDD:0", "MDD:-1"] {
            #expect(throws: UsageError.self) { try SyntheticCohortGroups.parse(bad) }
        }
    }

    @Test("bad response models and settings are refused with what is wrong")
    func badInput() throws {
        let folder = Fixture.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try AtomicFile.createFolder(folder)
        var json = try JSONSerialization.jsonObject(with: try Fixture.responseModel().encoded()) as! [String: Any]
        json.removeValue(forKey: "blinks")
        let missing = folder.appendingPathComponent("missing.json")
        try JSONSerialization.data(withJSONObject: json).write(to: missing)
        #expect { try SyntheticCohortResponseModel.read(missing) } throws: { error in
            (error as? FileError)?.path == missing.path && "\(error)".contains("blinks")
        }
        var negative = try Fixture.responseModel()
        negative.stimuli[0].gains["AU12"] = -1
        #expect(negative.problem()?.contains("AU12") == true)
        var unknown = try Fixture.responseModel()
        unknown.stimuli[0].gains["AU99"] = 0.5
        #expect { try Fixture.generator(response: unknown) } throws: { "\($0)".contains("AU99") }
        #expect { try Fixture.generator(groups: "XYZ:3") } throws: { "\($0)".contains("XYZ") }
        #expect(throws: UsageError.self) { try Fixture.generator(frames: 0) }
    }
}
