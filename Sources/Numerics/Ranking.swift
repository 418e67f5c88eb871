/// Ranks of values, with ties given the average of the ranks they span (as `scipy.stats.rankdata`).
public enum Ranking {
    /// The 1-based ranks of `values`; tied values share the mean of their ranks.
    public static func averageRanks(_ values: [Double]) -> [Double] {
        let order = values.indices.sorted { values[$0] < values[$1] }
        var ranks = [Double](repeating: 0, count: values.count)
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count && values[order[end + 1]] == values[order[start]] { end += 1 }
            let rank = Double(start + end) / 2 + 1
            for k in start...end { ranks[order[k]] = rank }
            start = end + 1
        }
        return ranks
    }

    /// The sizes of the groups of tied values (only groups of two or more), for tie corrections.
    public static func tieGroupSizes(_ values: [Double]) -> [Int] {
        var counts: [Double: Int] = [:]
        for v in values { counts[v, default: 0] += 1 }
        return counts.values.filter { $0 > 1 }.sorted()
    }
}
