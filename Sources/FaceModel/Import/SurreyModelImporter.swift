import FaceAtlasCore
import Foundation
import Mesh

/// Imports an eos morphable model (the Surrey Face Model, `sfm_shape_3448.bin` and the other
/// models eos reads) from its cereal binary `.bin` file into a `FaceModel`.
///
/// The file layout and the `MorphableModel` class versions read (0–4) are described in
/// `EosMorphableModel`. The import:
///
/// - **Units and frame**: eos models are in millimetres, with y up, z out of the face and the
///   subject's left at +x, FaceAtlas's own frame; nothing is scaled or moved. With a landmark
///   mapping, the frame is checked on the eye corners, chin, nose bridge and nose tip.
/// - **Mean**: the shape model's mean (plus the expression PCA model's mean, if the model has
///   one, as eos's `get_mean()` does). The colour model is read and checked but not imported.
/// - **Identity**: each orthonormal basis column scaled by the square root of its eigenvalue, so
///   coefficients are in standard deviations (eos's `rescaled_pca_basis`);
///   `identityStandardDeviations` = √eigenvalues (mm).
/// - **Expression**: blendshapes become one component each, named as in the file
///   (`kind: .statistical`, summary "eos blendshape"), with the deformation per unit coefficient;
///   a PCA expression model becomes `exp00`, `exp01`, … scaled like the identity basis. No jaw.
///   A separate blendshapes file (`expression_blendshapes_3448.bin`, read as `EosBlendshapesFile`)
///   is added to a shape-only model exactly as if the model held it: the result equals the import
///   of eos's own `MorphableModel(shape, blendshapes)` written by `save_model`. A model that
///   already has an expression model is refused with a blendshapes file rather than one of the
///   two silently winning (eos's `MorphableModel` holds one expression model).
/// - **Edge topology**: an eos edge topology file (`sfm_3448_edge_topology.json`, read as
///   `EosEdgeTopologyFile`) is checked against the edge adjacency of the mesh's own triangles
///   and refused, naming the first disagreeing edge, if it describes another mesh. Nothing of it
///   is stored (the adjacency follows from the triangles: `FaceModel.edgeAdjacency()`), only its
///   name, digest and the check in the provenance.
/// - **Misplaced files**: a blendshapes, edge topology, contour or mapping file given where
///   another is expected is refused with what it is and which option takes it (`EosFileKind`).
/// - **UVs**: the texture coordinates, flipped to v up, on the texture triangles (version 4) or
///   on the mesh triangles when there is one coordinate per vertex.
/// - **Landmarks**: from the iBUG mapping file (`ibug_to_sfm.txt`), or else from the model's own
///   landmark definitions where their names are iBUG numbers 1–68. Each mapped landmark sits
///   exactly on its vertex.
/// - **Contour**: from the model contour file (`sfm_model_contours.json`). eos lists each side's
///   contour vertices from eyebrow height down to the chin; every jawline landmark of that side
///   (iBUG 1–8 right, 10–17 left, or as the mapping's `[contour_landmarks]` says) gets the whole
///   side's list as candidates, ordered from the chin end (the front) to the temple end (the
///   side), and a default position on the list spread evenly from the top (iBUG 1 and 17) to
///   near the chin (iBUG 8 and 10). The chin (iBUG 9) keeps its mapped vertex. Without a
///   contour file the jawline landmarks other than the chin are undefined.
/// - **Semantics** by `FaceSemantics` with every vertex counted as skin; symmetry by
///   reflection in x = 0 within 2 mm.
public enum SurreyModelImporter {
    /// The mirror-vertex tolerance for the symmetry map (mm).
    public static let symmetryTolerance: Float = 2

