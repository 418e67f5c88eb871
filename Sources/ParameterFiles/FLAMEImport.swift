import FaceAtlasCore
import Foundation
import NumPyFormat

/// The tool that wrote FLAME codes to import.
public enum FLAMEImportFormat: String, CaseIterable, Sendable {
    /// DECA (Feng et al. 2021): per-frame code dictionaries `shape` (100), `tex`, `exp` (50), `pose` (6), `cam` (3), `light`.
    case deca
    /// EMOCA (Danecek et al. 2022): per-frame folders of `shape.npy`, `exp.npy`, `pose.npy`, `tex.npy`, `detail.npy`.
    case emoca
    /// The Emoface data release: one sequence per folder or `.npz`, stacked `vertices`, `shape`, `expression`, `pose`.
    case emoface

    /// The tool's name as recorded in `meta.detector`.
    public var toolName: String {
        switch self {
        case .deca: return "DECA"
        case .emoca: return "EMOCA"
        case .emoface: return "Emoface"
        }
    }
}

/// What `FLAMEImport` records besides the codes.
public struct FLAMEImportOptions: Sendable {
    /// Frame rate of per-frame codes (the study sampled 5 FPS); used for `time` when the input has none.
    public var fps: Double = 5
    /// The participant id or pseudonym.
    public var subject: String = "participant"
    /// The stimulus name; by default the input's file name without extension.
    public var stimulus: String?
    /// Keep per-frame vertices when the input has them (they identify the person: see `Anonymizer`).
    public var includeVertices = true

    public init(fps: Double = 5, subject: String = "participant", stimulus: String? = nil, includeVertices: Bool = true) {
        self.fps = fps
        self.subject = subject
        self.stimulus = stimulus
        self.includeVertices = includeVertices
    }
}

/// Imports FLAME-based reconstructions from other tools into parameter-file schema v1, with the model
/// recorded as "FLAME" (`shape` = FLAME shape coefficients, `exp` = FLAME expression coefficients,
/// `pose` = global and jaw axis-angle exactly as FLAME/DECA, `cam` = DECA's orthographic camera).
///
/// Layouts read (every array is a NumPy array; pickled `.npy` files — `np.save` of a Python dict —
/// are refused, never unpickled):
///
/// **DECA and EMOCA, per-frame codes.** `INPUT` is a folder with one entry per frame, in natural order
/// of the names (`frame2` before `frame10`):
/// - a sub-folder per frame holding `shape.npy`, `exp.npy`, `pose.npy` and optionally `cam.npy` and
///   `verts.npy` — EMOCA's `save_codes` layout (`shapecode`/`expcode`/`posecode` names work too; `tex`,
///   `detail`, `light` are ignored; EMOCA does not save `cam`, so `cam` is NaN then);
/// - an `.npz` per frame with arrays `shape`, `exp`, `pose`, `cam`, optional `verts` — DECA's `codedict`
///   saved with `np.savez(path, **{k: v.cpu().numpy() for k, v in codedict.items()})`;
/// - `.npy` files per frame and code, `<frame>_shape.npy`, `<frame>_exp.npy`, `<frame>_pose.npy`,
///   `<frame>_cam.npy`, `<frame>_verts.npy`;
/// - an `.npy` per frame holding DECA's flat 236-value parameter vector (shape 100, tex 50, exp 50,
///   pose 6, cam 3, light 27 — the order of `DECA.decompose_code`).
/// Each code may have shape (K) or (1, K) (a batch of one); `verts` (5023, 3) or (1, 5023, 3), in metres.
/// `INPUT` may also be a single `.npz` of stacked codes, (T, K).
///
/// **Emoface data release (assumed layout).** The paper's release describes "vertices, shape, expression
/// and pose parameters as NumPy arrays" without naming them; FaceAtlas reads one sequence as a folder of
/// `.npy` files or one `.npz` with `vertices` (T, 5023, 3, metres), `shape` (100) or (T, 100),
/// `expression` (T, 50), `pose` (T, 6), and optionally `cam` (T, 3) and `time` (T, seconds);
/// DECA/EMOCA names (`exp`, `verts`, `shapecode`, …) are accepted as well.
///
/// A per-frame `shape` is averaged over the valid frames (identity does not change within a recording);
/// vertices are converted from FLAME's metres to millimetres. Frames whose codes are not finite are kept
/// but marked invalid (confidence 0). Residuals are not known for imported fits and are NaN.
public enum FLAMEImport {
    /// Reads the FLAME codes at `url` (a folder or a file) written by `format`.
    /// - Throws: `FileError` naming the file (and array) at fault.
    public static func read(_ url: URL, format: FLAMEImportFormat, options: FLAMEImportOptions = FLAMEImportOptions()) throws -> ParameterFile {
        guard options.fps.isFinite, options.fps > 0 else { throw UsageError("--fps must be a positive number, not \(options.fps)") }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else { throw FileError.missing(url, "no such file or folder") }
        let sequence: CodeSequence
        switch format {
        case .deca, .emoca:
            sequence = isFolder.boolValue ? try perFrameFolder(url) : try stackedFile(url)
        case .emoface:
            sequence = isFolder.boolValue ? try stacked(arraysInFolder(url), path: url.path) : try stackedFile(url)
        }
        return try sequence.parameterFile(format: format, source: url, options: options)
    }

