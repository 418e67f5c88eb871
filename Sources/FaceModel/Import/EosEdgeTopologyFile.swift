import FaceAtlasCore
import Foundation
import Mesh

/// eos's edge topology file (`share/sfm_3448_edge_topology.json`, read by
/// `eos::morphablemodel::load_edge_topology` for its occluding-edge fitting): a cereal JSON
/// archive of an `EdgeTopology`.
///
/// The layout, from eos's `EdgeTopology.hpp` and cereal's JSON archive:
///
///     {"edge_topology": {"adjacent_faces":    [{"value0": f₁, "value1": f₂}, …],
///                        "adjacent_vertices": [{"value0": v₁, "value1": v₂}, …]}}
///
/// - one entry per undirected edge, the same number in both lists, entry k of each describing
///   the same edge: `adjacent_vertices` its two end vertices, `adjacent_faces` the triangles on
///   its sides (each a `std::array<int, 2>`, which cereal's JSON archive writes as an object
///   with `value0` and `value1`; a plain two-number array is read too);
/// - all indices are **1-based** (eos inherited them from Matlab and subtracts 1 before use);
/// - a face index of **0 means "no face"**: an edge on the mesh's open boundary has 0 as its
///   *first* face (eos's fitter skips edges whose first face is 0, and would read a 0 in the
///   second place as triangle −1, so that is refused);
/// - in the Surrey Face Model's file both pairs are ascending and the edges follow no simple
///   order; the order is kept but does not matter.
enum EosEdgeTopologyFile {
    /// The edge adjacency in `data` (0-based), for a mesh of `vertexCount` vertices and
    /// `triangleCount` triangles; `path` is named in errors.
    ///
    /// - Throws: `FileError` for JSON without that layout, lists of different lengths, indices
    ///   outside the mesh, an edge without a face, a 0 in the second place, or an edge listed twice.
    static func parse(_ data: Data, path: String, vertexCount: Int, triangleCount: Int) throws -> MeshEdgeAdjacency {
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw FileError(path, "not valid JSON: \(error.localizedDescription)")
        }
        guard let root = json as? [String: Any], let topology = root["edge_topology"] as? [String: Any] else {
            throw FileError(path, "no 'edge_topology' object: not an eos edge topology file")
        }
        func pairs(_ key: String) throws -> [SIMD2<Int>] {
            guard let raw = topology[key] else { throw FileError(path, "no '\(key)' list", at: "edge_topology") }
            guard let items = raw as? [Any] else { throw FileError(path, "'\(key)' is not a list", at: "edge_topology.\(key)") }
            return try items.enumerated().map { i, item in
                let values: [Any]?
                if let object = item as? [String: Any], object.count == 2, let a = object["value0"], let b = object["value1"] {
                    values = [a, b]
                } else {
                    values = (item as? [Any]).flatMap { $0.count == 2 ? $0 : nil }
                }
                guard let values, let a = integer(values[0]), let b = integer(values[1]) else {
                    throw FileError(path, "entry \(i) is \(item), not a pair of whole numbers ({\"value0\": …, \"value1\": …})", at: "edge_topology.\(key)")
                }
                return SIMD2(a, b)
            }
        }
        let faces = try pairs("adjacent_faces")
        let vertices = try pairs("adjacent_vertices")
        guard faces.count == vertices.count else {
            throw FileError(path, "'adjacent_faces' has \(faces.count) entries and 'adjacent_vertices' \(vertices.count); eos needs one of each per edge", at: "edge_topology")
        }
        var edges: [MeshEdgeAdjacency.Edge] = []
        edges.reserveCapacity(faces.count)
        for k in faces.indices {
            let v = vertices[k], f = faces[k]
            for x in [v.x, v.y] where !(1...max(vertexCount, 1)).contains(x) {
                throw FileError(path, "edge \(k) names vertex \(x); the indices are 1-based, so the model's \(vertexCount) vertices are 1–\(vertexCount)", at: "edge_topology.adjacent_vertices[\(k)]")
            }
            guard v.x != v.y else {
                throw FileError(path, "edge \(k) joins vertex \(v.x) to itself", at: "edge_topology.adjacent_vertices[\(k)]")
            }
            for x in [f.x, f.y] where !(0...triangleCount).contains(x) {
                throw FileError(path, "edge \(k) names face \(x); the indices are 1-based (0 = no face), so the model's \(triangleCount) triangles are 1–\(triangleCount)", at: "edge_topology.adjacent_faces[\(k)]")
            }
            guard f.x != 0 || f.y != 0 else {
                throw FileError(path, "edge \(k) (vertices \(v.x)–\(v.y)) has no face on either side", at: "edge_topology.adjacent_faces[\(k)]")
            }
            guard f.y != 0 else {
                throw FileError(path, "edge \(k) (vertices \(v.x)–\(v.y)) has its 0 (no face) second, [\(f.x), 0]; eos marks a boundary edge with 0 first, and its fitter would read this as face −1",
                                at: "edge_topology.adjacent_faces[\(k)]")
            }
            guard f.x != f.y else {
                throw FileError(path, "edge \(k) (vertices \(v.x)–\(v.y)) names face \(f.x) on both sides", at: "edge_topology.adjacent_faces[\(k)]")
            }
            edges.append(MeshEdgeAdjacency.Edge(v.x - 1, v.y - 1, firstTriangle: (f.x == 0 ? f.y : f.x) - 1, secondTriangle: f.x == 0 ? nil : f.y - 1))
        }
        do {
            return try MeshEdgeAdjacency(edges: edges, vertexCount: vertexCount, triangleCount: triangleCount)
        } catch .duplicateEdge(let a, let b, let v) {
            throw FileError(path, "edges \(a) and \(b) are the same edge, between vertices \(v.x + 1) and \(v.y + 1) (1-based)", at: "edge_topology.adjacent_vertices[\(b)]")
        } catch {
            throw FileError(path, "not an edge list of the model: \(error)", at: "edge_topology")
        }
    }

    /// A JSON number that is a whole number representable as `Int`.
    private static func integer(_ value: Any) -> Int? {
        guard let number = value as? NSNumber else { return nil }
        let d = number.doubleValue
        guard d.isFinite, d.rounded() == d, abs(d) < 9e15 else { return nil }
        return Int(d)
    }
}