    /// Imports the eos model at `url`, with an optional iBUG landmark mapping
    /// (`ibug_to_sfm.txt`, TOML or eos's older `landmarkMappings { … }` form), an optional
    /// model contour file (`sfm_model_contours.json`), an optional blendshapes file for a
    /// shape-only model (`expression_blendshapes_3448.bin`) and an optional edge topology file
    /// to check the mesh against (`sfm_3448_edge_topology.json`).
    ///
    /// - Throws: `FileError` naming the file at fault and what is wrong with it: a truncated
    ///   file, impossible sizes, an unknown version, arrays that do not agree, indices outside
    ///   the mesh, blendshapes for a model that has an expression model or of another vertex
    ///   count, an edge topology of another mesh, an eos file of another kind than expected,
    ///   or a model that fails `FaceModel.validate()`.
    public static func importModel(from url: URL, landmarkMapping: URL?, contours: URL?,
                                   blendshapes: URL? = nil, edgeTopology: URL? = nil) throws -> FaceModel {
        let path = url.path
        let (data, sha) = try ImportSupport.read(url)
        var eos: EosMorphableModel
        do {
            eos = try EosMorphableModel.parse(data, path: path)
        } catch {
            throw EosFileKind.misplacedFileError(data, path: path, expected: .morphableModel) ?? error
        }
        var expressionSource = "none"
        switch eos.expression {
        case nil: break
        case .blendshapes(let b)?: expressionSource = "\(b.count) blendshapes"
        case .pca(let p)?: expressionSource = "PCA, \(p.components) components"
        }
        var blendshapesDigest: String?
        if let blendshapes {
            let (shapes, digest) = try readBlendshapes(blendshapes, for: eos, modelURL: url)
            eos.expression = .blendshapes(shapes)
            expressionSource = "\(shapes.count) blendshapes from \(blendshapes.lastPathComponent)"
            blendshapesDigest = digest
        }
        var model = try makeModel(eos, path: path, name: modelName(url))
        model.provenance = [
            "source": url.lastPathComponent,
            "source_sha256": sha,
            "format": "eos MorphableModel (cereal binary), class version \(eos.version.map(String.init) ?? "none (early unversioned)")",
            "importer": "faceatlas SurreyModelImporter 1",
            "frame": "mm as in the source; x to the subject's left, y up, z out of the face (eos frame, unchanged)",
            "expression_model": expressionSource,
        ]
        if let blendshapes, let blendshapesDigest {
            model.provenance["blendshapes"] = blendshapes.lastPathComponent
            model.provenance["blendshapes_sha256"] = blendshapesDigest
        }
        if let edgeTopology {
            let (digest, adjacency) = try checkEdgeTopology(edgeTopology, against: model.mesh, modelURL: url)
            model.provenance["edge_topology"] = edgeTopology.lastPathComponent
            model.provenance["edge_topology_sha256"] = digest
            model.provenance["edge_topology_check"] = "agrees with the mesh's own edge adjacency: \(adjacency.edges.count) edges, \(adjacency.openBoundaryEdgeCount) on the open boundary"
        }

        // Landmarks.
        let n = model.vertexCount
        var mapping: [Int: Int] = [:]
        var right = Array(0...7), left = Array(9...16)
        var mappingPath = path
        if let landmarkMapping {
            let (mdata, msha) = try ImportSupport.read(landmarkMapping)
            mappingPath = landmarkMapping.path
            let parsed: (mapping: [Int: Int], right: [Int]?, left: [Int]?)
            do {
                parsed = try LandmarkMappingFile.parse(mdata, path: landmarkMapping.path)
            } catch {
                throw EosFileKind.misplacedFileError(mdata, path: landmarkMapping.path, expected: .landmarkMapping) ?? error
            }
            mapping = parsed.mapping
            if let r = parsed.right { right = r }
            if let l = parsed.left { left = l }
            model.provenance["landmark_mapping"] = landmarkMapping.lastPathComponent
            model.provenance["landmark_mapping_sha256"] = msha
        } else if let definitions = eos.landmarkDefinitions {
            for (key, vertex) in definitions {
                if let i = Int(key.trimmingCharacters(in: .whitespaces)), (1...68).contains(i) { mapping[i - 1] = vertex }
            }
            if !mapping.isEmpty { model.provenance["landmark_mapping"] = "the model's landmark definitions" }
        }
        for (landmark, vertex) in mapping.sorted(by: { $0.key < $1.key }) where vertex < 0 || vertex >= n {
            throw FileError(mappingPath, "iBUG landmark \(landmark + 1) maps to vertex \(vertex), outside the model's \(n) vertices")
        }
        var used = Set<Int>()
        for t in model.mesh.triangles { used.insert(Int(t.x)); used.insert(Int(t.y)); used.insert(Int(t.z)) }
        for (landmark, vertex) in mapping.sorted(by: { $0.key < $1.key }) where !used.contains(vertex) {
            throw FileError(mappingPath, "iBUG landmark \(landmark + 1) maps to vertex \(vertex), which no triangle of the model uses")
        }

        var vertexOf = [Int32](repeating: -1, count: LandmarkEmbedding.count)
        for (landmark, vertex) in mapping { vertexOf[landmark] = Int32(vertex) }
        var candidates = [[Int32]](repeating: [], count: LandmarkEmbedding.contourIndices.count)
        if vertexOf[8] >= 0 { candidates[8] = [vertexOf[8]] }
        if let contours {
            let (cdata, csha) = try ImportSupport.read(contours)
            let (rightContour, leftContour): ([Int], [Int])
            do {
                (rightContour, leftContour) = try ModelContourFile.parse(cdata, path: contours.path, vertexCount: n)
            } catch {
                throw EosFileKind.misplacedFileError(cdata, path: contours.path, expected: .modelContour) ?? error
            }
            model.provenance["contours"] = contours.lastPathComponent
            model.provenance["contours_sha256"] = csha
            // Each side's landmarks from the top (iBUG 1 / 17) down to the chin.
            for (landmarks, list) in [(right.sorted(), rightContour), (left.sorted(by: >), leftContour)] where !list.isEmpty {
                let frontToSide = list.reversed().map { Int32($0) }
                for (m, landmark) in landmarks.enumerated() {
                    candidates[landmark] = frontToSide
                    if mapping[landmark] == nil {
                        let index = Int((Double(m) * Double(list.count - 1) / 8).rounded())
                        vertexOf[landmark] = Int32(list[min(index, list.count - 1)])
                    }
                }
            }
        }
        model.landmarks = LandmarkEmbedding(vertices: vertexOf, mesh: model.mesh.triangles, contourCandidates: candidates)
        try ImportSupport.checkFrame(landmarks: model.landmarkPositions(), path: mappingPath)
        ImportSupport.applySemantics(to: &model, skin: [Bool](repeating: true, count: n), symmetryTolerance: symmetryTolerance)
        return try ImportSupport.validated(model, path: path)
    }

