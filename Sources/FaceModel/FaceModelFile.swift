import FaceAtlasCore
import Foundation
import Mesh
import NumPyFormat

/// The FaceAtlas model file: a NumPy `.npz` archive of named arrays plus a `meta` JSON header.
///
/// NumPy reads it as it is (`numpy.load(path, allow_pickle=False)`). Arrays:
///
/// | name | shape, dtype | holds |
/// | --- | --- | --- |
/// | `vertices` | N×3 f4 | mean face, mm |
/// | `triangles` | F×3 i4 | vertex indices, counter-clockwise from outside |
/// | `uv`, `uv_triangles` | U×2 f4, F×3 i4 | texture coordinates and their per-corner indices |
/// | `triangle_parts`, `part_names` | F u1, P unicode | skin, eyes, teeth, ... |
/// | `identity_basis`, `identity_sd` | K×N×3 f4, K f4 | mm per standard deviation; SD of each component |
/// | `expression_basis` | E×N×3 f4 | mm per unit coefficient |
/// | `jaw_pivot`, `jaw_weights` | 3 f4, N f4 | the articulated jaw (absent for models without one) |
/// | `landmark_triangles`, `landmark_barycentric` | 68 i4, 68×3 f4 | iBUG 68 embedding (−1: not defined) |
/// | `contour_candidates` | 17×M i4 | jawline candidate vertices, −1 padded |
/// | `vertex_regions`, `vertex_organs`, `symmetry` | N u1, N u1, N i4 | semantics |
/// | `wrinkle_AU<n>` | bytes u1 | a 16-bit greyscale PNG displacement map |
/// | `expression_prior`, `jaw_prior` | E f4, 1 f4 | optional: relative sparsity-prior weight per expression component and of the jaw opening |
/// | `dense_landmark_triangles`, `dense_landmark_barycentric`, `dense_landmark_spread` | D i4, D×3 f4, D f4 | optional: MediaPipe Face Mesh's 468 points on the surface and their calibration scatter (mm) |
/// | `meta` | 0-d unicode | JSON: format, version, name, id, units, expressions, jaw, wrinkles, provenance, array hashes |
///
/// The model id is `name` plus the first 12 hex digits of `sha256`, the SHA-256 over every
/// array but `meta` (name and `.npy` bytes, in name order), so any change to the arrays
/// changes the id, and a tampered file is detected on load.
public enum FaceModelFile {
    /// The format name written in `meta`.
    public static let formatName = "faceatlas-model"
    /// The format version this code writes and reads.
    public static let formatVersion = 1

    /// The JSON header.
    public struct Meta: Codable, Sendable {
        public var format: String
        public var version: Int
        public var name: String
        public var id: String
        public var sha256: String
        public var units: String
        public var expressions: [ExpressionComponent]
        public var regions: [String]
        public var organs: [String]
        public var jaw: JawMeta?
        public var wrinkles: [WrinkleMeta]
        public var provenance: [String: String]
        public var arrays: [String: String]
    }

    /// The jaw's angles in the header.
    public struct JawMeta: Codable, Sendable {
        public var jawDropDegrees: Float
        public var mouthStretchDegrees: Float
    }

    /// A wrinkle map's entry in the header.
    public struct WrinkleMeta: Codable, Sendable {
        public var actionUnit: Int
        public var summary: String
        public var millimetresPerUnit: Float
        public var array: String
    }

    // MARK: Writing

