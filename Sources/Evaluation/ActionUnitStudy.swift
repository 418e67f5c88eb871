import FaceAtlasCore
import Foundation
import Imaging
import Numerics

/// One participant's action-unit material for the action-unit study: per AU a series of intensities
/// over frames (OpenFace 2.0 `AUxx_r` columns, or FaceAtlas fits) and optionally occurrence flags (`AUxx_c`).
public struct ActionUnitRecord: Sendable, Equatable {
    /// The participant (pseudonym).
    public var participant: String
    /// The participant's group (for group comparisons), if known.
    public var group: String?
    /// The clinical score (for correlations, e.g. a depression scale), if known.
    public var score: Double?
    /// Per AU name, the intensity of each frame.
    public var intensities: [String: [Double]]
    /// Per AU name, whether the AU is present in each frame.
    public var occurrences: [String: [Bool]]

    /// A record for `participant`.
    public init(participant: String, group: String?, score: Double?, intensities: [String: [Double]],
                occurrences: [String: [Bool]] = [:]) {
        self.participant = participant
        self.group = group
        self.score = score
        self.intensities = intensities
        self.occurrences = occurrences
    }

    /// A record from OpenFace 2.0 action-unit columns (as `LandmarkSequence.actionUnits` holds them):
    /// `AUxx_r` become the intensities and `AUxx_c` (1 present, 0 absent) the occurrences of AU "AUxx",
    /// so that both measures of an AU share its name. Frames where `usable` is false (tracking failed)
    /// and non-finite values are left out; other columns are ignored.
    public init(participant: String, group: String?, score: Double?, openFaceColumns: [String: [Double]], usable: [Bool]? = nil) {
        var intensities: [String: [Double]] = [:], occurrences: [String: [Bool]] = [:]
        for (column, values) in openFaceColumns {
            let kept = values.indices.filter { frame in
                let frameUsable = usable.map { frame < $0.count && $0[frame] } ?? true
                return frameUsable && values[frame].isFinite
            }.map { values[$0] }
            if column.hasSuffix("_r") {
                intensities[String(column.dropLast(2))] = kept
            } else if column.hasSuffix("_c") {
                occurrences[String(column.dropLast(2))] = kept.map { $0 >= 0.5 }
            }
        }
        self.init(participant: participant, group: group, score: score, intensities: intensities, occurrences: occurrences)
    }
}

/// A per-participant summary of one AU's frames.
public enum ActionUnitMeasure: String, Sendable, Codable, CaseIterable {
    /// The mean intensity over frames.
    case meanIntensity = "mean"
    /// The standard deviation of the intensity over frames (expressive variability).
    case intensitySD = "sd"
    /// The 95th percentile of the intensity (peak expression, robust to single frames).
    case highPercentile = "p95"
    /// The share of frames in which the AU occurs (from occurrence flags).
    case occurrenceRate = "occurrence"

    /// The measure of one participant's AU (non-finite intensities ignored); nil when the participant
    /// has no frames (or flags) for it.
    func value(intensities: [Double]?, occurrences: [Bool]?) -> Double? {
        let intensities = intensities?.filter(\.isFinite)
        switch self {
        case .meanIntensity:
            guard let x = intensities, !x.isEmpty else { return nil }
            return Statistics.mean(x)
        case .intensitySD:
            guard let x = intensities, x.count > 1 else { return nil }
            return Statistics.standardDeviation(x)
        case .highPercentile:
            guard let x = intensities, !x.isEmpty else { return nil }
            return Statistics.quantile(x, 0.95)
        case .occurrenceRate:
            guard let o = occurrences, !o.isEmpty else { return nil }
            return Double(o.filter { $0 }.count) / Double(o.count)
        }
    }
}

/// The correlation of one AU measure with the score across participants.
public struct ActionUnitCorrelation: Sendable, Equatable, Codable {
    /// The action unit.
    public var actionUnit: String
    /// The per-participant measure.
    public var measure: ActionUnitMeasure
    /// Pearson's r with its p-value.
    public var pearson: CorrelationTest
    /// Benjamini–Hochberg q of the Pearson p-value over all AUs of this measure.
    public var pearsonQ: Double
    /// Spearman's ρ with its p-value.
    public var spearman: CorrelationTest
    /// Benjamini–Hochberg q of the Spearman p-value over all AUs of this measure.
    public var spearmanQ: Double
}