    /// The blendshapes in the file at `url`, checked against the shape model of `eos` (read from
    /// `modelURL`), and the file's SHA-256.
    ///
    /// - Throws: `FileError` for a model that already has an expression model (naming the model),
    ///   or for a blendshapes file that cannot be read, holds another kind of eos file, or has a
    ///   blendshape of another vertex count or with values that are not finite (naming the file).
    static func readBlendshapes(_ url: URL, for eos: EosMorphableModel, modelURL: URL) throws -> (blendshapes: [EosMorphableModel.Blendshape], sha256: String) {
        if let existing = eos.expression {
            let what: String
            switch existing {
            case .blendshapes(let b): what = "\(b.count) blendshapes (\(b.prefix(6).map(\.name).joined(separator: ", "))\(b.count > 6 ? ", …" : ""))"
            case .pca(let p): what = "a PCA expression model of \(p.components) components"
            }
            throw FileError(modelURL.path, "the model already has an expression model, \(what), so --blendshapes \(url.lastPathComponent) would have to replace it or be added to it; "
                            + "eos's MorphableModel holds one expression model and FaceAtlas does not choose: import the model without --blendshapes to keep its own, "
                            + "or give --blendshapes with a shape-only model (such as sfm_shape_3448.bin)", at: "expression model")
        }
        let (data, sha) = try ImportSupport.read(url)
        let shapes: [EosMorphableModel.Blendshape]
        do {
            shapes = try EosBlendshapesFile.parse(data, path: url.path)
        } catch {
            throw EosFileKind.misplacedFileError(data, path: url.path, expected: .blendshapes) ?? error
        }
        let m = eos.shape.mean.count
        for (i, b) in shapes.enumerated() {
            guard b.deformation.count == m else {
                let vertices = b.deformation.count % 3 == 0 ? "\(b.deformation.count / 3) vertices" : "not a whole number of vertices"
                throw FileError(url.path, "blendshape \(i), '\(b.name)', has \(b.deformation.count) values (\(vertices)), but the shape model of \(modelURL.lastPathComponent) has \(m / 3) vertices (\(m) values): "
                                + "the blendshapes are for another model", at: "blendshape \(i) (\(b.name))")
            }
            try ImportSupport.checkFinite(b.deformation, path: url.path, at: "blendshape \(i) (\(b.name))")
        }
        return (shapes, sha)
    }

