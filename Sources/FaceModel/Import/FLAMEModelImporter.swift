import FaceAtlasCore
import Foundation
import Mesh
import NumPyFormat

/// Imports a FLAME head model converted to NumPy `.npz` into a `FaceModel`.
///
/// FLAME ships as a Python pickle (`generic_model.pkl`, `flame2020/2023`), which FaceAtlas never
/// unpickles. Convert it once with NumPy, keeping the dictionary's names (unpickling needs
/// `chumpy` installed, as FLAME's own loader does):
///
///     import pickle, numpy as np
///     d = pickle.load(open('generic_model.pkl', 'rb'), encoding='latin1')
///     np.savez('flame.npz', **{k: (v.toarray() if hasattr(v, 'toarray') else np.asarray(v))
///                              for k, v in d.items() if k in ('v_template', 'shapedirs', 'f',
///                              'posedirs', 'J_regressor', 'weights', 'kintree_table')})
///
/// Arrays read (N vertices, F triangles, J joints, K blend shapes):
///
/// | name | shape | use |
/// | --- | --- | --- |
/// | `v_template` | N×3 | the mean, in metres |
/// | `shapedirs` | N×3×K | the first `shapeCount` columns are identity, the rest expression |
/// | `f` | F×3 | triangles |
/// | `J_regressor` | J×N, dense | joint 2 (the jaw) gives the jaw pivot |
/// | `weights` | N×J | column 2 gives the jaw's skinning weights |
/// | `kintree_table` | 2×J, optional | checked: joint 2's parent must be joint 1 (the neck) |
/// | `posedirs` | any, optional | **not applied**: FaceAtlas has no pose-corrective blend shapes |
///
/// FLAME's joints are, in order, global, neck, jaw, left eye, right eye.
///
/// The import:
/// - **Units and frame**: metres are converted to millimetres (the template must span less
///   than 5 units, or it is refused as not being in metres). FLAME's frame is y up, z out of the
///   face (forward) and x to the subject's left, which is FaceAtlas's frame, so no axis changes;
///   with a landmark embedding this is checked on the eye corners, chin, nose bridge and nose tip.
/// - **Identity**: the first `shapeCount` columns of `shapedirs` (default: all but the last 100
///   when there are more than 100, i.e. 300 of FLAME's 400; otherwise all), unscaled: FLAME's
///   shape coefficients are already in (roughly) standard-deviation units.
///   `identityStandardDeviations` holds each column's norm in mm.
/// - **Expression**: the remaining columns, as statistical components `exp00`, `exp01`, ….
/// - **Jaw**: pivot = `J_regressor[2] · v_template` (mm), weights = `weights[:, 2]`. The pivot
///   is that of the template and does not follow identity as FLAME's regressed joints do;
///   pose correctives (`posedirs`) are not applied.
/// - **Mesh parts**: triangles whose three vertices are skinned mostly (> 0.5) to the eye joints
///   are the part "eyes", the rest "skin".
/// - **Landmarks**: from an optional DECA-style `landmark_embedding` converted to `.npz`
///   (`full_lmk_faces_idx` and `full_lmk_b_coords` for all 68 iBUG landmarks; otherwise
///   `lmk_faces_idx` (or `lmk_face_idx`) and `lmk_b_coords` for the 51 inner landmarks, iBUG
///   18–68, leaving the jawline undefined). DECA's `dynamic_lmk_faces_idx` and
///   `dynamic_lmk_bary_coords` (the jawline for each head yaw) give the contour candidates: the
///   dominant vertex of each, ordered by distance from the frontal one. Without an embedding
///   every landmark is undefined and regions and organs are 0.
/// - **Semantics** by `FaceSemantics` on the skin part; symmetry by reflection in x = 0 within 2 mm.
public enum FLAMEModelImporter {
    /// The mirror-vertex tolerance for the symmetry map (mm).
    public static let symmetryTolerance: Float = 2
    /// The number of expression columns at the end of FLAME's `shapedirs`.
    public static let flameExpressionCount = 100

