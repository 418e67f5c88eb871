import FaceAtlasCore
import FaceModel
import Foundation
import Mesh
import Testing

@Suite("eos edge topology (--edge-topology) and the model's occluding contour")
final class EosEdgeTopologyTests {
    let folder: URL
    let expected: [String: Any]

    deinit { try? FileManager.default.removeItem(at: folder) }

    init() throws {
        folder = try Fixtures.eos()
        expected = try Fixtures.expected(folder)
    }

    func url(_ name: String) -> URL { folder.appendingPathComponent(name) }

    func importPyramid(edgeTopology name: String?) throws -> FaceModel {
        try SurreyModelImporter.importModel(from: url("pyramid_v4.bin"), landmarkMapping: nil, contours: nil,
                                            edgeTopology: name.map(url))
    }

    @Test("eos's JSON agrees with the mesh's own adjacency and is recorded in the provenance")
    func agrees() throws {
        for name in ["pyramid_edge_topology.json", "pyramid_edge_topology_arrays.json"] {
            let model = try importPyramid(edgeTopology: name)
            #expect(model.provenance["edge_topology"] == name)
            #expect(model.provenance["edge_topology_sha256"] == Digest.sha256(try Data(contentsOf: url(name))))
            #expect(model.provenance["edge_topology_check"] == "agrees with the mesh's own edge adjacency: 8 edges, 4 on the open boundary")
            expectSame(model, try { var m = try importPyramid(edgeTopology: nil); m.provenance = model.provenance; return m }())
        }
        // The 6-vertex model: two separate triangles, every edge on the open boundary.
        let six = try SurreyModelImporter.importModel(from: url("model_v4_blendshapes.bin"), landmarkMapping: nil, contours: nil,
                                                      edgeTopology: url("edge_topology.json"))
        #expect(six.provenance["edge_topology_check"]?.contains("6 edges, 6 on the open boundary") == true)
    }

    @Test("the model's adjacency, open boundary and contour under a head rotation")
    func modelTopology() throws {
        let model = try importPyramid(edgeTopology: nil)
        let adjacency = try model.edgeAdjacency()
        #expect(adjacency.edges.count == 8)
        #expect(model.openBoundaryVertices() == [1, 2, 3, 4])
        #expect(adjacency.openBoundaryVertices == [1, 2, 3, 4])

        // Seen from the front (+z) every side faces the viewer: no silhouette, the base rim is the outline.
        let front = model.occludingContour(of: model.mesh.positions, rotation: Rotation(axisAngle: .zero), adjacency: adjacency)
        #expect(front.silhouetteVertices.isEmpty)
        #expect(front.frontFacingBoundaryVertices == [1, 2, 3, 4])

        // Yaw 60°: the viewer lies at (−sin 60°, 0, cos 60°); the +x side turns away, its two
        // slanted edges (apex to vertices 1 and 2) become the silhouette; the other three base edges stay in view.
        let yawed = model.occludingContour(of: model.mesh.positions, rotation: Rotation(yawDegrees: 60), adjacency: adjacency)
        #expect(yawed.silhouetteVertices == [0, 1, 2])
        #expect(yawed.silhouetteEdges.map { adjacency.edges[$0].vertices } .sorted { ($0.x, $0.y) < ($1.x, $1.y) } == [SIMD2(0, 1), SIMD2(0, 2)])
        #expect(yawed.frontFacingBoundaryVertices == [1, 2, 3, 4])
        #expect(yawed.frontFacingBoundaryEdges.count == 3)
    }