    /// Checks the eos edge topology file at `url` against the edge adjacency of `mesh`'s own
    /// triangles (the model read from `modelURL`); returns the file's SHA-256 and the adjacency.
    ///
    /// - Throws: `FileError` naming the file and the first edge that disagrees, or what is wrong
    ///   with the file; naming the model when its own mesh has no edge adjacency (an edge of
    ///   three or more triangles).
    static func checkEdgeTopology(_ url: URL, against mesh: TriangleMesh, modelURL: URL) throws -> (sha256: String, adjacency: MeshEdgeAdjacency) {
        let own: MeshEdgeAdjacency
        do {
            own = try MeshEdgeAdjacency(mesh: mesh)
        } catch {
            throw FileError(modelURL.path, "the model's mesh has no edge adjacency to check \(url.lastPathComponent) against: \(error)", at: "shape model: triangle list")
        }
        let (data, sha) = try ImportSupport.read(url)
        let theirs: MeshEdgeAdjacency
        do {
            theirs = try EosEdgeTopologyFile.parse(data, path: url.path, vertexCount: mesh.vertexCount, triangleCount: mesh.triangleCount)
        } catch {
            throw EosFileKind.misplacedFileError(data, path: url.path, expected: .edgeTopology) ?? error
        }
        guard let disagreement = theirs.firstDisagreement(with: own) else { return (sha, own) }
        let model = modelURL.lastPathComponent
        func faces(_ e: MeshEdgeAdjacency.Edge) -> String {
            e.secondTriangle.map { "faces \(e.firstTriangle + 1) and \($0 + 1)" } ?? "only face \(e.firstTriangle + 1)"
        }
        func vertices(_ e: MeshEdgeAdjacency.Edge) -> String { "vertices \(e.vertices.x + 1)–\(e.vertices.y + 1)" }
        let counts = "(the file lists \(theirs.edges.count) edges, the mesh of \(model) has \(own.edges.count))"
        switch disagreement {
        case let .notInReference(k, e):
            throw FileError(url.path, "edge \(k), \(vertices(e)) (1-based, as in the file), is not an edge of the mesh of \(model): the edge topology is for another mesh \(counts)",
                            at: "edge_topology.adjacent_vertices[\(k)]")
        case let .differentTriangles(k, e, r):
            throw FileError(url.path, "edge \(k), \(vertices(e)) (1-based, as in the file), borders \(faces(e)) in the file but \(faces(r)) in the mesh of \(model): the edge topology is for another mesh \(counts)",
                            at: "edge_topology.adjacent_faces[\(k)]")
        case let .missing(_, r):
            throw FileError(url.path, "the mesh of \(model) has an edge the file does not list, \(vertices(r)) bordering \(faces(r)) (1-based, as in the file) \(counts)",
                            at: "edge_topology")
        }
    }