    /// Imports the FLAME `.npz` at `url`, with an optional DECA-style landmark embedding `.npz`.
    ///
    /// - Parameter shapeCount: how many leading `shapedirs` columns are identity (the rest are
    ///   expression); `nil` for FLAME's layout (all but the last 100 when there are more than 100).
    /// - Throws: `FileError` naming the file at fault and what is wrong: missing arrays, wrong
    ///   shapes, indices outside the mesh, a template not in metres, a model not in FLAME's frame,
    ///   or a model that fails `FaceModel.validate()`.
    public static func importModel(from url: URL, landmarkEmbedding: URL?, shapeCount: Int? = nil) throws -> FaceModel {
        let path = url.path
        let sha = try Digest.sha256(file: url)
        let arrays = try readArchive(url)
        func need(_ name: String) throws -> NumPyArray {
            guard let a = arrays[name] else {
                throw FileError(path, "missing array '\(name)' (expected FLAME's v_template, shapedirs, f, J_regressor and weights)", at: name)
            }
            return a
        }
        func shapeError(_ name: String, _ a: NumPyArray, _ expected: String) -> FileError {
            FileError(path, "array '\(name)' has shape \(a.shape), expected \(expected)", at: name)
        }
        func values<T>(_ name: String, _ a: NumPyArray, _ read: (NumPyArray) throws -> [T]) throws -> [T] {
            do { return try read(a) } catch { throw FileError(path, "array '\(name)': \(error)", at: name) }
        }

        // Template (metres).
        let template = try need("v_template")
        guard template.shape.count == 2, template.shape[1] == 3, template.shape[0] > 0 else { throw shapeError("v_template", template, "N×3") }
        let n = template.shape[0]
        let t = try values("v_template", template) { try $0.doubles() }
        guard t.allSatisfy(\.isFinite) else { throw FileError(path, "v_template holds values that are not finite", at: "v_template") }
        var lo = SIMD3<Double>(repeating: .infinity), hi = SIMD3<Double>(repeating: -.infinity)
        for v in 0..<n {
            let p = SIMD3(t[3 * v], t[3 * v + 1], t[3 * v + 2])
            lo = pointwiseMin(lo, p); hi = pointwiseMax(hi, p)
        }
        let extent = (hi - lo).max()
        guard extent < 5 else {
            throw FileError(path, "v_template spans \(extent) units: FLAME is in metres (a head spans about 0.25), so this is not a FLAME model in its own units", at: "v_template")
        }
        let mm = 1000.0

        // Triangles.
        let fa = try need("f")
        guard fa.shape.count == 2, fa.shape[1] == 3, fa.shape[0] > 0 else { throw shapeError("f", fa, "F×3") }
        let f = try values("f", fa) { try $0.ints() }
        if let bad = f.first(where: { $0 < 0 || $0 >= n }) {
            throw FileError(path, "a triangle names vertex \(bad), outside the \(n) vertices of v_template", at: "f")
        }
        let triangles = (0..<fa.shape[0]).map { SIMD3<UInt32>(UInt32(f[3 * $0]), UInt32(f[3 * $0 + 1]), UInt32(f[3 * $0 + 2])) }

        // Blend shapes: N×3×K, [v][c][k].
        let sdArray = try need("shapedirs")
        guard sdArray.shape.count == 3, sdArray.shape[0] == n, sdArray.shape[1] == 3 else {
            throw shapeError("shapedirs", sdArray, "\(n)×3×K")
        }
        let k = sdArray.shape[2]
        let identityCount = shapeCount ?? (k > flameExpressionCount ? k - flameExpressionCount : k)
        guard (0...k).contains(identityCount) else {
            throw FileError(path, "shapedirs has \(k) columns; \(identityCount) cannot be identity", at: "shapedirs")
        }
        let sd = try values("shapedirs", sdArray) { try $0.floats() }
        guard sd.allSatisfy(\.isFinite) else { throw FileError(path, "shapedirs holds values that are not finite", at: "shapedirs") }
        var identityBasis = [Float](repeating: 0, count: identityCount * 3 * n)
        var expressionBasis = [Float](repeating: 0, count: (k - identityCount) * 3 * n)
        for i in 0..<(3 * n) {
            let row = i * k
            for c in 0..<k {
                let value = sd[row + c] * Float(mm)
                if c < identityCount { identityBasis[c * 3 * n + i] = value } else { expressionBasis[(c - identityCount) * 3 * n + i] = value }
            }
        }
        let identitySD: [Float] = (0..<identityCount).map { c in
            var s: Double = 0
            for i in 0..<(3 * n) { let x = Double(identityBasis[c * 3 * n + i]); s += x * x }
            return Float(s.squareRoot())
        }
        let expressions = ImportSupport.statisticalNames(k - identityCount).map {
            ExpressionComponent(name: $0, kind: .statistical, summary: "FLAME expression component")
        }

        // Joints: the jaw.
        let regressor = try need("J_regressor")
        guard regressor.shape.count == 2, regressor.shape[1] == n, regressor.shape[0] >= 3 else {
            throw shapeError("J_regressor", regressor, "J×\(n) with J ≥ 3 (FLAME: 5), stored dense")
        }
        let joints = regressor.shape[0]
        let r = try values("J_regressor", regressor) { try $0.doubles() }
        let weightArray = try need("weights")
        guard weightArray.shape == [n, joints] else { throw shapeError("weights", weightArray, "\(n)×\(joints)") }
        let w = try values("weights", weightArray) { try $0.floats() }
        guard r.allSatisfy(\.isFinite), w.allSatisfy(\.isFinite) else {
            throw FileError(path, "J_regressor or weights hold values that are not finite", at: "J_regressor")
        }
        if let tree = arrays["kintree_table"] {
            guard tree.shape == [2, joints] else { throw shapeError("kintree_table", tree, "2×\(joints)") }
            let parents = try values("kintree_table", tree) { try $0.doubles() }
            guard parents[2] == 1 else {
                throw FileError(path, "joint 2's parent is \(parents[2]), not 1: the joints are not FLAME's (global, neck, jaw, eyes)", at: "kintree_table")
            }
        }
        var pivot = SIMD3<Double>.zero
        for v in 0..<n {
            let weight: Double = r[2 * n + v]
            let p = SIMD3<Double>(t[3 * v], t[3 * v + 1], t[3 * v + 2])
            pivot += weight * p
        }
        let jaw = Jaw(pivot: SIMD3<Float>(pivot * mm), weights: (0..<n).map { w[$0 * joints + 2] })

        // Mesh: mean in mm, eyes by their skinning.
        let positions: [SIMD3<Float>] = (0..<n).map { v in
            let p = SIMD3<Double>(t[3 * v], t[3 * v + 1], t[3 * v + 2]) * mm
            return SIMD3<Float>(p)
        }
        try ImportSupport.checkPositions(positions, path: path, at: "v_template")
        var mesh = TriangleMesh(positions: positions, triangles: triangles)
        mesh.partNames = ["skin", "eyes"]
        let eyeWeight: [Float] = joints >= 5 ? (0..<n).map { w[$0 * joints + 3] + w[$0 * joints + 4] } : [Float](repeating: 0, count: n)
        mesh.triangleParts = triangles.map { tri in (0..<3).allSatisfy { eyeWeight[Int(tri[$0])] > 0.5 } ? 1 : 0 }
        if !mesh.triangleParts.contains(1) { ImportSupport.skinOnly(&mesh) }

        var model = FaceModel(
            name: "flame", mesh: mesh.withNormals(), identityBasis: identityBasis, identityStandardDeviations: identitySD,
            expressionBasis: expressionBasis, expressions: expressions, jaw: jaw,
            landmarks: LandmarkEmbedding(triangles: [Int32](repeating: -1, count: LandmarkEmbedding.count),
                                         barycentric: [SIMD3<Float>](repeating: .zero, count: LandmarkEmbedding.count),
                                         contourCandidates: [[Int32]](repeating: [], count: LandmarkEmbedding.contourIndices.count)),
            vertexRegions: [UInt8](repeating: 0, count: n), vertexOrgans: [UInt8](repeating: 0, count: n),
            symmetry: [Int32](repeating: -1, count: n))
        model.provenance = [
            "source": url.lastPathComponent,
            "source_sha256": sha,
            "format": "FLAME model dictionary saved as .npz",
            "importer": "faceatlas FLAMEModelImporter 1",
            "frame": "metres converted to mm; x to the subject's left, y up, z out of the face (FLAME's frame, unchanged)",
            "identity": "shapedirs columns 0..<\(identityCount), unscaled; sd = column norm (mm)",
            "expression": "shapedirs columns \(identityCount)..<\(k)",
            "jaw": "pivot = J_regressor[2] · v_template; weights = weights[:, 2]",
            "pose_correctives": "posedirs not applied",
        ]

        var skin = [Bool](repeating: false, count: n)
        for (i, tri) in triangles.enumerated() where mesh.triangleParts[i] == 0 { for c in 0..<3 { skin[Int(tri[c])] = true } }
        if let landmarkEmbedding {
            model.landmarks = try embedding(landmarkEmbedding, mesh: model.mesh)
            model.provenance["landmark_embedding"] = landmarkEmbedding.lastPathComponent
            model.provenance["landmark_embedding_sha256"] = try Digest.sha256(file: landmarkEmbedding)
            try ImportSupport.checkFrame(landmarks: model.landmarkPositions(), path: landmarkEmbedding.path)
            ImportSupport.applySemantics(to: &model, skin: skin, symmetryTolerance: symmetryTolerance)
        } else {
            model.symmetry = FaceSemantics.symmetry(positions: model.mesh.positions, tolerance: symmetryTolerance)
        }
        return try ImportSupport.validated(model, path: path)
    }

