import Crypto
import Foundation

/// SHA-256 digests as lowercase hexadecimal text, as recorded in model and parameter files.
public enum Digest {
    /// The SHA-256 of `data` in hexadecimal.
    public static func sha256(_ data: Data) -> String {
        hex(SHA256.hash(data: data))
    }

    /// The SHA-256 of the bytes in `buffer` in hexadecimal.
    public static func sha256(_ buffer: UnsafeRawBufferPointer) -> String {
        hex(SHA256.hash(data: buffer))
    }

    /// The SHA-256 of the file at `url` in hexadecimal.
    public static func sha256(file url: URL) throws -> String {
        sha256(try AtomicFile.read(url))
    }

    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        digest.map { String(format: "%02x", $0) }.joined()
    }
}