/// The comparison of one AU measure between two groups.
public struct ActionUnitGroupComparison: Sendable, Equatable, Codable {
    /// The action unit.
    public var actionUnit: String
    /// The per-participant measure.
    public var measure: ActionUnitMeasure
    /// The first group.
    public var groupA: String
    /// The second group.
    public var groupB: String
    /// Participants of group A with a value.
    public var countA: Int
    /// Participants of group B with a value.
    public var countB: Int
    /// Group A's mean.
    public var meanA: Double
    /// Group B's mean.
    public var meanB: Double
    /// Group A's standard deviation.
    public var sdA: Double
    /// Group B's standard deviation.
    public var sdB: Double
    /// Welch's t-test of A against B.
    public var welch: WelchTTest
    /// Benjamini–Hochberg q of Welch's p over all AUs of this measure and pair.
    public var welchQ: Double
    /// The Mann–Whitney U test of A against B.
    public var mannWhitney: MannWhitneyUTest
    /// Benjamini–Hochberg q of the Mann–Whitney p over all AUs of this measure and pair.
    public var mannWhitneyQ: Double
    /// Cohen's d (A − B, pooled SD).
    public var cohensD: Double
    /// Hedges' g.
    public var hedgesG: Double
}

/// The test of one AU measure across all groups at once (for three or more groups, such as MDD, BD, HC).
public struct ActionUnitOmnibus: Sendable, Equatable, Codable {
    /// The action unit.
    public var actionUnit: String
    /// The per-participant measure.
    public var measure: ActionUnitMeasure
    /// The groups, sorted.
    public var groups: [String]
    /// Participants with a value per group.
    public var counts: [Int]
    /// Mean per group.
    public var means: [Double]
    /// One-way ANOVA.
    public var anova: GroupsTest
    /// Benjamini–Hochberg q of the ANOVA p over all AUs of this measure.
    public var anovaQ: Double
    /// The Kruskal–Wallis H test.
    public var kruskalWallis: GroupsTest
    /// Benjamini–Hochberg q of the Kruskal–Wallis p over all AUs of this measure.
    public var kruskalWallisQ: Double
}

/// The action-unit study of Sugimori & Yamaguchi (Sci Rep 2025): per-participant AU intensity and
/// occurrence statistics, their correlation with a clinical score (Pearson and Spearman, with
/// Benjamini–Hochberg correction over AUs), pairwise group comparisons (Welch's t, Mann–Whitney U,
/// Cohen's d) and, for three or more groups, omnibus tests (one-way ANOVA, Kruskal–Wallis).
public struct ActionUnitStudy: Sendable {
    /// The action units, sorted.
    public let actionUnits: [String]
    /// The measures computed.
    public let measures: [ActionUnitMeasure]
    /// The participants' records.
    public let records: [ActionUnitRecord]

    /// A study over `records`. `measures` defaults to all four; the occurrence rate is left out when no
    /// record has occurrence flags.
    public init(records: [ActionUnitRecord], measures: [ActionUnitMeasure]? = nil) {
        self.records = records
        actionUnits = Array(Set(records.flatMap { Array($0.intensities.keys) + Array($0.occurrences.keys) })).sorted()
        let hasFlags = records.contains { !$0.occurrences.isEmpty }
        self.measures = measures ?? ActionUnitMeasure.allCases.filter { $0 != .occurrenceRate || hasFlags }
    }

    /// The value of `measure` of `actionUnit` for each record (nil where undefined).
    public func values(_ actionUnit: String, _ measure: ActionUnitMeasure) -> [Double?] {
        records.map { measure.value(intensities: $0.intensities[actionUnit], occurrences: $0.occurrences[actionUnit]) }
    }

