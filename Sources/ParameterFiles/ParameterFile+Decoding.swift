import FaceAtlasCore
import Foundation
import NumPyFormat

/// Turning the arrays of an `.npz` archive into a `ParameterFile`, in three separate steps so that
/// `verify` and `inspect` can report on a damaged file instead of stopping at its first fault:
/// the header (`meta`), the hash of each array, and the content (names, ranks, shapes, dtypes).
extension ParameterFile {
    /// Decodes and verifies archive entries: header, every array hash, then the content.
    static func decode(_ entries: [(name: String, array: NumPyArray)], path: String) throws -> ParameterFile {
        let arrays = Dictionary(entries.map { ($0.name, $0.array) }, uniquingKeysWith: { first, _ in first })
        let meta = try decodeMeta(arrays, path: path)
        for report in hashReports(arrays, meta: meta) where report.status != .verified {
            throw FileError(path, report.status.problem(array: report.name), at: report.name)
        }
        return try content(arrays, meta: meta, path: path)
    }

    /// The JSON header of the file, checked for the schema name and version.
    static func decodeMeta(_ arrays: [String: NumPyArray], path: String) throws -> Meta {
        guard let metaArray = arrays["meta"] else { throw FileError(path, "not a FaceAtlas parameter file: no 'meta' array") }
        let meta: Meta
        do {
            meta = try JSONDecoder().decode(Meta.self, from: Data(try metaArray.scalarString().utf8))
        } catch {
            throw FileError(path, "the header is not valid JSON of this schema: \(error)", at: "meta")
        }
        guard meta.schema == schemaName else { throw FileError(path, "schema is '\(meta.schema)', not '\(schemaName)'", at: "meta") }
        guard meta.version >= 1, meta.version <= schemaVersion else {
            throw FileError(path, "schema version \(meta.version) is not one this FaceAtlas reads (1 to \(schemaVersion))", at: "meta")
        }
        if let fps = meta.fps, !(fps.isFinite && fps > 0) {
            throw FileError(path, "the frame rate \(fps) is not a positive number", at: "meta")
        }
        return meta
    }

    /// The SHA-256 of an array as recorded in the header: that of its canonical `.npy` encoding.
    static func hash(_ array: NumPyArray) -> String {
        Digest.sha256(NPYFormat.encode(array))
    }

    /// Each array of the archive (and each array the header lists but the archive lacks) with its hash status,
    /// sorted by name; `meta` itself is not hashed and not listed.
    static func hashReports(_ arrays: [String: NumPyArray], meta: Meta?) -> [ParameterFileCheck.ArrayReport] {
        var reports: [ParameterFileCheck.ArrayReport] = []
        for (name, array) in arrays where name != "meta" {
            let status: ParameterFileCheck.HashStatus
            if let meta {
                if let expected = meta.arrays[name] {
                    status = hash(array) == expected ? .verified : .mismatch
                } else {
                    status = .unlisted
                }
            } else {
                status = .unverifiable
            }
            reports.append(.init(name: name, shape: array.shape, dtype: array.dtype.descr, status: status))
        }
        if let meta {
            for name in meta.arrays.keys where arrays[name] == nil {
                reports.append(.init(name: name, shape: nil, dtype: nil, status: .missing))
            }
        }
        return reports.sorted { $0.name < $1.name }
    }

    /// The content of the arrays, checked for names, ranks, lengths and dtypes (hashes are not checked here).
    static func content(_ arrays: [String: NumPyArray], meta: Meta, path: String) throws -> ParameterFile {
        func fail(_ name: String, _ problem: String) -> FileError { FileError(path, problem, at: name) }
        func need(_ name: String) throws -> NumPyArray {
            guard let a = arrays[name] else { throw fail(name, "missing array '\(name)'") }
            if case .unicode = a.dtype.scalar { throw fail(name, "array '\(name)' holds strings (\(a.dtype.descr)), not numbers") }
            return a
        }
        func describe(_ shape: [Int]) -> String { "(" + shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? ",)" : ")") }
        func floats(_ name: String, _ a: NumPyArray) throws -> [Float] {
            do { return try a.floats() } catch { throw fail(name, "array '\(name)': \(error)") }
        }
        let timeArray = try need("time")
        guard timeArray.rank == 1 else { throw fail("time", "array 'time' has shape \(describe(timeArray.shape)), expected (T,)") }
        let t = timeArray.shape[0]
        let time: [Double]
        do { time = try timeArray.doubles() } catch { throw fail("time", "array 'time': \(error)") }
        func vector(_ name: String, length: Int?) throws -> [Float] {
            let a = try need(name)
            guard a.rank == 1, length == nil || a.shape[0] == length! else {
                throw fail(name, "array '\(name)' has shape \(describe(a.shape)), expected (\(length.map(String.init) ?? "K"),)"
                           + (length == nil ? "" : ", one value per frame of 'time'"))
            }
            return try floats(name, a)
        }
        func rows(_ name: String, width: Int) throws -> [[Float]] {
            let a = try need(name)
            guard a.rank == 2, a.shape[0] == t, a.shape[1] == width else {
                throw fail(name, "array '\(name)' has shape \(describe(a.shape)), expected (\(t), \(width)): \(t) frames of \(width) values")
            }
            let v = try floats(name, a)
            return (0..<t).map { Array(v[($0 * width)..<(($0 + 1) * width)]) }
        }
        let shape = try vector("shape", length: nil)
        let exp = try rows("exp", width: meta.expressionNames.count)
        let pose = try rows("pose", width: 6), cam = try rows("cam", width: 3)
        let conf = try vector("confidence", length: t), res = try vector("residual", length: t)
        let nme = try vector("residual_nme", length: t)
        var vertices: [[Float]]? = nil
        if arrays["vertices"] != nil {
            let v = try need("vertices")
            guard v.rank == 3, v.shape[0] == t, v.shape[2] == 3 else {
                throw fail("vertices", "array 'vertices' has shape \(describe(v.shape)), expected (\(t), N, 3)")
            }
            let flat = try floats("vertices", v)
            let w = v.shape[1] * 3
            vertices = (0..<t).map { Array(flat[($0 * w)..<(($0 + 1) * w)]) }
        }
        let known: Set<String> = ["meta", "shape", "exp", "pose", "cam", "time", "confidence", "residual", "residual_nme", "vertices"]
        if let extra = arrays.keys.filter({ !known.contains($0) }).sorted().first {
            throw fail(extra, "array '\(extra)' is not part of schema version \(meta.version)")
        }
        return ParameterFile(meta: meta, shape: shape, expression: exp, pose: pose, camera: cam, time: time,
                             confidence: conf, residual: res, residualNME: nme, vertices: vertices)
    }
}
