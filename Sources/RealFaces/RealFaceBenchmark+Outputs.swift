import FaceAtlasCore
import Foundation
import Imaging

extension RealFaceBenchmark.Outcome {
    /// The file names written into the output folder.
    public static let reportName = "real-faces.json", tableName = "real-faces.csv", sheetName = "real-faces.png"

    /// Writes the report as `real-faces.json` and `real-faces.csv` into `folder` and the contact sheet (if
    /// drawn) to `sheetURL` (default `folder/real-faces.png`), each file atomically; returns the files written.
    /// - Throws: `FileError` naming a file that cannot be written.
    @discardableResult
    public func write(to folder: URL, sheet sheetURL: URL? = nil) throws -> [URL] {
        let json = folder.appendingPathComponent(Self.reportName)
        let csv = folder.appendingPathComponent(Self.tableName)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data: Data
        do { data = try encoder.encode(report) } catch { throw FileError(json, "cannot encode the report: \(error)") }
        try AtomicFile.write(data + Data("\n".utf8), to: json)
        try AtomicFile.write(Data(report.csv.utf8), to: csv)
        var written = [json, csv]
        if let sheet {
            let url = sheetURL ?? folder.appendingPathComponent(Self.sheetName)
            try PNG.write(sheet, to: url)
            written.append(url)
        }
        return written
    }
}