    /// Correlations of every AU measure with the score, over participants with both a score and a value.
    public func correlations() -> [ActionUnitCorrelation] {
        var rows: [ActionUnitCorrelation] = []
        for measure in measures {
            let tests = actionUnits.map { au -> (CorrelationTest, CorrelationTest) in
                var x: [Double] = [], y: [Double] = []
                for (record, value) in zip(records, values(au, measure)) {
                    guard let score = record.score, score.isFinite, let value, value.isFinite else { continue }
                    x.append(value)
                    y.append(score)
                }
                return (HypothesisTests.pearson(x, y), HypothesisTests.spearman(x, y))
            }
            let pearsonQ = MultipleTesting.benjaminiHochberg(tests.map(\.0.pValue))
            let spearmanQ = MultipleTesting.benjaminiHochberg(tests.map(\.1.pValue))
            for (k, au) in actionUnits.enumerated() {
                rows.append(ActionUnitCorrelation(actionUnit: au, measure: measure, pearson: tests[k].0, pearsonQ: pearsonQ[k],
                                                  spearman: tests[k].1, spearmanQ: spearmanQ[k]))
            }
        }
        return rows
    }

    /// The groups present, sorted.
    public var groups: [String] { Array(Set(records.compactMap(\.group))).sorted() }

    /// Comparisons of every AU measure between each pair of groups (all pairs by default).
    /// AUs where a group has fewer than two values are left out.
    public func groupComparisons(pairs: [(String, String)]? = nil) -> [ActionUnitGroupComparison] {
        let groups = self.groups
        let pairs = pairs ?? groups.indices.flatMap { i in groups.indices.filter { $0 > i }.map { (groups[i], groups[$0]) } }
        var rows: [ActionUnitGroupComparison] = []
        for measure in measures {
            for (a, b) in pairs {
                var family: [ActionUnitGroupComparison] = []
                for au in actionUnits {
                    var xa: [Double] = [], xb: [Double] = []
                    for (record, value) in zip(records, values(au, measure)) {
                        guard let value, value.isFinite else { continue }
                        if record.group == a { xa.append(value) } else if record.group == b { xb.append(value) }
                    }
                    guard xa.count >= 2, xb.count >= 2 else { continue }
                    family.append(ActionUnitGroupComparison(
                        actionUnit: au, measure: measure, groupA: a, groupB: b, countA: xa.count, countB: xb.count,
                        meanA: Statistics.mean(xa), meanB: Statistics.mean(xb),
                        sdA: Statistics.standardDeviation(xa), sdB: Statistics.standardDeviation(xb),
                        welch: HypothesisTests.welch(xa, xb), welchQ: .nan,
                        mannWhitney: HypothesisTests.mannWhitneyU(xa, xb), mannWhitneyQ: .nan,
                        cohensD: EffectSize.cohensD(xa, xb), hedgesG: EffectSize.hedgesG(xa, xb)))
                }
                let welchQ = MultipleTesting.benjaminiHochberg(family.map(\.welch.pValue))
                let mannWhitneyQ = MultipleTesting.benjaminiHochberg(family.map(\.mannWhitney.pValue))
                for k in family.indices {
                    family[k].welchQ = welchQ[k]
                    family[k].mannWhitneyQ = mannWhitneyQ[k]
                }
                rows += family
            }
        }
        return rows
    }

