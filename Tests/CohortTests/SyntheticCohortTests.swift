import Cohort
import FaceAtlasCore
import Fitting
import Foundation
import Landmarks
import ParameterFiles
import Testing

@Suite("Synthetic cohort")
struct SyntheticCohortTests {
    @Test("the same seed gives the same cohort byte for byte, on one thread or several; another seed does not")
    func determinism() throws {
        let first = Fixture.temporaryFolder(), second = Fixture.temporaryFolder(), third = Fixture.temporaryFolder()
        defer { for f in [first, second, third] { try? FileManager.default.removeItem(at: f) } }
        try Fixture.generator(threads: 1).write(to: first, quiet: true)
        try Fixture.generator(threads: 3).write(to: second, quiet: true)
        try Fixture.generator(seed: 8).write(to: third, quiet: true)
        let a = try Fixture.hashes(first), b = try Fixture.hashes(second), c = try Fixture.hashes(third)
        // 6 participants × 2 stimuli × (landmarks + truth) + 6 top-level files.
        #expect(a.count == 6 * 2 * 2 + 5)
        #expect(a == b)
        #expect(Set(a.keys) == Set(c.keys))
        #expect(a["landmarks/S0001/happiness.npz"] != c["landmarks/S0001/happiness.npz"])
        #expect(a["truth/S0003/anger.npz"] != c["truth/S0003/anger.npz"])
    }

    @Test("the manifests list every participant × stimulus, and their files read back with the truth behind them")
    func manifestsReadBack() throws {
        let folder = Fixture.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let generator = try Fixture.generator()
        let summary = try generator.write(to: folder, quiet: true)
        #expect(summary.participants == 6 && summary.recordings == 12 && summary.frames == 360)
        let participants = generator.participants()
        for (url, folderName) in [(summary.manifest, "landmarks"), (summary.truth, "truth")] {
            let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
            #expect(lines.first == "subject,group,stimulus,file,weight,HAMD")
            #expect(lines.count == 1 + 6 * 2)
            var groups: [String: Set<String>] = [:]
            for (row, line) in lines.dropFirst().enumerated() {
                let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                try #require(fields.count == 6)
                let participant = participants[row / 2]
                #expect(fields[0] == participant.subject && fields[0] == String(format: "S%04d", row / 2 + 1))
                #expect(fields[1] == participant.group)
                #expect(fields[2] == ["happiness", "anger"][row % 2])
                #expect(fields[3] == "\(folderName)/\(fields[0])/\(fields[2]).npz")
                #expect(fields[4] == "1")
                #expect(Double(fields[5]) == participant.score && (0...52).contains(participant.score))
                groups[fields[1], default: []].insert(fields[0])
                let file = folder.appendingPathComponent(fields[3])
                if folderName == "landmarks" {
                    let sequence = try LandmarkIO.read(file)
                    #expect(sequence.frames.count == 30)
                    #expect(sequence.imageSize == SIMD2(512, 512))
                    // 3 % of 30 frames: one frame lost, with NaN points and a reason.
                    let invalid = sequence.frames.filter { !$0.isValid }
                    #expect(invalid.count == 1 && invalid[0].invalidReason == "synthetic: face lost")
                    let valid = sequence.frames.filter(\.isValid)
                    #expect(valid.allSatisfy { $0.points.allSatisfy { $0.x > 0 && $0.x < 512 && $0.y > 0 && $0.y < 512 } })
                    #expect(abs(sequence.frames[1].time - 0.2) < 1e-12)
                } else {
                    let truth = try ParameterFile.read(file)
                    #expect(truth.meta.source == "synthetic-truth")
                    #expect(truth.meta.subject == fields[0] && truth.meta.stimulus == fields[2])
                    #expect(truth.shape.map(Double.init) == participant.identity.map { Double(Float($0)) })
                    #expect(truth.frameCount == 30 && truth.confidence.filter { $0 == 0 }.count == 1)
                    // The residual is the tracker noise: about 1 px × √(π/2) ≈ 1.25 px on average.
                    let residuals = truth.residual.filter { !$0.isNaN }.map(Double.init)
                    let mean = residuals.reduce(0, +) / Double(residuals.count)
                    #expect(mean > 0.9 && mean < 1.6)
                }
            }
            #expect(groups.mapValues(\.count) == ["MDD": 3, "BD": 2, "HC": 1])
        }
        let subjects = try String(contentsOf: folder.appendingPathComponent("subjects.csv"), encoding: .utf8).split(separator: "\n")
        #expect(subjects.count == 7 && subjects[0].hasPrefix("subject,group,HAMD,expressivity,latency_s"))
        #expect(subjects[0].contains("gain_AU6") && subjects[0].contains("gain_AU26") && !subjects[0].contains("gain_AU45"))
        let response = try SyntheticCohortResponseModel.read(folder.appendingPathComponent("response-model.json"))
        #expect(response == generator.response)
    }

    @Test("the tracked landmarks are the truth's landmarks plus the tracker noise")
    func landmarksFollowTruth() throws {
        let generator = try Fixture.generator()
        let participant = generator.participants()[0]
        let recording = generator.recordings(of: participant)[0]
        let projector = generator.projector(for: participant)
        let tracked = generator.tracked(recording, stimulusIndex: 0, of: participant, projector: projector)
        var squares: [Double] = []
        for f in 0..<recording.frameCount where !recording.dropped[f] {
            for (observed, clean) in zip(tracked.sequence.frames[f].points, tracked.clean[f]) {
                let d = observed - clean
                squares.append(d.x * d.x); squares.append(d.y * d.y)
            }
        }
        let sd = (squares.reduce(0, +) / Double(squares.count)).squareRoot()
        #expect(abs(sd - 1) < 0.1)
        // The truth moves the face: the mouth corners (48, 54) widen when AU12 rises in the happiness recording.
        let au12 = generator.model.expressions.indices.filter { generator.model.expressions[$0].actionUnit == 12 }
        let intensity = recording.expression.map { row in au12.reduce(0) { $0 + row[$1] } }
        let peak = intensity.indices.max { intensity[$0] < intensity[$1] }!
        let width = tracked.clean.indices.map { f -> Double in
            let d = tracked.clean[f][54] - tracked.clean[f][48]
            return (d * d).sum().squareRoot() / (recording.scale[f] * abs(cos(recording.rotation[f].axisAngle.y)))
        }
        #expect(intensity[peak] > 0.1)
        #expect(width[peak] > width[0] + 2)
    }
}