    // MARK: Codes

    /// The codes of one frame, or of a stack of T frames (row-major).
    struct Codes {
        var shape: NumPyArray
        var exp: NumPyArray
        var pose: NumPyArray
        var cam: NumPyArray?
        var verts: NumPyArray?
    }

    /// Array names accepted for each code, DECA's first.
    static let aliases: [(code: String, names: [String])] = [
        ("shape", ["shape", "shapecode", "shape_params", "betas"]),
        ("exp", ["exp", "expcode", "expression", "expression_params"]),
        ("pose", ["pose", "posecode", "pose_params"]),
        ("cam", ["cam", "camera", "cam_params"]),
        ("verts", ["verts", "vertices"]),
        ("time", ["time", "times", "timestamps"]),
    ]

    static func find(_ code: String, in arrays: [String: NumPyArray]) -> (name: String, array: NumPyArray)? {
        for name in aliases.first(where: { $0.code == code })?.names ?? [code] {
            if let a = arrays[name] { return (name, a) }
        }
        return nil
    }

    static func codes(_ arrays: [String: NumPyArray], path: String) throws -> Codes {
        func need(_ code: String) throws -> NumPyArray {
            guard let found = find(code, in: arrays) else {
                let names = aliases.first { $0.code == code }!.names.map { "'\($0)'" }.joined(separator: ", ")
                let present = arrays.keys.sorted().map { "'\($0)'" }.joined(separator: ", ")
                throw FileError(path, "no \(code) code: expected an array named \(names); found \(present.isEmpty ? "none" : present)")
            }
            return found.array
        }
        return Codes(shape: try need("shape"), exp: try need("exp"), pose: try need("pose"),
                     cam: find("cam", in: arrays)?.array, verts: find("verts", in: arrays)?.array)
    }

    /// DECA's flat parameter vector: shape 100, tex 50, exp 50, pose 6, cam 3, light 27.
    static let decaParameterLayout = (shape: 0..<100, exp: 150..<200, pose: 200..<206, cam: 206..<209, count: 236)

    // MARK: Reading arrays

    /// Reads a `.npy` file, explaining pickled files.
    static func readNPY(_ url: URL) throws -> NumPyArray {
        do {
            return try NPYFormat.read(url)
        } catch let error as FileError {
            throw explainingPickle(error)
        }
    }

    /// Reads an `.npz` file, explaining pickled entries.
    static func readNPZ(_ url: URL) throws -> [String: NumPyArray] {
        do {
            return try NPZArchive.readDictionary(url)
        } catch let error as FileError {
            throw explainingPickle(error)
        }
    }

    static func explainingPickle(_ error: FileError) -> FileError {
        guard error.problem.contains("pickle") else { return error }
        var e = error
        e.problem += ". This looks like a pickled Python object (e.g. np.save of DECA's codedict). Save each code as its own "
            + "array instead: np.savez(path, shape=..., exp=..., pose=..., cam=...)"
        return e
    }

    /// The `.npy` files of a folder by name without extension.
    static func arraysInFolder(_ url: URL) throws -> [String: NumPyArray] {
        var arrays: [String: NumPyArray] = [:]
        for file in try contents(url) where file.pathExtension.lowercased() == "npy" {
            arrays[file.deletingPathExtension().lastPathComponent] = try readNPY(file)
        }
        return arrays
    }

