import FaceAtlasCore
import Foundation

/// The action-unit columns of an OpenFace 2.x CSV, with or without landmarks: what the action-unit
/// study reads when its source is OpenFace (`FeatureExtraction -aus` writes AU columns only, which
/// `LandmarkIO` refuses because it needs landmarks).
public struct OpenFaceActionUnitTable: Sendable, Equatable {
    /// Per column name (`AU01_r` intensity 0–5, `AU01_c` presence 0/1), the value of each frame.
    public var columns: [String: [Double]]
    /// Whether OpenFace tracked each frame (`success` = 1); all true when the column is absent.
    public var usable: [Bool]
    /// The time of each frame in seconds (`timestamp`), if the file has it.
    public var times: [Double]?

    /// The number of frames.
    public var frameCount: Int { usable.count }

    /// Reads the AU columns of the OpenFace CSV at `url`.
    /// - Throws: `FileError` naming the file (and line) when it is not CSV, has no AU columns, or holds
    ///   a value that is not a number or a `success` other than 0 or 1.
    public static func read(_ url: URL) throws -> OpenFaceActionUnitTable {
        let path = url.path
        let table = try CSVTable(try AtomicFile.read(url), path: path)
        let index = try table.columnIndex()
        let auColumns = table.header.enumerated().filter { OpenFaceCSV.isActionUnit($0.element) }
        guard !auColumns.isEmpty else {
            throw FileError(path, "the file has no OpenFace action-unit columns (AU01_r ... AU45_r, AU01_c ... AU45_c)", at: "line 1")
        }
        try table.requireRows(named: "frames")
        var columns = [String: [Double]](uniqueKeysWithValues: auColumns.map { ($0.element, []) })
        var usable: [Bool] = []
        var times: [Double]? = index["timestamp"] == nil ? nil : []
        for row in table.rows {
            try table.requireWidth(row)
            for (column, name) in auColumns { columns[name]!.append(try table.number(row, column, name)) }
            if let success = index["success"] {
                let value = try table.number(row, success, "success")
                guard value == 0 || value == 1 else {
                    throw FileError(path, "success is '\(row.fields[success])', not 0 or 1", at: "line \(row.line)")
                }
                usable.append(value == 1)
            } else {
                usable.append(true)
            }
            if let timestamp = index["timestamp"] { times!.append(try table.number(row, timestamp, "timestamp")) }
        }
        return OpenFaceActionUnitTable(columns: columns, usable: usable, times: times)
    }
}
