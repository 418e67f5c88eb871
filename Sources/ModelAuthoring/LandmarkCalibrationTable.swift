import FaceAtlasCore
import Foundation

/// The landmark calibration of the default model (`Templates/landmark-calibration.csv`): per iBUG
/// landmark, how far (mm, model frame, on the mean face) annotators and trackers put the point from
/// where the authored embedding (`Templates/landmarks.csv`) has it. The model builder moves each
/// landmark by its offset along the skin surface (`FaceModel.withLandmarks(movedBy:)`).
///
/// Written by `faceatlas model calibrate-landmarks` (its header comments record the data, the
/// settings and the result); columns `landmark,dx,dy,dz`; landmarks not listed keep their place.
public struct LandmarkCalibrationTable: Sendable {
    /// The file's name in `Templates/`.
    public static let fileName = "landmark-calibration.csv"

    /// One offset per landmark (zero where the file lists none).
    public var offsets: [SIMD3<Float>]

    /// Creates a table from offsets.
    public init(offsets: [SIMD3<Float>]) {
        precondition(offsets.count == 68)
        self.offsets = offsets
    }

    /// Reads the table at `url`.
    /// - Throws: `FileError` naming the file and the line for a bad row.
    public init(url: URL) throws {
        let table = try DefinitionTable(url: url)
        var offsets = [SIMD3<Float>](repeating: .zero, count: 68)
        for (k, row) in table.rows.enumerated() {
            guard let i = Int(row["landmark"] ?? ""), (0..<68).contains(i),
                  let x = Float(row["dx"] ?? ""), let y = Float(row["dy"] ?? ""), let z = Float(row["dz"] ?? ""),
                  x.isFinite, y.isFinite, z.isFinite else {
                throw FileError(table.source, "row \(k + 1) is not 'landmark,dx,dy,dz' with a landmark 0–67 and finite millimetres")
            }
            guard abs(x) <= 20, abs(y) <= 20, abs(z) <= 20 else {
                throw FileError(table.source, "landmark \(i) moves by more than 20 mm: that is not a calibration but a different landmark")
            }
            offsets[i] = SIMD3(x, y, z)
        }
        self.offsets = offsets
    }

    /// Landmarks with a non-zero offset.
    public var calibratedCount: Int { offsets.filter { $0 != .zero }.count }

    /// The mean length of the non-zero offsets (mm).
    public var meanOffset: Double {
        let moved = offsets.filter { $0 != .zero }
        guard !moved.isEmpty else { return 0 }
        return moved.map { Double(($0 * $0).sum().squareRoot()) }.reduce(0, +) / Double(moved.count)
    }

    /// The file's text: `header` lines as comments, then one row per calibrated landmark.
    public func csv(header: [String]) -> String {
        var lines = header.map { "# " + $0 }
        lines.append("landmark,dx,dy,dz")
        for (i, d) in offsets.enumerated() where d != .zero {
            lines.append(String(format: "%d,%.3f,%.3f,%.3f", i, d.x, d.y, d.z))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