    /// `sfm` for the Surrey models (`sfm_*.bin`), else `eos-` and the file's name.
    static func modelName(_ url: URL) -> String {
        let stem = url.deletingPathExtension().lastPathComponent.lowercased()
        if stem.hasPrefix("sfm") { return "sfm" }
        let safe = String(stem.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "-" })
        return "eos-" + (safe.isEmpty ? "model" : safe)
    }

    /// The model without landmarks and semantics.
    static func makeModel(_ eos: EosMorphableModel, path: String, name: String) throws -> FaceModel {
        let shape = eos.shape
        let m = shape.mean.count
        guard m > 0, m % 3 == 0 else {
            throw FileError(path, "the shape model's mean has \(m) values, not a positive multiple of 3 (x, y, z per vertex)", at: "shape model")
        }
        let n = m / 3
        guard n <= Int(UInt32.max) else { throw FileError(path, "the shape model has too many vertices (\(n))", at: "shape model") }
        guard !shape.triangles.isEmpty else { throw FileError(path, "the shape model has no triangles", at: "shape model: triangle list") }
        for (i, t) in shape.triangles.enumerated() where !(0..<Int32(n) ~= t.x && 0..<Int32(n) ~= t.y && 0..<Int32(n) ~= t.z) {
            throw FileError(path, "triangle \(i) names vertex \(t.min() < 0 ? t.min() : t.max()), outside the model's \(n) vertices", at: "shape model: triangle list")
        }
        if !eos.color.isEmpty, eos.color.mean.count != m {
            throw FileError(path, "the colour model has \(eos.color.mean.count / 3) vertices, the shape model \(n)", at: "colour model")
        }

        var mean = shape.mean
        var expressionBasis: [Float] = []
        var expressions: [ExpressionComponent] = []
        switch eos.expression {
        case nil:
            break
        case .blendshapes(let shapes)?:
            let names = ImportSupport.uniqueNames(shapes.map(\.name), fallback: "blendshape")
            expressionBasis.reserveCapacity(shapes.count * m)
            for (i, b) in shapes.enumerated() {
                guard b.deformation.count == m else {
                    throw FileError(path, "blendshape '\(b.name)' has \(b.deformation.count) values for \(n) vertices (\(m) expected)", at: "expression model")
                }
                expressionBasis += b.deformation
                expressions.append(ExpressionComponent(name: names[i], kind: .statistical, summary: "eos blendshape"))
            }
        case .pca(let pca)?:
            guard pca.mean.count == m else {
                throw FileError(path, "the expression PCA model has \(pca.mean.count) mean values for \(n) vertices (\(m) expected)", at: "expression model")
            }
            for i in 0..<m { mean[i] += pca.mean[i] }
            expressionBasis = try scaledBasis(pca, path: path, what: "expression model")
            expressions = ImportSupport.statisticalNames(pca.components).map {
                ExpressionComponent(name: $0, kind: .statistical, summary: "eos expression PCA component")
            }
        }
        let identityBasis = try scaledBasis(shape, path: path, what: "shape model")
        try ImportSupport.checkFinite(identityBasis, path: path, at: "shape model: basis")
        try ImportSupport.checkFinite(expressionBasis, path: path, at: "expression model")
        let sd = try standardDeviations(shape, path: path, what: "shape model")

        var mesh = TriangleMesh(
            positions: (0..<n).map { SIMD3(mean[3 * $0], mean[3 * $0 + 1], mean[3 * $0 + 2]) },
            triangles: shape.triangles.map { SIMD3<UInt32>(UInt32($0.x), UInt32($0.y), UInt32($0.z)) })
        let uv = eos.textureCoordinates
        if !uv.isEmpty {
            let uvTriangles: [SIMD3<Int32>]?
            if eos.textureTriangles.count == shape.triangles.count {
                uvTriangles = eos.textureTriangles
            } else if eos.textureTriangles.isEmpty, uv.count == n {
                uvTriangles = shape.triangles
            } else {
                uvTriangles = nil
            }
            if let uvTriangles {
                for (i, t) in uvTriangles.enumerated() where !(0..<Int32(uv.count) ~= t.x && 0..<Int32(uv.count) ~= t.y && 0..<Int32(uv.count) ~= t.z) {
                    throw FileError(path, "texture triangle \(i) names a texture coordinate outside the \(uv.count) in the file", at: "texture triangle indices")
                }
                mesh.uvs = uv.map { SIMD2<Float>(Float($0.x), Float(1 - $0.y)) }
                mesh.uvTriangles = uvTriangles.map { SIMD3<UInt32>(UInt32($0.x), UInt32($0.y), UInt32($0.z)) }
            }
        }
        try ImportSupport.checkPositions(mesh.positions, path: path, at: "shape model: mean")
        ImportSupport.skinOnly(&mesh)
        return FaceModel(
            name: name, mesh: mesh.withNormals(), identityBasis: identityBasis, identityStandardDeviations: sd,
            expressionBasis: expressionBasis, expressions: expressions, jaw: nil,
            landmarks: LandmarkEmbedding(vertices: [Int32](repeating: -1, count: LandmarkEmbedding.count), mesh: mesh.triangles,
                                         contourCandidates: [[Int32]](repeating: [], count: LandmarkEmbedding.contourIndices.count)),
            vertexRegions: [UInt8](repeating: 0, count: n), vertexOrgans: [UInt8](repeating: 0, count: n),
            symmetry: [Int32](repeating: -1, count: n))
    }

    /// √eigenvalues, refusing negative or non-finite eigenvalues (tiny negative round-off is taken as 0).
    static func standardDeviations(_ pca: EosMorphableModel.PcaModel, path: String, what: String) throws -> [Float] {
        let largest = pca.eigenvalues.filter(\.isFinite).max() ?? 0
        return try pca.eigenvalues.enumerated().map { k, e in
            guard e.isFinite, e >= -1e-6 * max(largest, 1e-30) else {
                throw FileError(path, "eigenvalue \(k) of the \(what) is \(e); eigenvalues are variances and cannot be negative", at: what)
            }
            return max(e, 0).squareRoot()
        }
    }

    /// The orthonormal basis with each column scaled by √eigenvalue, component-major (column-major).
    static func scaledBasis(_ pca: EosMorphableModel.PcaModel, path: String, what: String) throws -> [Float] {
        let sd = try standardDeviations(pca, path: path, what: what)
        var out = pca.orthonormalBasis.values
        let rows = pca.orthonormalBasis.rows
        for k in 0..<pca.components {
            for i in 0..<rows { out[k * rows + i] *= sd[k] }
        }
        return out
    }
}

