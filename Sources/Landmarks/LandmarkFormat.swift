import FaceAtlasCore
import Foundation

/// The landmark file formats FaceAtlas reads (and some it writes).
public enum LandmarkFormat: String, CaseIterable, Sendable {
    /// iBUG / 300-W `.pts`, one image a file, 1-based pixels; a folder of them is a sequence. Read and write.
    case pts
    /// menpo's landmark JSON `.ljson` (versions 1, 2, 3), points in (y, x) order. Read and write (version 2).
    case ljson
    /// OpenFace 2.x FeatureExtraction CSV. Read.
    case openFace = "openface"
    /// MediaPipe Face Landmarker output as CSV or JSON, 478 points mapped to 68. Read.
    case mediaPipe = "mediapipe"
    /// FaceAtlas's own CSV, `frame,time,x0,y0,...,x67,y67[,valid,confidence,reason,...]`. Read and write.
    case csv
    /// FaceAtlas's NumPy archive of a sequence. Read and write.
    case npz

    /// The format of the file or folder at `url`, by its extension and, where that is not
    /// enough, its content:
    /// - a folder → `.pts` files in it;
    /// - `.pts`, `.ljson`, `.npz` → those formats;
    /// - `.csv` (or `.txt`) → the header: OpenFace's (`x_0`, `success`, `face_id`, `AU01_r`, ...),
    ///   MediaPipe's (`x0` with `z0`) or FaceAtlas's plain one (`x0`, `y0`, no `z0`);
    /// - `.json` → menpo's layout (`version` with `groups` or `landmarks.points`) or else MediaPipe's.
    /// - Throws: `FileError` naming the file when it does not exist or is none of these.
    public static func detect(_ url: URL) throws -> LandmarkFormat {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
            throw FileError.missing(url, "no such file or folder")
        }
        try SpecialFile.check(url)
        if isFolder.boolValue {
            guard !(try PTSFormat.ptsFiles(in: url)).isEmpty else {
                throw FileError(url, "the folder holds no .pts files; a folder is read as a sequence of .pts files")
            }
            return .pts
        }
        switch url.pathExtension.lowercased() {
        case "pts": return .pts
        case "ljson": return .ljson
        case "npz": return .npz
        case "csv", "txt", "tsv":
            return try detectCSV(url)
        case "json":
            let json = try JSONValue.parse(try AtomicFile.read(url), path: url.path)
            if json["version"] != nil && (json["groups"] != nil || json["landmarks"]?["points"] != nil) { return .ljson }
            return .mediaPipe
        default:
            let known = "a folder of .pts, .pts, .ljson, .csv, .json or .npz"
            throw FileError(url, "cannot tell the landmark format from the extension '.\(url.pathExtension)' (expected \(known))")
        }
    }

    /// The CSV flavour at `url`, from its header line.
    private static func detectCSV(_ url: URL) throws -> LandmarkFormat {
        let header = try headerFields(url)
        // FaceAtlas's own CSV may carry OpenFace-style AU columns, so its x0/y0 are looked for first.
        if MediaPipeFormat.matches(header: header) { return .mediaPipe }
        if PlainCSVFormat.matches(header: header) { return .csv }
        if OpenFaceCSV.matches(header: header) { return .openFace }
        throw FileError(url, "the CSV header is not OpenFace's (x_0, y_0, ...), MediaPipe's (x0, y0, z0, ...) "
                        + "or FaceAtlas's (frame, time, x0, y0, ...)", at: "line 1")
    }

    /// The trimmed fields of the first non-blank line of the file at `url`.
    private static func headerFields(_ url: URL) throws -> [String] {
        let handle: FileHandle
        do { handle = try FileHandle(forReadingFrom: url) } catch { throw FileError(url, "cannot read: \(error.localizedDescription)") }
        defer { try? handle.close() }
        // The header is on the first lines; 1 MB holds it many times over (OpenFace's is about 8 KB).
        let buffer = handle.readData(ofLength: 1 << 20)
        var text = String(decoding: buffer, as: UTF8.self)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        guard let line = text.split(separator: "\n").first(where: { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty })
        else { throw FileError(url, "the file is empty") }
        return line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
    }
}
