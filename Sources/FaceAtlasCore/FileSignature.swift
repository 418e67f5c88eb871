import Foundation

/// Names a file's format from its first bytes, so that a reader given the wrong kind of file can say what it is
/// ("is a PNG image, not a ZIP archive") instead of only what it is not.
public enum FileSignature {
    /// A description of the format `head` (the file's first bytes, 8 are enough) starts like, if known.
    public static func name(of head: Data) -> String? {
        let b = [UInt8](head.prefix(8))
        func starts(_ p: [UInt8]) -> Bool { b.count >= p.count && Array(b.prefix(p.count)) == p }
        if starts([0x89, 0x50, 0x4E, 0x47]) { return "a PNG image" }
        if starts([0xFF, 0xD8, 0xFF]) { return "a JPEG image" }
        if starts([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]) { return "a single NumPy array (.npy)" }
        if starts([0x25, 0x50, 0x44, 0x46]) { return "a PDF document" }
        if starts([0x1F, 0x8B]) { return "a gzip file" }
        if b.count >= 8, b[4...7] == [0x66, 0x74, 0x79, 0x70] { return "an MP4/QuickTime video" }
        if starts([0x1A, 0x45, 0xDF, 0xA3]) { return "a Matroska/WebM video" }
        if starts([0x52, 0x49, 0x46, 0x46]) { return "a RIFF (AVI/WAV) file" }
        if starts([0x7B]) || starts([0x5B]) { return "JSON text" }
        if !b.isEmpty, b.allSatisfy({ $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || (0x20...0x7E).contains($0) }) { return "a text file" }
        return nil
    }
}
