import FaceAtlasCore
import FaceModel
import Foundation
import Testing

@Suite("FLAME model import")
final class FLAMEModelImporterTests {
    let folder: URL
    let expected: [String: Any]

    deinit { try? FileManager.default.removeItem(at: folder) }

    init() throws {
        folder = try Fixtures.flame()
        expected = try Fixtures.expected(folder)
    }

    func url(_ name: String) -> URL { folder.appendingPathComponent(name) }
    var template: [SIMD3<Double>] { (expected["v_template"] as! [[Double]]).map { SIMD3($0[0], $0[1], $0[2]) } }
    /// shapedirs[v][c][k]
    var shapedirs: [[[Double]]] { expected["shapedirs"] as! [[[Double]]] }

    func importFull() throws -> FaceModel {
        try FLAMEModelImporter.importModel(from: url("flame.npz"), landmarkEmbedding: url("embedding_full.npz"), shapeCount: 4)
    }

    @Test("mesh and mean in mm, identity and expression columns, jaw from J_regressor row 2")
    func basics() throws {
        let model = try importFull()
        #expect(model.vertexCount == 8)
        #expect(model.mesh.triangleCount == 4)
        #expect(model.name == "flame")
        for (p, t) in zip(model.mesh.positions, template) {
            #expect(simdLength(p - SIMD3<Float>(t * 1000)) < 1e-4)
        }
        let f = (expected["f"] as! [[Int]]).map { SIMD3<UInt32>(UInt32($0[0]), UInt32($0[1]), UInt32($0[2])) }
        #expect(model.mesh.triangles == f)

        // Identity: columns 0..<4 in mm, unscaled; SD = column norm.
        #expect(model.identityCount == 4)
        let n = 8
        for k in 0..<4 {
            var norm: Double = 0
            for v in 0..<n {
                for c in 0..<3 {
                    let want = shapedirs[v][c][k] * 1000
                    norm += want * want
                    #expect(abs(Double(model.identityBasis[k * 3 * n + 3 * v + c]) - want) < 1e-4)
                }
            }
            #expect(abs(Double(model.identityStandardDeviations[k]) - norm.squareRoot()) < 1e-4)
        }
        // Expression: the remaining two, exp00 and exp01.
        #expect(model.expressions.map(\.name) == ["exp00", "exp01"])
        #expect(model.expressions.allSatisfy { $0.kind == .statistical })
        let moved = model.vertices(FaceParameters(expression: [0, 1]))
        for v in 0..<n {
            let want = SIMD3<Float>(SIMD3(template[v].x + shapedirs[v][0][5], template[v].y + shapedirs[v][1][5], template[v].z + shapedirs[v][2][5]) * 1000)
            #expect(simdLength(moved[v] - want) < 1e-3)
        }

        // Jaw: pivot = J_regressor[2] · v_template in mm; weights = weights[:, 2].
        let regressor = expected["J_regressor"] as! [[Double]]
        var pivot = SIMD3<Double>.zero
        for v in 0..<n { pivot += regressor[2][v] * template[v] }
        let jaw = try #require(model.jaw)
        #expect(simdLength(jaw.pivot - SIMD3<Float>(pivot * 1000)) < 1e-4)
        #expect(jaw.weights == (expected["weights"] as! [[Double]]).map { Float($0[2]) })
        // Opening the jaw moves the chin (weight 1) down and back, and leaves the eyes (weight 0).
        let open = model.vertices(FaceParameters(jaw: Jaw.opening(degrees: 20)))
        #expect(open[5].y < model.mesh.positions[5].y && open[5].z < model.mesh.positions[5].z)
        #expect(open[0] == model.mesh.positions[0])
        #expect(model.provenance["pose_correctives"] == "posedirs not applied")
    }

    @Test("default split: all but the last 100 columns are identity when there are more than 100")
    func defaultSplit() throws {
        let wide = try FLAMEModelImporter.importModel(from: url("flame104.npz"), landmarkEmbedding: nil)
        #expect(wide.identityCount == 4)
        #expect(wide.expressionCount == 100)
        #expect(wide.expressions.first?.name == "exp00" && wide.expressions.last?.name == "exp99")
        let narrow = try FLAMEModelImporter.importModel(from: url("flame.npz"), landmarkEmbedding: nil)
        #expect(narrow.identityCount == 6)
        #expect(narrow.expressionCount == 0)
    }