    /// The arrays of `model` with its header, ready to write; the header's id and hashes are filled in.
    public static func arrays(of model: FaceModel) throws -> (arrays: [(name: String, array: NumPyArray)], meta: Meta) {
        try model.validate()
        let n = model.vertexCount
        let m = model.mesh
        var list: [(String, NumPyArray)] = []
        list.append(("vertices", NumPyArray(float32: m.positions.flatMap { [$0.x, $0.y, $0.z] }, shape: [n, 3])))
        list.append(("triangles", NumPyArray(int32: m.triangles.flatMap { [Int32($0.x), Int32($0.y), Int32($0.z)] }, shape: [m.triangleCount, 3])))
        if m.hasUVs {
            list.append(("uv", NumPyArray(float32: m.uvs.flatMap { [$0.x, $0.y] }, shape: [m.uvs.count, 2])))
            list.append(("uv_triangles", NumPyArray(int32: m.uvTriangles.flatMap { [Int32($0.x), Int32($0.y), Int32($0.z)] }, shape: [m.triangleCount, 3])))
        }
        if !m.partNames.isEmpty {
            list.append(("triangle_parts", NumPyArray(uint8: m.triangleParts, shape: [m.triangleCount])))
            list.append(("part_names", NumPyArray(strings: m.partNames, shape: [m.partNames.count])))
        }
        list.append(("identity_basis", NumPyArray(float32: model.identityBasis, shape: [model.identityCount, n, 3])))
        list.append(("identity_sd", NumPyArray(float32: model.identityStandardDeviations, shape: [model.identityCount])))
        list.append(("expression_basis", NumPyArray(float32: model.expressionBasis, shape: [model.expressionCount, n, 3])))
        if let jaw = model.jaw {
            list.append(("jaw_pivot", NumPyArray(float32: [jaw.pivot.x, jaw.pivot.y, jaw.pivot.z], shape: [3])))
            list.append(("jaw_weights", NumPyArray(float32: jaw.weights, shape: [n])))
        }
        let lm = model.landmarks
        list.append(("landmark_triangles", NumPyArray(int32: lm.triangles, shape: [lm.triangles.count])))
        list.append(("landmark_barycentric", NumPyArray(float32: lm.barycentric.flatMap { [$0.x, $0.y, $0.z] }, shape: [lm.barycentric.count, 3])))
        let width = lm.contourCandidates.map(\.count).max() ?? 0
        let padded = lm.contourCandidates.flatMap { $0 + [Int32](repeating: -1, count: width - $0.count) }
        list.append(("contour_candidates", NumPyArray(int32: padded, shape: [lm.contourCandidates.count, width])))
        if let dense = model.denseLandmarks {
            list.append(("dense_landmark_triangles", NumPyArray(int32: dense.triangles, shape: [dense.count])))
            list.append(("dense_landmark_barycentric", NumPyArray(float32: dense.barycentric.flatMap { [$0.x, $0.y, $0.z] }, shape: [dense.count, 3])))
            list.append(("dense_landmark_spread", NumPyArray(float32: dense.spread, shape: [dense.count])))
        }
        list.append(("vertex_regions", NumPyArray(uint8: model.vertexRegions, shape: [n])))
        list.append(("vertex_organs", NumPyArray(uint8: model.vertexOrgans, shape: [n])))
        list.append(("symmetry", NumPyArray(int32: model.symmetry, shape: [n])))
        if !model.expressionPriorWeights.isEmpty {
            list.append(("expression_prior", NumPyArray(float32: model.expressionPriorWeights, shape: [model.expressionCount])))
        }
        if model.jaw != nil && model.jawPriorWeight != 1 {
            list.append(("jaw_prior", NumPyArray(float32: [model.jawPriorWeight], shape: [1])))
        }
        var wrinkles: [WrinkleMeta] = []
        for w in model.wrinkleMaps {
            let name = "wrinkle_AU\(w.actionUnit)"
            list.append((name, NumPyArray(uint8: [UInt8](w.png), shape: [w.png.count])))
            wrinkles.append(WrinkleMeta(actionUnit: w.actionUnit, summary: w.summary, millimetresPerUnit: w.millimetresPerUnit, array: name))
        }
        let (hashes, total) = digests(list)
        let meta = Meta(
            format: formatName, version: formatVersion, name: model.name,
            id: "\(model.name)-\(total.prefix(12))", sha256: total, units: "mm",
            expressions: model.expressions,
            regions: FaceRegion.allCases.map(\.name), organs: FacialOrgan.allCases.map(\.name),
            jaw: model.jaw.map { JawMeta(jawDropDegrees: $0.jawDropDegrees, mouthStretchDegrees: $0.mouthStretchDegrees) },
            wrinkles: wrinkles, provenance: model.provenance, arrays: hashes)
        return (list.map { (name: $0.0, array: $0.1) }, meta)
    }

    /// Writes `model` to `url` atomically and returns the header that was written.
    @discardableResult
    public static func write(_ model: FaceModel, to url: URL, compressed: Bool = true) throws -> Meta {
        let (list, meta) = try arrays(of: model)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        let json = String(decoding: try encoder.encode(meta), as: UTF8.self)
        try NPZArchive.write(list + [(name: "meta", array: NumPyArray(string: json))], to: url, compressed: compressed)
        return meta
    }

    // MARK: Reading