/// The iBUG → model vertex mapping file of eos (`share/ibug_to_sfm.txt`).
///
/// Current eos writes it in TOML: a `[landmark_mappings]` table of `<iBUG number> = <vertex>`
/// lines (iBUG numbers 1–68, vertices 0-based) and a `[contour_landmarks]` table with `right`
/// and `left` arrays of iBUG numbers; `#` starts a comment. Older eos releases used the
/// Boost property-tree form `landmarkMappings { <iBUG> <vertex> ; comment }`, also read here.
enum LandmarkMappingFile {
    /// Landmark (0-based) → vertex; the contour landmarks (0-based) of either side, if the file says.
    static func parse(_ data: Data, path: String) throws -> (mapping: [Int: Int], right: [Int]?, left: [Int]?) {
        guard let text = String(data: data, encoding: .utf8) else {
            throw FileError(path, "not UTF-8 text")
        }
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        if !lines.contains(where: { stripComment($0, "#").trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("[") }),
           lines.contains(where: { $0.contains("landmarkMappings") }) {
            return (try parseInfo(lines, path: path), nil, nil)
        }
        var section = ""
        var mapping: [Int: Int] = [:]
        var arrays: [String: [Int]] = [:]
        var pendingKey: String?
        var pendingText = ""
        var pendingLine = 0
        for (index, raw) in lines.enumerated() {
            let lineNumber = index + 1
            let line = stripComment(raw, "#").trimmingCharacters(in: .whitespacesAndNewlines)
            if let key = pendingKey {
                pendingText += " " + line
                if line.contains("]") {
                    arrays[key] = try intArray(pendingText, path: path, line: pendingLine)
                    pendingKey = nil
                }
                continue
            }
            if line.isEmpty { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]") else { throw FileError(path, "unterminated table header '\(line)'", at: "line \(lineNumber)") }
                section = String(line.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
                continue
            }
            guard let eq = line.firstIndex(of: "=") else {
                throw FileError(path, "expected 'key = value', found '\(line)'", at: "line \(lineNumber)")
            }
            let key = unquote(line[..<eq].trimmingCharacters(in: .whitespaces))
            let value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespacesAndNewlines)
            switch section {
            case "landmark_mappings":
                guard let landmark = Int(key), (1...68).contains(landmark) else {
                    throw FileError(path, "'\(key)' is not an iBUG 68-point landmark number (1–68)", at: "line \(lineNumber)")
                }
                guard let vertex = Int(unquote(value)), vertex >= 0 else {
                    throw FileError(path, "landmark \(landmark) maps to '\(value)', not a vertex index", at: "line \(lineNumber)")
                }
                guard mapping[landmark - 1] == nil else {
                    throw FileError(path, "landmark \(landmark) is mapped twice", at: "line \(lineNumber)")
                }
                mapping[landmark - 1] = vertex
            case "contour_landmarks":
                guard value.hasPrefix("[") else {
                    throw FileError(path, "'\(key)' should be an array of iBUG numbers", at: "line \(lineNumber)")
                }
                if value.contains("]") {
                    arrays[key] = try intArray(value, path: path, line: lineNumber)
                } else {
                    pendingKey = key; pendingText = value; pendingLine = lineNumber
                }
            default:
                continue  // other tables are not FaceAtlas's business
            }
        }
        if pendingKey != nil { throw FileError(path, "unterminated array", at: "line \(pendingLine)") }
        guard !mapping.isEmpty else { throw FileError(path, "no [landmark_mappings] entries") }
        func contour(_ key: String, _ allowed: ClosedRange<Int>) throws -> [Int]? {
            guard let list = arrays[key] else { return nil }
            for i in list where !allowed.contains(i) {
                throw FileError(path, "the \(key) contour lists landmark \(i); the \(key) jawline is iBUG \(allowed.lowerBound)–\(allowed.upperBound)", at: "[contour_landmarks]")
            }
            return list.map { $0 - 1 }
        }
        return (mapping, try contour("right", 1...8), try contour("left", 10...17))
    }

    /// The Boost property-tree ("INFO") form of older eos releases.
    static func parseInfo(_ lines: [String], path: String) throws -> [Int: Int] {
        var mapping: [Int: Int] = [:]
        var inMappings = false
        for (index, raw) in lines.enumerated() {
            let line = stripComment(raw, ";").trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty { continue }
            if line.hasPrefix("landmarkMappings") { inMappings = true; continue }
            guard inMappings else { continue }
            if line == "{" { continue }
            if line == "}" { break }
            let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard parts.count == 2, let landmark = Int(parts[0]), (1...68).contains(landmark), let vertex = Int(parts[1]), vertex >= 0 else {
                throw FileError(path, "expected '<iBUG landmark 1–68> <vertex>', found '\(line)'", at: "line \(index + 1)")
            }
            guard mapping[landmark - 1] == nil else { throw FileError(path, "landmark \(landmark) is mapped twice", at: "line \(index + 1)") }
            mapping[landmark - 1] = vertex
        }
        guard !mapping.isEmpty else { throw FileError(path, "no landmarkMappings entries") }
        return mapping
    }

    static func stripComment(_ line: String, _ marker: Character) -> String {
        guard let i = line.firstIndex(of: marker) else { return line }
        return String(line[..<i])
    }

    static func unquote(_ s: String) -> String {
        s.count >= 2 && (s.hasPrefix("\"") && s.hasSuffix("\"") || s.hasPrefix("'") && s.hasSuffix("'")) ? String(s.dropFirst().dropLast()) : s
    }

    static func intArray(_ text: String, path: String, line: Int) throws -> [Int] {
        guard let open = text.firstIndex(of: "["), let close = text.lastIndex(of: "]"), open < close else {
            throw FileError(path, "malformed array", at: "line \(line)")
        }
        return try text[text.index(after: open)..<close].split(separator: ",").compactMap { item in
            let t = item.trimmingCharacters(in: .whitespacesAndNewlines)
            if t.isEmpty { return nil }
            guard let v = Int(t) else { throw FileError(path, "'\(t)' in the array is not a whole number", at: "line \(line)") }
            return v
        }
    }
}

