import FaceAtlasCore
import FaceModel
import Foundation
import Testing

@Suite("eos / Surrey model import")
final class SurreyModelImporterTests {
    let folder: URL
    let expected: [String: Any]

    deinit { try? FileManager.default.removeItem(at: folder) }

    init() throws {
        folder = try Fixtures.eos()
        expected = try Fixtures.expected(folder)
    }

    func url(_ name: String) -> URL { folder.appendingPathComponent(name) }
    func floats(_ key: String) -> [Float] { (expected[key] as! [Double]).map { Float($0) } }
    func columns(_ key: String) -> [[Float]] { (expected[key] as! [[Double]]).map { $0.map { Float($0) } } }
    func eigenvalues(_ key: String) -> [Float] { floats(key) }

    func importBlendshapes(mapping: Bool = true, contours: Bool = true) throws -> FaceModel {
        try SurreyModelImporter.importModel(
            from: url("model_v4_blendshapes.bin"),
            landmarkMapping: mapping ? url("ibug_to_sfm.txt") : nil,
            contours: contours ? url("contours.json") : nil)
    }

    @Test("version 4 with blendshapes: mesh, mean, identity, expressions, UVs")
    func version4() throws {
        let model = try importBlendshapes()
        #expect(model.vertexCount == 6)
        #expect(model.mesh.triangleCount == 2)
        #expect(model.name == "eos-model_v4_blendshapes")
        let mean = floats("mean")
        #expect(model.mesh.positions.flatMap { [$0.x, $0.y, $0.z] } == mean)
        let triangles = (expected["triangles"] as! [[Int]]).map { SIMD3<UInt32>(UInt32($0[0]), UInt32($0[1]), UInt32($0[2])) }
        #expect(model.mesh.triangles == triangles)

        // Identity: SD units, basis = orthonormal column · √eigenvalue.
        let ev = eigenvalues("shape_eigenvalues"), cols = columns("shape_columns")
        #expect(model.identityCount == 2)
        #expect(model.identityStandardDeviations == ev.map { $0.squareRoot() })
        for k in 0..<2 {
            var identity = [Float](repeating: 0, count: k + 1)
            identity[k] = 1
            let v = model.vertices(FaceParameters(identity: identity)).flatMap { [$0.x, $0.y, $0.z] }
            for i in 0..<mean.count {
                #expect(abs(v[i] - (mean[i] + ev[k].squareRoot() * cols[k][i])) < 1e-5)
            }
        }

        // Blendshapes: one component each, by name, deformation per unit coefficient.
        #expect(model.expressions.map(\.name) == expected["blendshape_names"] as! [String])
        #expect(model.expressions.allSatisfy { $0.kind == .statistical && $0.summary == "eos blendshape" })
        let shapes = columns("blendshapes")
        let v = model.vertices(FaceParameters(expression: [0, 1])).flatMap { [$0.x, $0.y, $0.z] }
        for i in 0..<mean.count { #expect(abs(v[i] - (mean[i] + shapes[1][i])) < 1e-6) }
        #expect(model.jaw == nil)

        // UVs: on the texture triangles, v flipped upwards.
        let uv = (expected["uv"] as! [[Double]]).map { SIMD2<Float>(Float($0[0]), Float(1 - $0[1])) }
        #expect(model.mesh.uvs == uv)
        #expect(model.mesh.uvTriangles == triangles)
        #expect(model.provenance["format"]?.contains("class version 4") == true)
    }

    @Test("landmarks at the mapped vertices, contour candidates and default jawline positions")
    func landmarks() throws {
        let model = try importBlendshapes()
        let p = model.mesh.positions
        let l = model.landmarkPositions()
        #expect(l[8] == p[5])    // iBUG 9, chin
        #expect(l[30] == p[2])   // iBUG 31, nose tip
        #expect(l[36] == p[0])   // iBUG 37
        #expect(l[45] == p[1])   // iBUG 46
        #expect(!model.landmarks.isDefined(60))
        #expect(l[60].x.isNaN)
        // Contour: right list [0, 3] from the top, left [1, 4]; candidates from the chin end.
        #expect(model.landmarks.contourCandidates.count == 17)
        for j in 0...7 { #expect(model.landmarks.contourCandidates[j] == [3, 0]) }
        for j in 9...16 { #expect(model.landmarks.contourCandidates[j] == [4, 1]) }
        #expect(model.landmarks.contourCandidates[8] == [5])
        #expect(l[0] == p[0] && l[7] == p[3])
        #expect(l[16] == p[1] && l[9] == p[4])
        // Semantics: the symmetric test mesh mirrors onto itself; organs near their landmarks.
        #expect(model.symmetry == [1, 0, 2, 4, 3, 5])
        #expect(model.vertexOrgans[3] == UInt8(FacialOrgan.jaw.rawValue))  // default jawline landmarks sit there
        // Without the jawline, vertices 0 and 1 carry only the eye corners.
        let organs = try importBlendshapes(contours: false).vertexOrgans
        #expect(organs[0] == UInt8(FacialOrgan.rightEye.rawValue))
        #expect(organs[1] == UInt8(FacialOrgan.leftEye.rawValue))
        #expect(organs[2] == UInt8(FacialOrgan.noseBridge.rawValue))
        #expect(organs[5] == UInt8(FacialOrgan.jaw.rawValue))
        #expect(model.vertexRegions.allSatisfy { $0 == 0 })  // the brows and mouth are not mapped
    }

    @Test("without a contour file the jawline is undefined; the older INFO mapping form reads the same")
    func mappingForms() throws {
        let noContour = try importBlendshapes(contours: false)
        #expect(!noContour.landmarks.isDefined(0))
        #expect(noContour.landmarks.contourCandidates[8] == [5])
        #expect(noContour.landmarks.contourCandidates[0].isEmpty)

        let info = try SurreyModelImporter.importModel(
            from: url("model_v4_blendshapes.bin"), landmarkMapping: url("ibug_to_sfm_info.txt"), contours: nil)
        #expect(info.landmarks == noContour.landmarks)

        // Windows line endings read the same.
        let crlf = folder.appendingPathComponent("ibug_crlf.txt")
        let text = try String(contentsOf: url("ibug_to_sfm.txt"), encoding: .utf8)
        try Data(text.replacingOccurrences(of: "\n", with: "\r\n").utf8).write(to: crlf)
        let windows = try SurreyModelImporter.importModel(from: url("model_v4_blendshapes.bin"), landmarkMapping: crlf, contours: url("contours.json"))
        #expect(windows.landmarks == (try importBlendshapes()).landmarks)
    }

    @Test("without a mapping file, the model's own numeric landmark definitions are used")
    func definitions() throws {
        let model = try importBlendshapes(mapping: false, contours: false)
        let l = model.landmarkPositions()
        #expect(l[8] == model.mesh.positions[5])
        #expect((0..<68).filter { model.landmarks.isDefined($0) } == [8])
    }

    @Test("version 3 with a PCA expression model: mean includes the expression mean, exp00…")
    func version3() throws {
        let model = try SurreyModelImporter.importModel(from: url("model_v3_pca.bin"), landmarkMapping: url("ibug_to_sfm.txt"), contours: nil)
        let mean = floats("mean"), expMean = floats("exp_mean")
        #expect(model.mesh.positions.flatMap { [$0.x, $0.y, $0.z] } == zip(mean, expMean).map { $0 + $1 })
        #expect(model.expressions.map(\.name) == ["exp00", "exp01"])
        #expect(model.expressions.allSatisfy { $0.kind == .statistical })
        let ev = eigenvalues("exp_eigenvalues"), cols = columns("exp_columns")
        let base = model.vertices().flatMap { [$0.x, $0.y, $0.z] }
        let v = model.vertices(FaceParameters(expression: [0, 1])).flatMap { [$0.x, $0.y, $0.z] }
        for i in 0..<mean.count { #expect(abs(v[i] - (base[i] + ev[1].squareRoot() * cols[1][i])) < 1e-6) }
        #expect(!model.mesh.hasUVs)
    }

    @Test("older files: version 1 shape-only, version 1 five-field PCA models, version 0 OpenCV matrices")
    func olderVersions() throws {
        let reference = try importBlendshapes(mapping: false, contours: false)
        for name in ["sfm_shape_v1.bin", "model_v1_fivefield.bin", "model_v0_opencv.bin"] {
            let model = try SurreyModelImporter.importModel(from: url(name), landmarkMapping: url("ibug_to_sfm.txt"), contours: url("contours.json"))
            #expect(model.mesh.positions == reference.mesh.positions, "\(name)")
            #expect(model.mesh.triangles == reference.mesh.triangles, "\(name)")
            #expect(model.identityStandardDeviations == reference.identityStandardDeviations, "\(name)")
            #expect(zip(model.identityBasis, reference.identityBasis).allSatisfy { abs($0 - $1) < 1e-6 }, "\(name)")
            #expect(model.expressionCount == 0, "\(name)")
        }
        let v1 = try SurreyModelImporter.importModel(from: url("sfm_shape_v1.bin"), landmarkMapping: nil, contours: nil)
        #expect(v1.name == "sfm")
        #expect(v1.mesh.uvTriangles == v1.mesh.triangles)  // one coordinate per vertex
        let v0 = try SurreyModelImporter.importModel(from: url("model_v0_opencv.bin"), landmarkMapping: nil, contours: nil)
        #expect(v0.mesh.uvs.count == 6)
    }

    @Test("the imported model writes and reads back equal")
    func roundTrip() throws {
        for model in [try importBlendshapes(),
                      try SurreyModelImporter.importModel(from: url("model_v3_pca.bin"), landmarkMapping: nil, contours: nil)] {
            let file = folder.appendingPathComponent("\(model.name)-\(model.expressionCount).npz")
            try FaceModelFile.write(model, to: file)
            let (back, meta) = try FaceModelFile.read(file)
            expectSame(back, model)
            #expect(meta.name == model.name)
        }
    }

    @Test("a file cut at any offset throws a FileError naming it")
    func truncated() throws {
        let data = try Data(contentsOf: url("model_v4_blendshapes.bin"))
        let cut = folder.appendingPathComponent("cut.bin")
        for length in 0..<data.count {
            try data.prefix(length).write(to: cut)
            let error = #expect(throws: FileError.self, "cut at \(length)") {
                try SurreyModelImporter.importModel(from: cut, landmarkMapping: nil, contours: nil)
            }
            #expect(error?.path == cut.path)
        }
    }

    @Test("impossible sizes, unknown versions and trailing bytes throw FileError")
    func corrupt() throws {
        let data = try Data(contentsOf: url("model_v4_blendshapes.bin"))
        let file = folder.appendingPathComponent("corrupt.bin")
        func patched(_ offset: Int, _ bytes: [UInt8]) -> Data {
            var d = data
            d.replaceSubrange(offset..<(offset + bytes.count), with: bytes)
            return d
        }
        let cases: [(String, Data, String)] = [
            ("version", patched(0, [99, 0, 0, 0]), "version 99"),
            ("mean rows", patched(4, [0xFF, 0xFF, 0xFF, 0x7F]), "impossible size"),
            ("negative rows", patched(4, [0xFF, 0xFF, 0xFF, 0xFF]), "impossible matrix size"),
            ("basis columns", patched(4 + 8 + 72 + 4, [0, 0, 0, 0x40]), "impossible size"),
            ("trailing bytes", data + Data([0]), "follow the end of the model"),
        ]
        for (what, bytes, message) in cases {
            try bytes.write(to: file)
            let error = #expect(throws: FileError.self, "\(what)") {
                try SurreyModelImporter.importModel(from: file, landmarkMapping: nil, contours: nil)
            }
            #expect(error?.problem.contains(message) == true, "\(what): \(error?.description ?? "")")
        }
        // A triangle count of 2^62 and a string length of 2^60, found by searching for the encoded sizes.
        for (needle, value) in [(Data([2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0]), UInt64(1) << 62),
                                (Data([9, 0, 0, 0, 0, 0, 0, 0]) + Data("happiness".utf8), UInt64(1) << 60)] {
            let at = try #require(data.range(of: needle)).lowerBound
            var d = data
            withUnsafeBytes(of: value.littleEndian) { d.replaceSubrange(at..<(at + 8), with: $0) }
            try d.write(to: file)
            #expect(throws: FileError.self) {
                try SurreyModelImporter.importModel(from: file, landmarkMapping: nil, contours: nil)
            }
        }
    }

    @Test("random byte corruption never crashes: the import throws FileError or yields a valid model")
    func fuzz() throws {
        let data = try Data(contentsOf: url("model_v4_blendshapes.bin"))
        let file = folder.appendingPathComponent("fuzz.bin")
        var rng = SplitMix64(seed: 12345)
        for _ in 0..<400 {
            var d = data
            for _ in 0..<Int(rng.next() % 3 + 1) {
                d[Int(rng.next() % UInt64(d.count))] = UInt8(truncatingIfNeeded: rng.next())
            }
            try d.write(to: file)
            do {
                let model = try SurreyModelImporter.importModel(from: file, landmarkMapping: nil, contours: nil)
                try model.validate()
            } catch is FileError {
            }
        }
    }

    @Test("bad mapping and contour files throw FileError naming them")
    func badSideFiles() throws {
        let model = url("model_v4_blendshapes.bin")
        let mapping = folder.appendingPathComponent("bad_mapping.txt")
        let contours = folder.appendingPathComponent("bad_contours.json")
        for text in ["[landmark_mappings]\n69 = 1\n", "[landmark_mappings]\n9 = 600\n", "[landmark_mappings]\n9 = x\n",
                     "[landmark_mappings]\n9 1\n", "[landmark_mappings]\n9 = 1\n9 = 2\n"] {
            try Data(text.utf8).write(to: mapping)
            let error = #expect(throws: FileError.self, "\(text)") {
                try SurreyModelImporter.importModel(from: model, landmarkMapping: mapping, contours: nil)
            }
            #expect(error?.path == mapping.path)
        }
        for text in ["{", "{\"model_contour\": {\"right_contour\": [0]}}", "{\"model_contour\": {\"right_contour\": [0], \"left_contour\": [6]}}"] {
            try Data(text.utf8).write(to: contours)
            let error = #expect(throws: FileError.self, "\(text)") {
                try SurreyModelImporter.importModel(from: model, landmarkMapping: nil, contours: contours)
            }
            #expect(error?.path == contours.path)
        }
        // A mapping that puts the subject's right eye at +x: the frame check refuses it.
        try Data("[landmark_mappings]\n37 = 1\n46 = 0\n".utf8).write(to: mapping)
        let error = #expect(throws: FileError.self) {
            try SurreyModelImporter.importModel(from: model, landmarkMapping: mapping, contours: nil)
        }
        #expect(error?.problem.contains("head frame") == true)
    }
}

/// A small deterministic random number generator for the fuzz test.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Expects two models to agree in every stored field.
func expectSame(_ a: FaceModel, _ b: FaceModel, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(a.name == b.name, sourceLocation: sourceLocation)
    #expect(a.mesh == b.mesh, sourceLocation: sourceLocation)
    #expect(a.identityBasis == b.identityBasis, sourceLocation: sourceLocation)
    #expect(a.identityStandardDeviations == b.identityStandardDeviations, sourceLocation: sourceLocation)
    #expect(a.expressionBasis == b.expressionBasis, sourceLocation: sourceLocation)
    #expect(a.expressions == b.expressions, sourceLocation: sourceLocation)
    #expect(a.jaw == b.jaw, sourceLocation: sourceLocation)
    #expect(a.landmarks == b.landmarks, sourceLocation: sourceLocation)
    #expect(a.vertexRegions == b.vertexRegions, sourceLocation: sourceLocation)
    #expect(a.vertexOrgans == b.vertexOrgans, sourceLocation: sourceLocation)
    #expect(a.symmetry == b.symmetry, sourceLocation: sourceLocation)
    #expect(a.provenance == b.provenance, sourceLocation: sourceLocation)
}