    @Test("a JSON that disagrees with the mesh is refused, naming the file and the first disagreeing edge")
    func disagreeing() throws {
        let topology = expected["pyramid_edge_topology"] as! [String: Any]
        let otherEntry = topology["other_faces_entry"] as! Int
        let cases: [(String, String, String)] = [
            ("pyramid_edge_topology_other_faces.json", "edge \(otherEntry), vertices", "edge_topology.adjacent_faces[\(otherEntry)]"),
            ("pyramid_edge_topology_foreign.json", "edge 0, vertices 2–4 (1-based, as in the file), is not an edge of the mesh of pyramid_v4.bin", "edge_topology.adjacent_vertices[0]"),
            ("pyramid_edge_topology_missing.json", "has an edge the file does not list", "edge_topology"),
        ]
        for (name, message, location) in cases {
            let error = #expect(throws: FileError.self, "\(name)") { try self.importPyramid(edgeTopology: name) }
            #expect(error?.path == url(name).path)
            #expect(error?.problem.contains(message) == true, "\(name): \(error?.description ?? "")")
            #expect(error?.problem.contains("7 edges") == (name == "pyramid_edge_topology_missing.json"), "\(name): \(error?.description ?? "")")
            #expect(error?.location == location, "\(name): \(error?.description ?? "")")
        }
        let other = try #require(#expect(throws: FileError.self) { try self.importPyramid(edgeTopology: "pyramid_edge_topology_other_faces.json") })
        #expect(other.problem.contains("in the file but faces"), "\(other)")
    }

    @Test("malformed edge topology files are refused with what is wrong")
    func malformed() throws {
        let file = url("bad_topology.json")
        let zeroEntry = (expected["pyramid_edge_topology"] as! [String: Any])["zero_second_entry"] as! Int
        try Data(contentsOf: url("pyramid_edge_topology_zero_second.json")).write(to: file)
        var cases: [(String?, String)] = [(nil, "eos marks a boundary edge with 0 first")]
        let texts: [(String, String)] = [
            ("{", "not valid JSON"),
            ("{\"edge_topology\": {\"adjacent_faces\": []}}", "no 'adjacent_vertices' list"),
            ("{\"edge_topology\": {\"adjacent_faces\": [[0, 1]], \"adjacent_vertices\": []}}", "'adjacent_faces' has 1 entries and 'adjacent_vertices' 0"),
            ("{\"edge_topology\": {\"adjacent_faces\": [[0, 1]], \"adjacent_vertices\": [[0, 2]]}}", "names vertex 0; the indices are 1-based"),
            ("{\"edge_topology\": {\"adjacent_faces\": [[0, 1]], \"adjacent_vertices\": [[1, 6]]}}", "names vertex 6"),
            ("{\"edge_topology\": {\"adjacent_faces\": [[0, 5]], \"adjacent_vertices\": [[1, 2]]}}", "names face 5"),
            ("{\"edge_topology\": {\"adjacent_faces\": [[0, 0]], \"adjacent_vertices\": [[1, 2]]}}", "no face on either side"),
            ("{\"edge_topology\": {\"adjacent_faces\": [[1, 1]], \"adjacent_vertices\": [[1, 2]]}}", "names face 1 on both sides"),
            ("{\"edge_topology\": {\"adjacent_faces\": [[0, 1.5]], \"adjacent_vertices\": [[1, 2]]}}", "not a pair of whole numbers"),
            ("{\"edge_topology\": {\"adjacent_faces\": [[1, 4], [1, 4]], \"adjacent_vertices\": [[1, 2], [2, 1]]}}", "edges 0 and 1 are the same edge"),
        ]
        for (i, (text, message)) in texts.enumerated() {
            let name = "bad_topology_\(i).json"
            try Data(text.utf8).write(to: url(name))
            cases.append((name, message))
        }
        for (name, message) in cases {
            let path = name.map(url) ?? file
            let error = #expect(throws: FileError.self, "\(message)") {
                try SurreyModelImporter.importModel(from: self.url("pyramid_v4.bin"), landmarkMapping: nil, contours: nil, edgeTopology: path)
            }
            #expect(error?.path == path.path)
            #expect(error?.problem.contains(message) == true, "\(error?.description ?? "")")
        }
        let zero = #expect(throws: FileError.self) {
            try SurreyModelImporter.importModel(from: self.url("pyramid_v4.bin"), landmarkMapping: nil, contours: nil, edgeTopology: file)
        }
        #expect(zero?.location == "edge_topology.adjacent_faces[\(zeroEntry)]")
    }
}