/// eos's model contour file (`share/sfm_model_contours.json`):
/// `{"model_contour": {"right_contour": [vertex, …], "left_contour": [vertex, …]}}`.
enum ModelContourFile {
    /// The right and left contour vertex lists, each checked against `vertexCount`.
    static func parse(_ data: Data, path: String, vertexCount: Int) throws -> (right: [Int], left: [Int]) {
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw FileError(path, "not valid JSON: \(error.localizedDescription)")
        }
        guard let root = json as? [String: Any], let contour = root["model_contour"] as? [String: Any] else {
            throw FileError(path, "no 'model_contour' object")
        }
        func list(_ key: String) throws -> [Int] {
            guard let raw = contour[key] else { throw FileError(path, "no '\(key)' list", at: "model_contour") }
            guard let items = raw as? [Any] else { throw FileError(path, "'\(key)' is not a list", at: "model_contour.\(key)") }
            return try items.enumerated().map { i, item in
                guard let number = item as? NSNumber, let v = Int(exactly: number.doubleValue), v >= 0, v < vertexCount else {
                    throw FileError(path, "entry \(i), \(item), is not a vertex of the model (0–\(vertexCount - 1))", at: "model_contour.\(key)")
                }
                return v
            }
        }
        return (try list("right_contour"), try list("left_contour"))
    }
}
