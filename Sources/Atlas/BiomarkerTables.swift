import FaceAtlasCore

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
