import Foundation
import Imaging
import Numerics
import Testing
@testable import Evaluation

@Suite struct ActionUnitStudyTests {
    /// 60 participants: AU01's intensity rises with the score, AU05 is higher in group "SD", AU12 is noise.
    private func records() -> [ActionUnitRecord] {
        var generator = SeededGenerator(seed: 17)
        return (0..<60).map { i in
            let group = i % 2 == 0 ? "HC" : "SD"
            let score = 10 + 8 * generator.nextGaussian()
            func series(_ level: Double) -> [Double] { (0..<50).map { _ in max(0, level + 0.4 * generator.nextGaussian()) } }
            let au01 = series(1 + 0.06 * score + 0.3 * generator.nextGaussian())
            let au05 = series((group == "SD" ? 1.6 : 1) + 0.3 * generator.nextGaussian())
            let au12 = series(1.2 + 0.3 * generator.nextGaussian())
            return ActionUnitRecord(
                participant: "P\(i)", group: group, score: i == 59 ? nil : score,
                intensities: ["AU01": au01, "AU05": au05, "AU12": au12],
                occurrences: ["AU01": au01.map { $0 > 1.5 }])
        }
    }

    @Test func correlationsAndCorrection() throws {
        let study = ActionUnitStudy(records: records())
        #expect(study.actionUnits == ["AU01", "AU05", "AU12"])
        #expect(study.measures == ActionUnitMeasure.allCases)
        let rows = study.correlations()
        let mean = rows.filter { $0.measure == .meanIntensity }
        #expect(mean.count == 3)
        let au01 = try #require(mean.first { $0.actionUnit == "AU01" })
        #expect(au01.pearson.count == 59) // the participant without a score is left out
        #expect(au01.pearson.coefficient > 0.6 && au01.pearsonQ < 0.001 && au01.spearmanQ < 0.001)
        let au12 = try #require(mean.first { $0.actionUnit == "AU12" })
        #expect(au12.pearsonQ > 0.05)
        // The numbers are the plain tests on per-participant means, and q is BH over the AUs of the measure.
        let list = records()
        let x = list.dropLast().map { Statistics.mean($0.intensities["AU01"]!) }
        let y = list.dropLast().map { $0.score! }
        #expect(au01.pearson == HypothesisTests.pearson(x, y) && au01.spearman == HypothesisTests.spearman(x, y))
        let q = MultipleTesting.benjaminiHochberg(mean.map(\.pearson.pValue))
        #expect(zip(q, mean.map(\.pearsonQ)).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) })
        // Only AU01 has occurrence flags.
        let occurrence = rows.filter { $0.measure == .occurrenceRate }
        #expect(occurrence.first { $0.actionUnit == "AU01" }!.pearson.count == 59)
        #expect(occurrence.first { $0.actionUnit == "AU05" }!.pearson.pValue.isNaN)
    }

    @Test func groupComparisons() throws {
        let study = ActionUnitStudy(records: records(), measures: [.meanIntensity, .highPercentile])
        #expect(study.groups == ["HC", "SD"])
        let rows = study.groupComparisons()
        #expect(rows.count == 2 * 3) // two measures × three AUs
        let au05 = try #require(rows.first { $0.actionUnit == "AU05" && $0.measure == .meanIntensity })
        #expect(au05.groupA == "HC" && au05.countA == 30 && au05.countB == 30)
        #expect(au05.meanA < au05.meanB && au05.cohensD < -1.2 && au05.welchQ < 0.001 && au05.mannWhitneyQ < 0.001)
        #expect(abs(au05.hedgesG) < abs(au05.cohensD))
        let au12 = try #require(rows.first { $0.actionUnit == "AU12" && $0.measure == .meanIntensity })
        #expect(au12.welchQ > 0.05)
    }

