/// Filters in a kernel's packed layout, packed again only when the weights change.
struct PackedFilters {
    /// The packed filters.
    private(set) var values: [Float] = []
    /// The weight version `values` were packed from.
    private var version: Int?

    /// Packs the weights of `version` with `pack` into `count` floats, unless they are packed already.
    mutating func update(version: Int, count: Int, _ pack: (UnsafeMutablePointer<Float>) -> Void) {
        guard self.version != version else { return }
        reserve(&values, count)
        values.withUnsafeMutableBufferPointer { pack($0.baseAddress!) }
        self.version = version
    }
}