    /// The arrays of an `.npz`, with a hint for arrays that were saved as Python objects.
    static func readArchive(_ url: URL) throws -> [String: NumPyArray] {
        do {
            return try NPZArchive.readDictionary(url)
        } catch var error as FileError where error.problem.contains("pickle") {
            error.problem += "; save plain arrays, e.g. a scipy sparse matrix as J_regressor.toarray() and chumpy arrays with np.asarray"
            throw error
        }
    }

    /// The landmark embedding from a DECA-style `.npz`.
    static func embedding(_ url: URL, mesh: TriangleMesh) throws -> LandmarkEmbedding {
        let path = url.path
        let head = try AtomicFile.read(url).prefix(6)
        if Array(head) == NPYFormat.magic {
            throw FileError(path, "a .npy file holds one array, and DECA's landmark_embedding.npy is a pickled dictionary, which FaceAtlas never unpickles; "
                            + "convert it with numpy: np.savez('landmark_embedding.npz', **np.load('landmark_embedding.npy', allow_pickle=True, encoding='latin1').item())")
        }
        let arrays = try readArchive(url)
        let f = mesh.triangleCount
        func faces(_ name: String, count: Int?) throws -> [Int]? {
            guard let a = arrays[name] else { return nil }
            if let count, a.count != count {
                throw FileError(path, "array '\(name)' has shape \(a.shape): \(a.count) faces, expected \(count)", at: name)
            }
            let v: [Int]
            do { v = try a.ints() } catch { throw FileError(path, "array '\(name)': \(error)", at: name) }
            if let bad = v.first(where: { $0 < 0 || $0 >= f }) {
                throw FileError(path, "array '\(name)' names face \(bad), outside the model's \(f) triangles", at: name)
            }
            return v
        }
        func coordinates(_ name: String, count: Int) throws -> [SIMD3<Float>] {
            guard let a = arrays[name] else { throw FileError(path, "missing array '\(name)'", at: name) }
            guard a.count == 3 * count, a.shape.last == 3 else {
                throw FileError(path, "array '\(name)' has shape \(a.shape), expected \(count)×3", at: name)
            }
            let v: [Float]
            do { v = try a.floats() } catch { throw FileError(path, "array '\(name)': \(error)", at: name) }
            guard v.allSatisfy(\.isFinite) else { throw FileError(path, "array '\(name)' holds values that are not finite", at: name) }
            return (0..<count).map { SIMD3(v[3 * $0], v[3 * $0 + 1], v[3 * $0 + 2]) }
        }

        var tri = [Int32](repeating: -1, count: LandmarkEmbedding.count)
        var bary = [SIMD3<Float>](repeating: .zero, count: LandmarkEmbedding.count)
        if let full = try faces("full_lmk_faces_idx", count: 68) {
            let b = try coordinates("full_lmk_b_coords", count: 68)
            for i in 0..<68 { tri[i] = Int32(full[i]); bary[i] = b[i] }
        } else {
            let name = arrays["lmk_faces_idx"] != nil ? "lmk_faces_idx" : "lmk_face_idx"
            guard let inner = try faces(name, count: nil) else {
                throw FileError(path, "no landmark arrays: expected full_lmk_faces_idx and full_lmk_b_coords (68 landmarks) or lmk_faces_idx and lmk_b_coords (51)")
            }
            guard inner.count == 51 || inner.count == 68 else {
                throw FileError(path, "array '\(name)' holds \(inner.count) faces; expected 51 (iBUG 18–68) or 68", at: name)
            }
            let b = try coordinates("lmk_b_coords", count: inner.count)
            let first = 68 - inner.count
            for i in 0..<inner.count { tri[first + i] = Int32(inner[i]); bary[first + i] = b[i] }
        }

        // Contour candidates: the frontal landmark's dominant vertex, then DECA's per-yaw jawline.
        func dominant(_ face: Int, _ b: SIMD3<Float>) -> Int32 {
            let corner = b.x >= b.y && b.x >= b.z ? 0 : (b.y >= b.z ? 1 : 2)
            return Int32(mesh.triangles[face][corner])
        }
        var candidates = [[Int32]](repeating: [], count: LandmarkEmbedding.contourIndices.count)
        for j in LandmarkEmbedding.contourIndices where tri[j] >= 0 { candidates[j] = [dominant(Int(tri[j]), bary[j])] }
        if let dynamic = arrays["dynamic_lmk_faces_idx"] {
            guard dynamic.shape.count == 2, dynamic.shape[1] == 17 else {
                throw FileError(path, "array 'dynamic_lmk_faces_idx' has shape \(dynamic.shape), expected A×17", at: "dynamic_lmk_faces_idx")
            }
            let rows = dynamic.shape[0]
            let dFaces = try faces("dynamic_lmk_faces_idx", count: rows * 17)!
            let dBary = try coordinates("dynamic_lmk_bary_coords", count: rows * 17)
            for j in 0..<17 {
                var list = candidates[j]
                for a in 0..<rows {
                    let v = dominant(dFaces[a * 17 + j], dBary[a * 17 + j])
                    if !list.contains(v) { list.append(v) }
                }
                // Front to side: by distance from the frontal vertex (DECA's row 0 is the frontal head pose).
                if let front = list.first {
                    let p = mesh.positions[Int(front)]
                    list = [front] + list.dropFirst().sorted { a, b in
                        let da = simd_length(mesh.positions[Int(a)] - p), db = simd_length(mesh.positions[Int(b)] - p)
                        return da != db ? da < db : a < b
                    }
                }
                candidates[j] = list
            }
        }
        return LandmarkEmbedding(triangles: tri, barycentric: bary, contourCandidates: candidates)
    }
}