    @Test func omnibusTestsAcrossThreeGroups() throws {
        var list = records()
        for i in list.indices where i % 3 == 0 { list[i].group = "MDD" }
        let study = ActionUnitStudy(records: list, measures: [.meanIntensity])
        #expect(study.groups == ["HC", "MDD", "SD"])
        let rows = study.omnibusTests()
        #expect(rows.count == 3)
        let au05 = try #require(rows.first { $0.actionUnit == "AU05" })
        #expect(au05.counts.reduce(0, +) == 60 && au05.anova.numeratorDegreesOfFreedom == 2 && au05.anova.denominatorDegreesOfFreedom == 57)
        #expect(au05.anovaQ < 0.001 && au05.kruskalWallisQ < 0.001)
        let samples = study.groups.map { g in zip(list, study.values("AU05", .meanIntensity)).filter { $0.0.group == g }.map { $0.1! } }
        #expect(au05.anova == HypothesisTests.oneWayANOVA(samples) && au05.kruskalWallis == HypothesisTests.kruskalWallis(samples))
        #expect(study.omnibusCSV(rows).split(separator: "\n").count == 4)
    }

    @Test func writesCSVTables() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("faceatlas-au-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let study = ActionUnitStudy(records: records())
        let files = try study.write(to: folder)
        #expect(files.map(\.lastPathComponent) == ["au-stats-participants.csv", "au-stats-correlations.csv", "au-stats-correlations.png",
                                                    "au-stats-groups.csv", "au-stats-groups.png"])
        let chart = try PNG.read(files[2])
        #expect(chart.width == 640 && chart.height > 4 * 28)
        // The significant positive AU01 bar is drawn in the first palette colour.
        #expect(stride(from: 0, to: chart.pixels.count, by: 3).contains { Array(chart.pixels[$0..<($0 + 3)]) == LineChart.palette[0] })
        if let keep = ProcessInfo.processInfo.environment["FACEATLAS_KEEP_CHARTS"] {
            for file in files { try? FileManager.default.copyItem(at: file, to: URL(fileURLWithPath: keep).appendingPathComponent(file.lastPathComponent)) }
        }
        let participants = try String(contentsOf: files[0], encoding: .utf8).split(separator: "\n")
        #expect(participants.count == 61)
        #expect(participants[0].hasPrefix("participant,group,score,AU01_mean,AU05_mean,AU12_mean,AU01_sd"))
        #expect(participants[60].hasPrefix("P59,SD,NA,")) // the missing score
        let correlations = try String(contentsOf: files[1], encoding: .utf8).split(separator: "\n")
        #expect(correlations.count == 1 + 4 * 3)
        #expect(correlations.contains { $0.hasPrefix("AU05,occurrence,0,NA,NA,NA") })
        let groups = try String(contentsOf: files[3], encoding: .utf8).split(separator: "\n")
        #expect(groups[0].split(separator: ",").count == 19 && groups.dropFirst().allSatisfy { $0.split(separator: ",", omittingEmptySubsequences: false).count == 19 })
        #expect(ActionUnitStudy.field("a,b \"c\"") == "\"a,b \"\"c\"\"\"")
    }
}

@Suite struct ActionUnitRecordTests {
    @Test func openFaceColumnsShareTheActionUnitName() {
        let record = ActionUnitRecord(
            participant: "P1", group: "HC", score: 3,
            openFaceColumns: ["AU01_r": [0.5, 1.5, .nan, 2.5], "AU01_c": [0, 1, 1, 1], "pose_Rx": [0, 0, 0, 0]],
            usable: [true, true, true, false])
        #expect(record.intensities == ["AU01": [0.5, 1.5]])
        #expect(record.occurrences == ["AU01": [false, true, true]])
        let study = ActionUnitStudy(records: [record])
        #expect(study.actionUnits == ["AU01"])
        #expect(study.values("AU01", .meanIntensity) == [1.0])
        #expect(study.values("AU01", .occurrenceRate) == [2.0 / 3])
    }
}
