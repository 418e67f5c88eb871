extension MeshEdgeAdjacency {
    /// The first way in which an edge adjacency differs from a reference one.
    public enum Disagreement: Sendable, Equatable, CustomStringConvertible {
        /// Edge `index` of the adjacency compared is not an edge of the reference.
        case notInReference(index: Int, edge: Edge)
        /// Edge `index` of the adjacency compared borders other triangles in the reference.
        case differentTriangles(index: Int, edge: Edge, reference: Edge)
        /// Edge `referenceIndex` of the reference is missing from the adjacency compared.
        case missing(referenceIndex: Int, edge: Edge)

        public var description: String {
            switch self {
            case let .notInReference(i, e):
                "edge \(i), between vertices \(e.vertices.x) and \(e.vertices.y), is not an edge of the reference"
            case let .differentTriangles(i, e, r):
                "edge \(i), between vertices \(e.vertices.x) and \(e.vertices.y), borders \(Self.sides(e)), the reference's \(Self.sides(r))"
            case let .missing(i, e):
                "the reference's edge \(i), between vertices \(e.vertices.x) and \(e.vertices.y), is missing"
            }
        }

        static func sides(_ e: Edge) -> String {
            e.secondTriangle.map { "triangles \(e.firstTriangle) and \($0)" } ?? "only triangle \(e.firstTriangle)"
        }
    }

    /// The first edge, in this adjacency's order, that is not in `reference` or borders other
    /// triangles there; then the first edge of `reference` missing here; `nil` when both list the
    /// same edges with the same triangles (in any order).
    public func firstDisagreement(with reference: MeshEdgeAdjacency) -> Disagreement? {
        for (i, e) in edges.enumerated() {
            guard let r = reference.edge(between: e.vertices.x, and: e.vertices.y) else {
                return .notInReference(index: i, edge: e)
            }
            if r != e { return .differentTriangles(index: i, edge: e, reference: r) }
        }
        if edges.count != reference.edges.count {
            for (i, r) in reference.edges.enumerated() where edgeIndex(between: r.vertices.x, and: r.vertices.y) == nil {
                return .missing(referenceIndex: i, edge: r)
            }
        }
        return nil
    }
}
