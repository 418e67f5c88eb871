import FaceAtlasCore
import FaceModel
import Foundation
import Mesh
import Testing

/// The real Surrey Face Model files and eos-py, where this machine has them (they are free for
/// non-commercial use only and never part of FaceAtlas): `FACEATLAS_SFM_DIR` (default
/// `/work/shared/bench-eos/sfm`) with eos's `share/` files, and `FACEATLAS_EOS_PYTHON` (default
/// `/work/data/eos-bench/.venv/bin/python`), a Python with eos-py and NumPy. Without them the
/// tests are skipped, saying what is missing.
enum RealSurreyModel {
    static let folder = URL(fileURLWithPath: ProcessInfo.processInfo.environment["FACEATLAS_SFM_DIR"] ?? "/work/shared/bench-eos/sfm")
    static let python = ProcessInfo.processInfo.environment["FACEATLAS_EOS_PYTHON"] ?? "/work/data/eos-bench/.venv/bin/python"
    static let files = ["sfm_shape_3448.bin", "expression_blendshapes_3448.bin", "ibug_to_sfm.txt",
                        "sfm_model_contours.json", "sfm_3448_edge_topology.json"]

    static var available: Bool { files.allSatisfy { FileManager.default.isReadableFile(atPath: url($0).path) } }
    static var eosPythonAvailable: Bool { available && FileManager.default.isExecutableFile(atPath: python) }

    static func url(_ name: String) -> URL { folder.appendingPathComponent(name) }

    /// The SFM shape model with the blendshapes, mapping, contours and edge topology.
    static func importWithSideFiles() throws -> FaceModel {
        try SurreyModelImporter.importModel(
            from: url("sfm_shape_3448.bin"), landmarkMapping: url("ibug_to_sfm.txt"), contours: url("sfm_model_contours.json"),
            blendshapes: url("expression_blendshapes_3448.bin"), edgeTopology: url("sfm_3448_edge_topology.json"))
    }

    /// Runs `script` with the eos-py Python, the SFM folder and `folder` as its arguments.
    static func runEosPython(_ script: String, in folder: URL) throws {
        let scriptURL = folder.appendingPathComponent("eos_check.py")
        try Data(script.utf8).write(to: scriptURL)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [scriptURL.path, self.folder.path, folder.path]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Fixtures.Failure(description: "\(python) failed (\(process.terminationStatus)): \(String(decoding: message, as: UTF8.self))")
        }
    }
}

@Suite("the real Surrey Face Model files")
struct RealSurreyModelTests {
    @Test("--blendshapes and --edge-topology on the SFM: 6 blendshapes, eos's edges agree with the mesh",
          .enabled(if: RealSurreyModel.available, "the Surrey Face Model files are not in \(RealSurreyModel.folder.path) (set FACEATLAS_SFM_DIR)"))
    func sideFiles() throws {
        let model = try RealSurreyModel.importWithSideFiles()
        #expect(model.vertexCount == 3448 && model.mesh.triangleCount == 6736)
        #expect(model.identityCount == 63)
        #expect(model.expressions.map(\.name) == ["anger", "disgust", "fear", "happiness", "sadness", "surprise"])
        #expect(model.provenance["edge_topology_check"] == "agrees with the mesh's own edge adjacency: 10184 edges, 160 on the open boundary")
        let adjacency = try model.edgeAdjacency()
        #expect(adjacency.openBoundaryEdgeCount == 160)
        #expect(model.openBoundaryVertices() == adjacency.openBoundaryVertices)
        #expect(adjacency.openBoundaryVertices.count == 160)  // one closed rim around the mask: as many vertices as edges
    }

    @Test("--blendshapes equals eos-py's save_model of MorphableModel(shape, blendshapes); the contour follows eos's rule",
          .enabled(if: RealSurreyModel.eosPythonAvailable, "needs the Surrey Face Model files in \(RealSurreyModel.folder.path) and eos-py at \(RealSurreyModel.python) (set FACEATLAS_SFM_DIR, FACEATLAS_EOS_PYTHON)"))
    func matchesEosPy() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let rotation = Rotation(yawDegrees: 40, pitchDegrees: -10, rollDegrees: 5)
        let rows = [rotation.rows.0, rotation.rows.1, rotation.rows.2].map { [Double($0.x), Double($0.y), Double($0.z)] }
        try JSONSerialization.data(withJSONObject: rows).write(to: folder.appendingPathComponent("rotation.json"))
        // eos-py writes the combined model (as eos's python/demo.py builds it) and, with eos's own
        // edge topology, the occluding vertices by eos's rule (occluding_boundary_vertices without the
        // self-occlusion test): edges whose rotated face normals differ in the sign of z.
        try RealSurreyModel.runEosPython(#"""
import json, os, sys
import numpy as np
import eos
sfm, out = sys.argv[1], sys.argv[2]
m = eos.morphablemodel.load_model(os.path.join(sfm, 'sfm_shape_3448.bin'))
bs = eos.morphablemodel.load_blendshapes(os.path.join(sfm, 'expression_blendshapes_3448.bin'))
mm = eos.morphablemodel.MorphableModel(m.get_shape_model(), bs, color_model=eos.morphablemodel.PcaModel(),
                                       vertex_definitions=None, texture_coordinates=m.get_texture_coordinates())
eos.morphablemodel.save_model(mm, os.path.join(out, 'sfm_with_blendshapes.bin'))
edges = eos.morphablemodel.load_edge_topology(os.path.join(sfm, 'sfm_3448_edge_topology.json'))
R = np.array(json.load(open(os.path.join(out, 'rotation.json'))), dtype=np.float32)
v = np.asarray(m.get_shape_model().get_mean(), dtype=np.float32).reshape(-1, 3) @ R.T
t = np.asarray(m.get_shape_model().get_triangle_list())
n = np.cross(v[t[:, 1]] - v[t[:, 0]], v[t[:, 2]] - v[t[:, 0]])
sign = np.sign(n[:, 2])
occluding = set()
for f, e in zip(edges.adjacent_faces, edges.adjacent_vertices):
    if f[0] != 0 and sign[f[0] - 1] != sign[f[1] - 1]:
        occluding.update([e[0] - 1, e[1] - 1])
json.dump(sorted(int(x) for x in occluding), open(os.path.join(out, 'occluding.json'), 'w'))
"""#, in: folder)

        let combined = try SurreyModelImporter.importModel(
            from: folder.appendingPathComponent("sfm_with_blendshapes.bin"), landmarkMapping: RealSurreyModel.url("ibug_to_sfm.txt"),
            contours: RealSurreyModel.url("sfm_model_contours.json"))
        #expect(combined.provenance["format"] == "eos MorphableModel (cereal binary), class version 4")
        var separate = try RealSurreyModel.importWithSideFiles()
        #expect(separate.name == combined.name)  // both "sfm"
        separate.provenance = combined.provenance
        expectSame(separate, combined)

        let eosOccluding = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("occluding.json"))) as! [Int]
        let contour = separate.occludingContour(of: separate.mesh.positions, rotation: rotation, adjacency: try separate.edgeAdjacency())
        #expect(!eosOccluding.isEmpty)
        #expect(contour.silhouetteVertices == eosOccluding,
                "differ at \(Set(contour.silhouetteVertices).symmetricDifference(eosOccluding).sorted())")
    }
}
