import FaceAtlasCore
import Foundation

/// The atlas's biomarker tables as CSV text.
public enum BiomarkerTables {
    static func number(_ x: Double) -> String {
        x.isNaN ? "" : CSVNumber.format((x * 1e6).rounded() / 1e6)
    }

    /// `participants.csv`: subject, group, stimulus, weight, quality, then one motion energy (mm) per feature.
    public static func participants(_ result: AtlasBuilder.Result) -> String {
        var lines = [(["subject", "group", "stimulus", "weight", "quality"] + result.index.features.map(\.column)).joined(separator: ",")]
        for r in result.recordings {
            guard let energies = r.energies else { continue }
            let fields = [r.entry.subject, r.entry.group, r.entry.stimulus].map(CSVNumber.field)
                + [number(r.entry.weight), number(r.quality)] + energies.map(number)
            lines.append(fields.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `groups.csv`: group, stimulus, kind, number, feature, weighted mean and SD (mm), participants.
    public static func groups(_ result: AtlasBuilder.Result) -> String {
        var lines = ["group,stimulus,kind,number,feature,mean_mm,sd_mm,n"]
        for row in result.groupTable {
            lines.append(([row.group, row.stimulus].map(CSVNumber.field)
                          + [row.feature.kind.rawValue, "\(row.feature.number)", row.feature.column, number(row.mean), number(row.sd), "\(row.n)"])
                .joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `differences.csv`: one row per stimulus, feature and group pair.
    public static func differences(_ comparisons: [GroupComparison]) -> String {
        var lines = ["stimulus,kind,number,feature,group_a,group_b,n_a,n_b,mean_a_mm,mean_b_mm,difference_mm,hedges_g,welch_t,welch_df,p,q_bh"]
        for c in comparisons {
            lines.append(([c.stimulus].map(CSVNumber.field)
                          + [c.feature.kind.rawValue, "\(c.feature.number)", c.feature.column]
                          + [c.groupA, c.groupB].map(CSVNumber.field)
                          + ["\(c.countA)", "\(c.countB)", number(c.meanA), number(c.meanB), number(c.difference),
                             number(c.hedgesG), number(c.welchT), number(c.welchDF), number(c.p), number(c.q)])
                .joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension BiomarkerTables {
    /// One row of `differences.csv`, as read back.
    public struct Difference: Sendable, Equatable {
        public var stimulus: String
        public var kind: BiomarkerFeature.Kind
        public var number: Int
        public var groupA: String
        public var groupB: String
        public var difference: Double
        public var hedgesG: Double
        public var q: Double
    }

    /// Reads `differences.csv`; errors name the file and the line.
    public static func readDifferences(_ url: URL) throws -> [Difference] {
        let table = try CSVTable(try AtomicFile.read(url), path: url.path)
        let column = try table.columnIndex()
        let needed = ["stimulus", "kind", "number", "group_a", "group_b", "difference_mm", "hedges_g", "q_bh"]
        for name in needed where column[name] == nil { throw FileError(url, "has no '\(name)' column", at: "line 1") }
        return try table.rows.map { row in
            try table.requireWidth(row)
            guard let kind = BiomarkerFeature.Kind(rawValue: row.fields[column["kind"]!]) else {
                throw FileError(url, "unknown feature kind '\(row.fields[column["kind"]!])'", at: "line \(row.line)")
            }
            return Difference(stimulus: row.fields[column["stimulus"]!], kind: kind,
                              number: Int(try table.number(row, column["number"]!, "number")),
                              groupA: row.fields[column["group_a"]!], groupB: row.fields[column["group_b"]!],
                              difference: try table.number(row, column["difference_mm"]!, "difference_mm"),
                              hedgesG: try table.number(row, column["hedges_g"]!, "hedges_g"),
                              q: try table.number(row, column["q_bh"]!, "q_bh"))
        }
    }
}
