import FaceAtlasCore
import Foundation
import NumPyFormat

/// FLAME codes gathered frame by frame (or as a stack) from another tool's files, checked for consistent
/// sizes, and turned into a schema-v1 `ParameterFile`.
struct CodeSequence {
    /// Per-frame shape codes (one entry when the input stores a single shape for the sequence).
    var shapes: [[Float]] = []
    var exp: [[Float]] = []
    var pose: [[Float]] = []
    /// Per-frame cameras, or nil when the input has none (EMOCA).
    var cam: [[Float]]? = nil
    /// Per-frame vertices, metres, flattened N×3.
    var verts: [[Float]]? = nil
    /// Seconds per frame, when the input records them.
    var time: [Double]? = nil

    var frames: Int { exp.count }

    static func describe(_ shape: [Int]) -> String {
        "(" + shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? ",)" : ")")
    }

    static func floats(_ a: NumPyArray, _ name: String, path: String) throws -> [Float] {
        do { return try a.floats() } catch { throw FileError(path, "array '\(name)': \(error)", at: name) }
    }

    /// A one-frame code: shape (K) or (1, K).
    static func vector(_ a: NumPyArray, _ name: String, width: Int?, path: String) throws -> [Float] {
        guard a.rank == 1 || (a.rank == 2 && a.shape[0] == 1), a.count > 0, width == nil || a.count == width! else {
            let expected = width.map { "(\($0),) or (1, \($0))" } ?? "(K,) or (1, K)"
            throw FileError(path, "the \(name) code has shape \(describe(a.shape)), expected \(expected)", at: name)
        }
        return try floats(a, name, path: path)
    }

    /// A stacked code: shape (T, K).
    static func rows(_ a: NumPyArray, _ name: String, frames: Int?, width: Int?, path: String) throws -> [[Float]] {
        guard a.rank == 2, frames == nil || a.shape[0] == frames!, width == nil || a.shape[1] == width!, a.shape[1] > 0 else {
            let expected = "(\(frames.map(String.init) ?? "T"), \(width.map(String.init) ?? "K"))"
            throw FileError(path, "the \(name) codes have shape \(describe(a.shape)), expected \(expected)", at: name)
        }
        let v = try floats(a, name, path: path), w = a.shape[1]
        return (0..<a.shape[0]).map { Array(v[($0 * w)..<(($0 + 1) * w)]) }
    }

    /// Checks that a new row has the width of the rows before it.
    static func same(_ rows: [[Float]], _ row: [Float], _ name: String, path: String) throws {
        if let first = rows.first, first.count != row.count {
            throw FileError(path, "the \(name) code has \(row.count) values, but earlier frames have \(first.count)", at: name)
        }
    }

    /// Appends the codes of one frame.
    mutating func append(_ c: Codes, path: String) throws {
        let shape = try Self.vector(c.shape, "shape", width: nil, path: path)
        let e = try Self.vector(c.exp, "exp", width: nil, path: path)
        let p = try Self.vector(c.pose, "pose", width: 6, path: path)
        try Self.same(shapes, shape, "shape", path: path)
        try Self.same(exp, e, "exp", path: path)
        let camera = try c.cam.map { try Self.vector($0, "cam", width: 3, path: path) }
        if (camera == nil) != (cam == nil) && frames > 0 {
            throw FileError(path, camera == nil ? "this frame has no cam code, but earlier frames have one" : "this frame has a cam code, but earlier frames have none")
        }
        var vertices: [Float]? = nil
        if let v = c.verts {
            guard (v.rank == 2 && v.shape[1] == 3) || (v.rank == 3 && v.shape[0] == 1 && v.shape[2] == 3) else {
                throw FileError(path, "the vertices have shape \(Self.describe(v.shape)), expected (N, 3) or (1, N, 3)", at: "verts")
            }
            vertices = try Self.floats(v, "verts", path: path)
        }
        if (vertices == nil) != (verts == nil) && frames > 0 {
            throw FileError(path, vertices == nil ? "this frame has no vertices, but earlier frames have them" : "this frame has vertices, but earlier frames have none")
        }
        if let vertices, let first = verts?.first, first.count != vertices.count {
            throw FileError(path, "this frame has \(vertices.count / 3) vertices, earlier frames \(first.count / 3)", at: "verts")
        }
        shapes.append(shape)
        exp.append(e)
        pose.append(p)
        if let camera { cam = (cam ?? []) + [camera] }
        if let vertices { verts = (verts ?? []) + [vertices] }
    }

    /// Appends a stack of T frames.
    mutating func appendStack(_ c: Codes, path: String) throws {
        pose = try Self.rows(c.pose, "pose", frames: nil, width: 6, path: path)
        let t = pose.count
        exp = try Self.rows(c.exp, "exp", frames: t, width: nil, path: path)
        if c.shape.rank == 2 && c.shape.shape[0] == t && t != 1 {
            shapes = try Self.rows(c.shape, "shape", frames: t, width: nil, path: path)
        } else {
            shapes = [try Self.vector(c.shape, "shape", width: nil, path: path)]
        }
        cam = try c.cam.map { try Self.rows($0, "cam", frames: t, width: 3, path: path) }
        if let v = c.verts {
            guard v.rank == 3, v.shape[0] == t, v.shape[2] == 3 else {
                throw FileError(path, "the vertices have shape \(Self.describe(v.shape)), expected (\(t), N, 3)", at: "vertices")
            }
            let flat = try Self.floats(v, "vertices", path: path), w = v.shape[1] * 3
            verts = (0..<t).map { Array(flat[($0 * w)..<(($0 + 1) * w)]) }
        }
    }

    /// The parameter file of these codes.
    func parameterFile(format: FLAMEImportFormat, source: URL, options: FLAMEImportOptions) throws -> ParameterFile {
        let t = frames
        guard t > 0 else { throw FileError(source, "no frames") }
        let valid = (0..<t).map { i in
            exp[i].allSatisfy(\.isFinite) && pose[i].allSatisfy(\.isFinite) && (cam?[i].allSatisfy(\.isFinite) ?? true)
        }
        // Identity: the mean of the finite per-frame estimates.
        let k = shapes[0].count
        let usable = shapes.count == 1 ? [shapes[0]]
            : shapes.indices.filter { valid[$0] && shapes[$0].allSatisfy(\.isFinite) }.map { shapes[$0] }
        var shape = [Float](repeating: .nan, count: k)
        if !usable.isEmpty {
            shape = (0..<k).map { j in Float(usable.reduce(0.0) { $0 + Double($1[j]) } / Double(usable.count)) }
        }
        let fps: Double?
        let times: [Double]
        if let time {
            times = time
            let steps = zip(time.dropFirst(), time).map { $0 - $1 }.filter { $0 > 0 }.sorted()
            fps = steps.isEmpty ? options.fps : 1 / steps[steps.count / 2]
        } else {
            times = (0..<t).map { Double($0) / options.fps }
            fps = options.fps
        }
        let e = exp[0].count
        var meta = ParameterFile.Meta(
            modelID: "FLAME", modelSHA256: "", expressionNames: (1...e).map { String(format: "exp_%02d", $0) },
            camera: .init(model: cam == nil ? "none" : "flame-orthographic"), subject: options.subject,
            stimulus: options.stimulus ?? source.deletingPathExtension().lastPathComponent, fps: fps,
            source: source.lastPathComponent, detector: format.toolName, fitterVersion: "faceatlas import-params 1",
            fitterSettings: ["format": format.rawValue, "frames": String(t),
                             "shape": shapes.count == 1 ? "as stored" : "mean of \(usable.count) per-frame estimates"])
        meta.units = ["shape": "FLAME shape coefficients", "exp": "FLAME expression coefficients",
                      "pose": "radians, axis-angle (global, jaw)",
                      "cam": cam == nil ? "not recorded (NaN)" : "DECA orthographic camera: scale, tx, ty (normalized image coordinates)",
                      "time": "s", "residual": "not available (NaN)", "vertices": "mm (FLAME metres × 1000)"]
        let nan3: [Float] = [.nan, .nan, .nan]
        let vertices = options.includeVertices ? verts?.map { $0.map { $0 * 1000 } } : nil
        return ParameterFile(meta: meta, shape: shape, expression: exp, pose: pose, camera: cam ?? Array(repeating: nan3, count: t),
                             time: times, confidence: valid.map { $0 ? 1 : 0 }, residual: Array(repeating: .nan, count: t),
                             residualNME: Array(repeating: .nan, count: t), vertices: vertices)
    }
}

typealias Codes = FLAMEImport.Codes