    /// Reads a model file, checking its format, its array hashes and its consistency.
    ///
    /// The hashes are computed once per file: a file verified before and unchanged since (`VerifiedFileCache`:
    /// same inode, size, modification and status-change times) is not hashed again.
    public static func read(_ url: URL) throws -> (model: FaceModel, meta: Meta) {
        let identity = VerifiedFileCache.Identity(path: url.path)
        let entries = try NPZArchive.read(url)
        let path = url.path
        var arrays: [String: NumPyArray] = [:]
        for e in entries { arrays[e.name] = e.array }
        guard let metaArray = arrays["meta"] else {
            throw FileError(path, "not a FaceAtlas model: no 'meta' array (convert other models with 'faceatlas model import')")
        }
        let meta: Meta
        do {
            meta = try JSONDecoder().decode(Meta.self, from: Data(try metaArray.scalarString().utf8))
        } catch {
            throw FileError(path, "the model header is not valid JSON of this format: \(error)", at: "meta")
        }
        guard meta.format == formatName else { throw FileError(path, "format is '\(meta.format)', not '\(formatName)'", at: "meta") }
        guard meta.version <= formatVersion else {
            throw FileError(path, "model format version \(meta.version) is newer than this FaceAtlas reads (\(formatVersion))", at: "meta")
        }
        let unchanged = identity != nil && VerifiedFileCache.Identity(path: path) == identity
        let names = Set(entries.map(\.name).filter { $0 != "meta" })
        if !(unchanged && VerifiedFileCache.wasVerified(identity!, digest: meta.sha256) && names == Set(meta.arrays.keys)) {
            let (hashes, total) = digests(entries.filter { $0.name != "meta" }.map { ($0.name, $0.array) })
            for (name, expected) in meta.arrays.sorted(by: { $0.key < $1.key }) {
                guard let actual = hashes[name] else { throw FileError(path, "array '\(name)' listed in the header is missing", at: name) }
                guard actual == expected else { throw FileError(path, "array '\(name)' does not match its SHA-256 in the header: the file was changed or damaged", at: name) }
            }
            for name in hashes.keys where meta.arrays[name] == nil {
                throw FileError(path, "array '\(name)' is not listed in the header", at: name)
            }
            guard total == meta.sha256 else { throw FileError(path, "the model SHA-256 does not match its arrays", at: "meta") }
            if unchanged, let identity { VerifiedFileCache.recordVerified(identity, digest: total) }
        }

        func need(_ name: String) throws -> NumPyArray {
            guard let a = arrays[name] else { throw FileError(path, "missing array '\(name)'", at: name) }
            return a
        }
        func floats(_ name: String, shape expected: [Int?]) throws -> [Float] {
            let a = try need(name)
            try checkShape(a, expected, name, path)
            return try a.floats()
        }
        func ints(_ name: String, shape expected: [Int?]) throws -> [Int] {
            let a = try need(name)
            try checkShape(a, expected, name, path)
            return try a.ints()
        }
        let v = try floats("vertices", shape: [nil, 3])
        let n = v.count / 3
        let t = try ints("triangles", shape: [nil, 3])
        let f = t.count / 3
        guard t.allSatisfy({ $0 >= 0 && $0 < n }) else { throw FileError(path, "a triangle names a vertex outside 0..<\(n)", at: "triangles") }
        var mesh = TriangleMesh(positions: vectors3(v), triangles: triples(t))
        if arrays["uv"] != nil {
            let uv = try floats("uv", shape: [nil, 2])
            let ut = try ints("uv_triangles", shape: [f, 3])
            let nu = uv.count / 2
            guard ut.allSatisfy({ $0 >= 0 && $0 < nu }) else { throw FileError(path, "a UV triangle names a UV outside 0..<\(nu)", at: "uv_triangles") }
            mesh.uvs = stride(from: 0, to: uv.count, by: 2).map { SIMD2<Float>(uv[$0], uv[$0 + 1]) }
            mesh.uvTriangles = triples(ut)
        }
        if arrays["part_names"] != nil {
            mesh.partNames = try need("part_names").strings()
            mesh.triangleParts = try need("triangle_parts").bytes()
            guard mesh.triangleParts.count == f, mesh.triangleParts.allSatisfy({ Int($0) < mesh.partNames.count }) else {
                throw FileError(path, "triangle parts do not match the triangles and part names", at: "triangle_parts")
            }
        }
        let sd = try floats("identity_sd", shape: [nil])
        let idBasis = try floats("identity_basis", shape: [sd.count, n, 3])
        let e = meta.expressions.count
        let expBasis = try floats("expression_basis", shape: [e, n, 3])
        var jaw: Jaw?
        if let jm = meta.jaw {
            let p = try floats("jaw_pivot", shape: [3])
            jaw = Jaw(pivot: SIMD3(p[0], p[1], p[2]), weights: try floats("jaw_weights", shape: [n]),
                      jawDropDegrees: jm.jawDropDegrees, mouthStretchDegrees: jm.mouthStretchDegrees)
        }
        let lt = try ints("landmark_triangles", shape: [LandmarkEmbedding.count])
        guard lt.allSatisfy({ $0 >= -1 && $0 < f }) else { throw FileError(path, "a landmark names a triangle outside the mesh", at: "landmark_triangles") }
        let lb = try floats("landmark_barycentric", shape: [LandmarkEmbedding.count, 3])
        let cc = try need("contour_candidates")
        try checkShape(cc, [nil, nil], "contour_candidates", path)
        let ccv = try cc.ints()
        let width = cc.shape[1]
        guard ccv.allSatisfy({ $0 >= -1 && $0 < n }) else { throw FileError(path, "a contour candidate names a vertex outside the mesh", at: "contour_candidates") }
        let candidates = (0..<cc.shape[0]).map { r in ccv[(r * width)..<((r + 1) * width)].filter { $0 >= 0 }.map(Int32.init) }
        let landmarks = LandmarkEmbedding(
            triangles: lt.map(Int32.init), barycentric: vectors3(lb),
            contourCandidates: candidates)
        let regions = try need("vertex_regions").bytes()
        let organs = try need("vertex_organs").bytes()
        let symmetry = try ints("symmetry", shape: [n])
        var wrinkles: [WrinkleMap] = []
        for w in meta.wrinkles {
            wrinkles.append(WrinkleMap(actionUnit: w.actionUnit, summary: w.summary, millimetresPerUnit: w.millimetresPerUnit,
                                       png: Data(try need(w.array).bytes())))
        }
        let model = FaceModel(
            name: meta.name, mesh: mesh.withNormals(), identityBasis: idBasis, identityStandardDeviations: sd,
            expressionBasis: expBasis, expressions: meta.expressions, jaw: jaw, landmarks: landmarks,
            vertexRegions: regions, vertexOrgans: organs, symmetry: symmetry.map(Int32.init), wrinkleMaps: wrinkles,
            provenance: meta.provenance)
        var result = model
        if arrays["expression_prior"] != nil { result.expressionPriorWeights = try floats("expression_prior", shape: [e]) }
        if arrays["jaw_prior"] != nil { result.jawPriorWeight = try floats("jaw_prior", shape: [1])[0] }
        if arrays["dense_landmark_triangles"] != nil {
            let dt = try ints("dense_landmark_triangles", shape: [nil])
            guard dt.allSatisfy({ $0 >= -1 && $0 < f }) else {
                throw FileError(path, "a dense landmark names a triangle outside the mesh", at: "dense_landmark_triangles")
            }
            let db = try floats("dense_landmark_barycentric", shape: [dt.count, 3])
            let ds = try floats("dense_landmark_spread", shape: [dt.count])
            result.denseLandmarks = SurfacePointEmbedding(triangles: dt.map(Int32.init), barycentric: vectors3(db), spread: ds)
        }
        do { try result.validate() } catch { throw FileError(path, "\(error)") }
        return (result, meta)
    }