    /// ANOVA and Kruskal–Wallis of every AU measure across all groups (AUs where a group has no value,
    /// or fewer than two groups have values, are left out).
    public func omnibusTests() -> [ActionUnitOmnibus] {
        let groups = self.groups
        guard groups.count >= 2 else { return [] }
        var rows: [ActionUnitOmnibus] = []
        for measure in measures {
            var family: [ActionUnitOmnibus] = []
            for au in actionUnits {
                var samples = Array(repeating: [Double](), count: groups.count)
                for (record, value) in zip(records, values(au, measure)) {
                    guard let value, value.isFinite, let group = record.group, let g = groups.firstIndex(of: group) else { continue }
                    samples[g].append(value)
                }
                guard samples.allSatisfy({ !$0.isEmpty }) else { continue }
                family.append(ActionUnitOmnibus(
                    actionUnit: au, measure: measure, groups: groups, counts: samples.map(\.count), means: samples.map(Statistics.mean),
                    anova: HypothesisTests.oneWayANOVA(samples), anovaQ: .nan,
                    kruskalWallis: HypothesisTests.kruskalWallis(samples), kruskalWallisQ: .nan))
            }
            let anovaQ = MultipleTesting.benjaminiHochberg(family.map(\.anova.pValue))
            let kruskalQ = MultipleTesting.benjaminiHochberg(family.map(\.kruskalWallis.pValue))
            for k in family.indices {
                family[k].anovaQ = anovaQ[k]
                family[k].kruskalWallisQ = kruskalQ[k]
            }
            rows += family
        }
        return rows
    }

    // MARK: Charts

    /// Spearman's ρ of each AU's `measure` with the score as bars (blue positive, orange negative),
    /// starred by the Benjamini–Hochberg q (* < 0.05, ** < 0.01, *** < 0.001).
    public func correlationChart(_ rows: [ActionUnitCorrelation], measure: ActionUnitMeasure = .meanIntensity) -> Image {
        let bars = rows.filter { $0.measure == measure && $0.spearman.coefficient.isFinite }.map { r in
            BarChart.Bar(label: r.actionUnit, value: r.spearman.coefficient,
                         color: r.spearman.coefficient >= 0 ? LineChart.palette[0] : LineChart.palette[1], note: Self.stars(r.spearmanQ))
        }
        return BarChart(title: "AU \(measure.rawValue) vs score: Spearman rho", valueLabel: "rho (* q<.05, ** q<.01, *** q<.001)",
                        valueRange: -1...1, bars: bars).render()
    }

    /// Cohen's d (A − B) of each AU's `measure` for one pair of groups as bars, starred by Welch's q.
    public func groupComparisonChart(_ rows: [ActionUnitGroupComparison], measure: ActionUnitMeasure = .meanIntensity) -> Image {
        let selected = rows.filter { $0.measure == measure && $0.cohensD.isFinite }
        let pair = selected.first.map { ($0.groupA, $0.groupB) } ?? ("A", "B")
        let bars = selected.filter { $0.groupA == pair.0 && $0.groupB == pair.1 }.map { r in
            BarChart.Bar(label: r.actionUnit, value: r.cohensD,
                         color: r.cohensD >= 0 ? LineChart.palette[0] : LineChart.palette[1], note: Self.stars(r.welchQ))
        }
        let reach = max(1, (bars.map { abs($0.value) }.max() ?? 1).rounded(.up))
        return BarChart(title: "AU \(measure.rawValue): \(pair.0) - \(pair.1), Cohen's d", valueLabel: "d (* Welch q<.05, ** <.01, *** <.001)",
                        valueRange: -reach...reach, bars: bars).render()
    }

    /// Significance stars for a q-value.
    static func stars(_ q: Double) -> String {
        guard q.isFinite else { return "" }
        return q < 0.001 ? "***" : q < 0.01 ? "**" : q < 0.05 ? "*" : ""
    }

    // MARK: CSV