    /// The entries of a folder, hidden ones left out, in natural order.
    static func contents(_ url: URL) throws -> [URL] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: url.path)
        } catch {
            throw FileError(url, "cannot list the folder: \(error.localizedDescription)")
        }
        return names.filter { !$0.hasPrefix(".") }.sorted(by: naturalOrder).map { url.appendingPathComponent($0) }
    }

    /// Whether `a` comes before `b` when runs of digits are compared as numbers ("f2" before "f10").
    static func naturalOrder(_ a: String, _ b: String) -> Bool {
        func chunks(_ s: String) -> [(digits: Bool, text: Substring)] {
            var out: [(Bool, Substring)] = []
            var start = s.startIndex
            while start < s.endIndex {
                let digits = s[start].isASCII && s[start].isNumber
                var end = s.index(after: start)
                while end < s.endIndex, (s[end].isASCII && s[end].isNumber) == digits { end = s.index(after: end) }
                out.append((digits, s[start..<end]))
                start = end
            }
            return out
        }
        let x = chunks(a), y = chunks(b)
        for (p, q) in zip(x, y) where p.text != q.text {
            if p.digits && q.digits {
                let p0 = p.text.drop { $0 == "0" }, q0 = q.text.drop { $0 == "0" }
                if p0.count != q0.count { return p0.count < q0.count }
                if p0 != q0 { return p0 < q0 }
                return p.text.count < q.text.count
            }
            return p.text < q.text
        }
        return x.count < y.count
    }

    // MARK: Layouts

    static func isDirectory(_ url: URL) -> Bool {
        var isFolder: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) && isFolder.boolValue
    }

    /// A DECA/EMOCA folder of per-frame codes (see the layouts above).
    static func perFrameFolder(_ url: URL) throws -> CodeSequence {
        let entries = try contents(url)
        let folders = entries.filter(isDirectory)
        let npz = entries.filter { $0.pathExtension.lowercased() == "npz" }
        let npy = entries.filter { $0.pathExtension.lowercased() == "npy" }
        var frames: [(name: String, codes: Codes, path: String)] = []
        if !folders.isEmpty {
            for folder in folders {
                let arrays = try arraysInFolder(folder)
                if arrays.isEmpty { continue }
                frames.append((folder.lastPathComponent, try codes(arrays, path: folder.path), folder.path))
            }
        } else if !npz.isEmpty {
            for file in npz { frames.append((file.deletingPathExtension().lastPathComponent, try codes(try readNPZ(file), path: file.path), file.path)) }
        } else if !npy.isEmpty {
            // `<frame>_<code>.npy` groups, or one flat DECA parameter vector per frame.
            let codeNames = Set(aliases.flatMap(\.names) + ["tex", "texcode", "light", "lightcode", "detail", "detailcode"])
            var groups: [String: [String: NumPyArray]] = [:]
            var order: [String] = []
            for file in npy {
                let stem = file.deletingPathExtension().lastPathComponent
                if let cut = stem.lastIndex(of: "_"), codeNames.contains(String(stem[stem.index(after: cut)...])) {
                    let frame = String(stem[..<cut]), code = String(stem[stem.index(after: cut)...])
                    if groups[frame] == nil { order.append(frame) }
                    groups[frame, default: [:]][code] = try readNPY(file)
                } else {
                    frames.append((stem, try flatDECAVector(try readNPY(file), path: file.path), file.path))
                }
            }
            for frame in order.sorted(by: naturalOrder) {
                frames.append((frame, try codes(groups[frame]!, path: url.appendingPathComponent(frame + "_*.npy").path),
                               url.appendingPathComponent(frame).path))
            }
            frames.sort { naturalOrder($0.name, $1.name) }
        }
        guard !frames.isEmpty else {
            throw FileError(url, "no per-frame codes found: expected sub-folders of .npy codes (EMOCA), .npz files (DECA) or .npy files")
        }
        var sequence = CodeSequence()
        for frame in frames { try sequence.append(frame.codes, path: frame.path) }
        return sequence
    }

    /// DECA's flat per-frame parameter vector, decomposed.
    static func flatDECAVector(_ a: NumPyArray, path: String) throws -> Codes {
        let layout = decaParameterLayout
        guard a.count == layout.count, a.rank == 1 || (a.rank == 2 && a.shape[0] == 1) else {
            throw FileError(path, "a per-frame .npy must be DECA's flat parameter vector of \(layout.count) values, "
                            + "or be named <frame>_<code>.npy (shape, exp, pose, cam, verts); this one has shape \(a.shape)")
        }
        let v: [Float]
        do { v = try a.floats() } catch { throw FileError(path, "\(error)") }
        func part(_ r: Range<Int>) -> NumPyArray { NumPyArray(float32: Array(v[r]), shape: [r.count]) }
        return Codes(shape: part(layout.shape), exp: part(layout.exp), pose: part(layout.pose), cam: part(layout.cam), verts: nil)
    }

    /// A single `.npz` (or `.npy`) file: stacked codes, or the codes of one frame.
    static func stackedFile(_ url: URL) throws -> CodeSequence {
        switch url.pathExtension.lowercased() {
        case "npz": return try stacked(try readNPZ(url), path: url.path)
        case "npy":
            var sequence = CodeSequence()
            try sequence.append(try flatDECAVector(try readNPY(url), path: url.path), path: url.path)
            return sequence
        default:
            throw FileError(url, "expected a folder, an .npz or an .npy file")
        }
    }

    /// Arrays of one sequence: per-frame codes stacked along the first axis (or a single frame).
    static func stacked(_ arrays: [String: NumPyArray], path: String) throws -> CodeSequence {
        let c = try codes(arrays, path: path)
        var sequence = CodeSequence()
        // A single frame: pose (6) or (1, 6).
        if c.pose.rank == 1 || (c.pose.rank == 2 && c.pose.shape[0] == 1) {
            try sequence.append(c, path: path)
        } else {
            try sequence.appendStack(c, path: path)
        }
        if let time = find("time", in: arrays) {
            guard time.array.rank == 1, time.array.count == sequence.frames else {
                throw FileError(path, "array '\(time.name)' has shape \(time.array.shape), expected (\(sequence.frames),)", at: time.name)
            }
            do { sequence.time = try time.array.doubles() } catch { throw FileError(path, "\(error)", at: time.name) }
        }
        return sequence
    }
}
