import Foundation

/// Reading and writing numbers in CSV and text files.
public enum CSVNumber {
    /// A decimal number ("12", "-0.5", "1e-3"), or "nan"/"inf" in any case; `nil` for anything
    /// else (hexadecimal, spaces inside, words).
    public static func parse<S: StringProtocol>(_ text: S) -> Double? {
        let lowered = text.lowercased()
        switch lowered {
        case "nan", "-nan", "+nan": return .nan
        case "inf", "+inf", "infinity", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        default: break
        }
        guard !lowered.isEmpty,
              lowered.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E || $0 == 0x2D || $0 == 0x2B || $0 == 0x65 })
        else { return nil }
        return Double(lowered)
    }

    /// The shortest text that reads back as exactly `value` ("0.1", "1e-05", "nan").
    public static func format(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    /// `text` as a CSV field: quoted when it holds a comma, a quote, a line break or outer spaces.
    public static func field(_ text: String) -> String {
        let needsQuotes = text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
            || text.first == " " || text.last == " "
        guard needsQuotes else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
