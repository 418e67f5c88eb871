import FaceAtlasCore
import Foundation

extension RealFaceReport {
    /// The pooled action units reported, by number (`AU2` before `AU12`).
    public var actionUnitLabels: [String] {
        Set(faces.flatMap(\.actionUnits.keys)).sorted(by: Self.actionUnitOrder)
    }

    /// `AU2` before `AU12`: by number, then by name.
    static func actionUnitOrder(_ a: String, _ b: String) -> Bool {
        let na = Int(a.dropFirst(2)), nb = Int(b.dropFirst(2))
        if let na, let nb, na != nb { return na < nb }
        return a < b
    }

    /// The columns of `csv`, before the action units.
    static let csvColumns = ["name", "file", "origin", "landmarks", "fit", "time_s_from", "time_s_to", "frames", "valid_frames", "nme",
                             "identity_norm", "identity_max_abs", "identity_beyond_3sd", "identity_beyond_4sd", "identity_plausible",
                             "jaw_degrees", "label_line", "label_expression", "label_passed", "label_failures"]

    /// The report as CSV: one row per face or video span, its measures, label verdict and every pooled
    /// action unit (empty where not measured).
    public var csv: String {
        let units = actionUnitLabels
        var lines = [(Self.csvColumns + units).joined(separator: ",")]
        for face in faces {
            var fields = Self.csvFields(face)
            fields += units.map { Self.number(face.actionUnits[$0]) }
            lines.append(fields.map(CSVNumber.field).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The fields of `face` under `csvColumns`.
    private static func csvFields(_ face: RealFaceResult) -> [String] {
        let identity = face.identity
        let labelled = face.labelLine != nil
        let passed = labelled ? (face.label?.passed == true ? "1" : "0") : ""
        let failures = face.label.map { $0.failures.map(\.summary).joined(separator: "; ") } ?? (labelled ? "no valid frames" : "")
        var fields = [face.name, face.file, face.origin.rawValue, face.landmarks, face.fit]
        fields += [number(face.span?.fromSeconds), number(face.span?.toSeconds)]
        fields += [String(face.frames), String(face.validFrames), number(face.nme)]
        fields += [number(identity.norm), number(identity.maximumAbsolute), String(identity.beyond3SD), String(identity.beyond4SD)]
        fields += [identity.isPlausible ? "1" : "0", number(face.jawDegrees)]
        fields += [face.labelLine.map(String.init) ?? "", face.label?.expression ?? "", passed, failures]
        return fields
    }

    private static func number(_ value: Double?) -> String { value.map(CSVNumber.format) ?? "" }
}