    /// One row per participant: participant, group, score, then one column per AU and measure ("AU01_r_mean").
    public func participantCSV() -> String {
        let columns = measures.flatMap { m in actionUnits.map { ($0, m) } }
        var lines = [(["participant", "group", "score"] + columns.map { "\($0.0)_\($0.1.rawValue)" }).map(Self.field).joined(separator: ",")]
        let table = columns.map { values($0.0, $0.1) }
        for (i, record) in records.enumerated() {
            let cells = [record.participant, record.group ?? "", record.score.map(Self.number) ?? "NA"]
                + table.map { $0[i].map(Self.number) ?? "NA" }
            lines.append(cells.map(Self.field).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The correlation table as CSV.
    public func correlationCSV(_ rows: [ActionUnitCorrelation]) -> String {
        var lines = ["action_unit,measure,n,pearson_r,pearson_p,pearson_q,spearman_rho,spearman_p,spearman_q"]
        for r in rows {
            lines.append(([Self.field(r.actionUnit), r.measure.rawValue, "\(r.pearson.count)"]
                + [r.pearson.coefficient, r.pearson.pValue, r.pearsonQ, r.spearman.coefficient, r.spearman.pValue, r.spearmanQ].map(Self.number))
                .joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The group-comparison table as CSV.
    public func groupComparisonCSV(_ rows: [ActionUnitGroupComparison]) -> String {
        var lines = ["action_unit,measure,group_a,group_b,n_a,n_b,mean_a,mean_b,sd_a,sd_b,welch_t,welch_df,welch_p,welch_q,"
            + "mann_whitney_u,mann_whitney_p,mann_whitney_q,cohens_d,hedges_g"]
        for r in rows {
            let text = [Self.field(r.actionUnit), r.measure.rawValue, Self.field(r.groupA), Self.field(r.groupB), "\(r.countA)", "\(r.countB)"]
            let numbers = [r.meanA, r.meanB, r.sdA, r.sdB, r.welch.t, r.welch.degreesOfFreedom, r.welch.pValue, r.welchQ,
                           r.mannWhitney.u, r.mannWhitney.pValue, r.mannWhitneyQ, r.cohensD, r.hedgesG].map(Self.number)
            lines.append((text + numbers).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The omnibus table as CSV (group counts and means joined by ";" in the order of `groups`).
    public func omnibusCSV(_ rows: [ActionUnitOmnibus]) -> String {
        var lines = ["action_unit,measure,groups,counts,means,anova_f,anova_df1,anova_df2,anova_p,anova_q,kruskal_h,kruskal_df,kruskal_p,kruskal_q"]
        for r in rows {
            let text = [Self.field(r.actionUnit), r.measure.rawValue, Self.field(r.groups.joined(separator: ";")),
                        r.counts.map(String.init).joined(separator: ";"), r.means.map(Self.number).joined(separator: ";")]
            let numbers = [r.anova.statistic, r.anova.numeratorDegreesOfFreedom, r.anova.denominatorDegreesOfFreedom, r.anova.pValue, r.anovaQ,
                           r.kruskalWallis.statistic, r.kruskalWallis.numeratorDegreesOfFreedom, r.kruskalWallis.pValue, r.kruskalWallisQ]
            lines.append((text + numbers.map(Self.number)).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes `NAME-participants.csv`, `NAME-correlations.csv` and `.png` (when any record has a score) and
    /// `NAME-groups.csv` and `.png` (when there are two or more groups; the chart shows the first pair) and
    /// `NAME-omnibus.csv` (three or more groups) into `folder`, atomically; returns their URLs.
    @discardableResult
    public func write(to folder: URL, name: String = "au-stats") throws -> [URL] {
        var written: [URL] = []
        func save(_ text: String, _ suffix: String) throws {
            let url = folder.appendingPathComponent("\(name)-\(suffix).csv")
            try AtomicFile.write(Data(text.utf8), to: url)
            written.append(url)
        }
        try save(participantCSV(), "participants")
        if records.contains(where: { $0.score != nil }) {
            let rows = correlations()
            try save(correlationCSV(rows), "correlations")
            let url = folder.appendingPathComponent("\(name)-correlations.png")
            try PNG.write(correlationChart(rows), to: url)
            written.append(url)
        }
        if groups.count >= 2 {
            let rows = groupComparisons()
            try save(groupComparisonCSV(rows), "groups")
            let url = folder.appendingPathComponent("\(name)-groups.png")
            try PNG.write(groupComparisonChart(rows), to: url)
            written.append(url)
        }
        if groups.count >= 3 { try save(omnibusCSV(omnibusTests()), "omnibus") }
        return written
    }

    /// A number in CSV: up to 10 significant digits, "NA" when not finite.
    static func number(_ x: Double) -> String {
        x.isFinite ? String(format: "%.10g", x) : "NA"
    }

    /// A text field, quoted when it holds a comma, quote or line break.
    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