    // MARK: Helpers

    static func vectors3(_ flat: [Float]) -> [SIMD3<Float>] {
        var out: [SIMD3<Float>] = []
        out.reserveCapacity(flat.count / 3)
        var i = 0
        while i + 2 < flat.count { out.append(SIMD3<Float>(flat[i], flat[i + 1], flat[i + 2])); i += 3 }
        return out
    }

    static func triples(_ flat: [Int]) -> [SIMD3<UInt32>] {
        var out: [SIMD3<UInt32>] = []
        out.reserveCapacity(flat.count / 3)
        var i = 0
        while i + 2 < flat.count {
            out.append(SIMD3<UInt32>(UInt32(flat[i]), UInt32(flat[i + 1]), UInt32(flat[i + 2])))
            i += 3
        }
        return out
    }

    static func checkShape(_ a: NumPyArray, _ expected: [Int?], _ name: String, _ path: String) throws {
        guard a.shape.count == expected.count, zip(a.shape, expected).allSatisfy({ $1 == nil || $0 == $1! }) else {
            let want = expected.map { $0.map(String.init) ?? "*" }.joined(separator: "×")
            throw FileError(path, "array '\(name)' has shape \(a.shape), expected \(want)", at: name)
        }
    }

    /// Per-array SHA-256 (over the `.npy` encoding) and the total over all arrays in name order.
    static func digests(_ list: [(String, NumPyArray)]) -> (perArray: [String: String], total: String) {
        var per: [String: String] = [:]
        var all = Data()
        for (name, array) in list.sorted(by: { $0.0 < $1.0 }) {
            let bytes = NPYFormat.encode(array)
            per[name] = Digest.sha256(bytes)
            all.append(Data(name.utf8))
            all.append(bytes)
        }
        return (per, Digest.sha256(all))
    }
}
