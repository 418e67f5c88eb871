import FaceAtlasCore
import Foundation
import Mesh

/// What the model importers share: semantics by the `FaceSemantics` rules, the frame check,
/// names, and turning an inconsistent model into a `FileError` that names the source file.
enum ImportSupport {
    /// The landmarks the region rule of `FaceSemantics` reads (seeds and face area).
    static let regionLandmarks: [Int] = [0, 2, 8, 14, 16] + Array(17...26) + [27, 28, 30, 31, 33, 35, 36, 39, 41, 42, 45, 46, 48, 51, 54, 57, 66]

    /// Fills in regions, organs and symmetry of `model` from its mesh and landmarks.
    ///
    /// Regions need every landmark in `regionLandmarks`; where the model lacks one of them
    /// (e.g. a FLAME embedding without the jawline), every vertex gets region 0. Organs come
    /// from whichever landmarks are defined; symmetry from the mirror plane x = 0.
    static func applySemantics(to model: inout FaceModel, skin: [Bool], symmetryTolerance: Float) {
        let positions = model.mesh.positions
        let landmarks = model.landmarkPositions()
        if regionLandmarks.allSatisfy({ !landmarks[$0].x.isNaN }) {
            model.vertexRegions = FaceSemantics.regions(positions: positions, skin: skin, landmarks: landmarks)
        } else {
            model.vertexRegions = [UInt8](repeating: 0, count: positions.count)
        }
        model.vertexOrgans = FaceSemantics.organs(positions: positions, landmarks: landmarks)
        model.symmetry = FaceSemantics.symmetry(positions: positions, tolerance: symmetryTolerance)
    }

    /// Checks that the landmarks that are defined agree with FaceAtlas's head frame
    /// (x to the subject's left, y up, z out of the face); throws a `FileError` for `path` if not.
    ///
    /// Compares the outer eye corners (37 and 46, 1-based) in x, the chin (9) and the nose
    /// bridge (28) in y, and the nose tip (31) with the outer eye corners in z.
    static func checkFrame(landmarks l: [SIMD3<Float>], path: String) throws {
        func defined(_ i: Int) -> Bool { !l[i].x.isNaN }
        let frame = "the model is not in FaceAtlas's head frame (x to the subject's left, y up, z out of the face)"
        if defined(36), defined(45), !(l[36].x < l[45].x) {
            throw FileError(path, "\(frame): the subject's right outer eye corner (iBUG 37) lies at x = \(l[36].x), not left of the left one (iBUG 46) at x = \(l[45].x)")
        }
        if defined(8), defined(27), !(l[8].y < l[27].y) {
            throw FileError(path, "\(frame): the chin (iBUG 9) lies at y = \(l[8].y), not below the nose bridge (iBUG 28) at y = \(l[27].y)")
        }
        if defined(30), defined(36), defined(45), !(l[30].z > (l[36].z + l[45].z) / 2) {
            throw FileError(path, "\(frame): the nose tip (iBUG 31) at z = \(l[30].z) is not in front of the outer eye corners (iBUG 37, 46)")
        }
    }

    /// The largest coordinate magnitude accepted for a vertex (mm): a kilometre.
    static let maximumCoordinate: Float = 1e6

    /// Refuses vertex positions that are not finite or lie beyond `maximumCoordinate`
    /// (a damaged file; such values would also break the spatial hashing of the semantics).
    static func checkPositions(_ positions: [SIMD3<Float>], path: String, at location: String) throws {
        for (v, p) in positions.enumerated() where !(abs(p.x) <= maximumCoordinate && abs(p.y) <= maximumCoordinate && abs(p.z) <= maximumCoordinate) {
            throw FileError(path, "vertex \(v) lies at \(p), not a plausible position in mm", at: location)
        }
    }

    /// Refuses `values` that are not finite.
    static func checkFinite(_ values: [Float], path: String, at location: String) throws {
        if let i = values.firstIndex(where: { !$0.isFinite }) {
            throw FileError(path, "value \(i) is \(values[i]), not a finite number", at: location)
        }
    }

    /// `model` after `validate()`, or a `FileError` for `path` saying what does not hold together.
    static func validated(_ model: FaceModel, path: String) throws -> FaceModel {
        do {
            try model.validate()
        } catch {
            throw FileError(path, "the imported model does not hold together: \(error)")
        }
        return model
    }

    /// A single mesh part, "skin", for every triangle.
    static func skinOnly(_ mesh: inout TriangleMesh) {
        mesh.partNames = ["skin"]
        mesh.triangleParts = [UInt8](repeating: 0, count: mesh.triangleCount)
    }

    /// `exp00`, `exp01`, … (at least two digits).
    static func statisticalNames(_ count: Int) -> [String] {
        let width = max(2, String(max(count - 1, 0)).count)
        return (0..<count).map { i in
            let digits = String(i)
            return "exp" + String(repeating: "0", count: width - digits.count) + digits
        }
    }

    /// `names` made unique and non-empty: an empty name becomes `fallback` + index,
    /// a repeated one gets `_<index>` appended.
    static func uniqueNames(_ names: [String], fallback: String) -> [String] {
        var seen = Set<String>()
        var out: [String] = []
        for (i, raw) in names.enumerated() {
            var name = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if name.isEmpty { name = "\(fallback)\(i)" }
            while seen.contains(name.lowercased()) { name += "_\(i)" }
            seen.insert(name.lowercased())
            out.append(name)
        }
        return out
    }

    /// The contents of `url` and its SHA-256.
    static func read(_ url: URL) throws -> (data: Data, sha256: String) {
        let data = try AtomicFile.read(url)
        return (data, Digest.sha256(data))
    }
}
