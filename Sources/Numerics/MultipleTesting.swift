/// Corrections of p-values for testing many hypotheses at once.
public enum MultipleTesting {
    /// Benjamini–Hochberg adjusted p-values (q-values controlling the false discovery rate), in input order.
    ///
    /// q₍ᵢ₎ = min over k ≥ i of p₍ₖ₎ · m / k, capped at 1, for the m finite p-values sorted ascending
    /// (as `statsmodels`' `fdr_bh`). NaN p-values (untestable hypotheses) stay NaN and do not count in m.
    public static func benjaminiHochberg(_ pValues: [Double]) -> [Double] {
        let tested = pValues.indices.filter { pValues[$0].isFinite }.sorted { pValues[$0] < pValues[$1] }
        var adjusted = [Double](repeating: .nan, count: pValues.count)
        let m = Double(tested.count)
        var running = 1.0
        for rank in stride(from: tested.count, through: 1, by: -1) {
            let index = tested[rank - 1]
            running = min(running, pValues[index] * m / Double(rank))
            adjusted[index] = running
        }
        return adjusted
    }
}