    @Test("68-landmark embedding: positions by barycentric coordinates, contour candidates from the dynamic arrays")
    func fullEmbedding() throws {
        let model = try importFull()
        let p = model.mesh.positions
        let l = model.landmarkPositions()
        #expect(l[36] == p[0])
        #expect(l[45] == p[1])
        #expect(l[30] == p[2])
        #expect(l[8] == p[5])
        #expect(simdLength(l[27] - (p[2] + p[4]) / 2) < 1e-4)
        #expect(simdLength(l[50] - (p[0] + p[3] + p[2]) / 3) < 1e-4)
        #expect((0..<68).allSatisfy { model.landmarks.isDefined($0) })
        #expect(model.landmarks.contourCandidates[8] == [5, 3])
        #expect(model.landmarks.contourCandidates[0] == [0, 3, 5])
        #expect(model.symmetry == [1, 0, 2, 4, 3, 5, 7, 6])
        #expect(model.vertexOrgans[5] == UInt8(FacialOrgan.jaw.rawValue))
    }

    @Test("51-landmark embedding: iBUG 18–68 defined, the jawline undefined, regions 0")
    func innerEmbedding() throws {
        let model = try FLAMEModelImporter.importModel(from: url("flame.npz"), landmarkEmbedding: url("embedding_51.npz"), shapeCount: 4)
        #expect((0...16).allSatisfy { !model.landmarks.isDefined($0) })
        #expect((17...67).allSatisfy { model.landmarks.isDefined($0) })
        #expect(model.landmarkPositions()[36] == model.mesh.positions[0])
        #expect(model.vertexRegions.allSatisfy { $0 == 0 })
    }

    @Test("without an embedding every landmark is undefined and regions and organs are 0")
    func noEmbedding() throws {
        let model = try FLAMEModelImporter.importModel(from: url("flame.npz"), landmarkEmbedding: nil, shapeCount: 4)
        #expect((0..<68).allSatisfy { !model.landmarks.isDefined($0) })
        #expect(model.vertexRegions.allSatisfy { $0 == 0 })
        #expect(model.vertexOrgans.allSatisfy { $0 == 0 })
    }

    @Test("the imported model writes and reads back equal")
    func roundTrip() throws {
        for model in [try importFull(), try FLAMEModelImporter.importModel(from: url("flame.npz"), landmarkEmbedding: nil)] {
            let file = folder.appendingPathComponent("flame-\(model.identityCount).npz")
            try FaceModelFile.write(model, to: file)
            let (back, _) = try FaceModelFile.read(file)
            expectSame(back, model)
        }
    }

    @Test("missing arrays, wrong shapes, bad indices, millimetres and mirrored frames throw FileError")
    func refusals() throws {
        let cases: [(String, URL?, String)] = [
            ("flame_no_shapedirs.npz", nil, "missing array 'shapedirs'"),
            ("flame_bad_f.npz", nil, "array 'f' has shape [4, 4]"),
            ("flame_face_index.npz", nil, "names vertex 99"),
            ("flame_mm.npz", nil, "metres"),
            ("flame_mirrored.npz", url("embedding_full.npz"), "head frame"),
            ("flame.npz", url("embedding.npy"), "pickled"),
            ("flame.npz", url("flame.npz"), "no landmark arrays"),
        ]
        for (name, embedding, message) in cases {
            let error = #expect(throws: FileError.self, "\(name)") {
                try FLAMEModelImporter.importModel(from: url(name), landmarkEmbedding: embedding, shapeCount: 4)
            }
            #expect(error?.problem.contains(message) == true, "\(name): \(error?.description ?? "")")
        }
        #expect(throws: FileError.self) {
            try FLAMEModelImporter.importModel(from: url("flame.npz"), landmarkEmbedding: nil, shapeCount: 7)
        }
        #expect(throws: FileError.self) {
            try FLAMEModelImporter.importModel(from: url("missing.npz"), landmarkEmbedding: nil)
        }
    }
}

func simdLength(_ v: SIMD3<Float>) -> Float { (v * v).sum().squareRoot() }
