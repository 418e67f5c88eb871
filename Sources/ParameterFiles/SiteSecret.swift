import FaceAtlasCore
import Foundation

/// The site secret that keys pseudonyms: read from a file, never from the command line (where it
/// would end up in shell histories and process lists).
///
/// The file's bytes are the key, less any trailing line breaks (so `echo` and `printf` give the same
/// secret). At least `minimumBytes` bytes are required; a file that other users may read is accepted
/// with a warning.
public struct SiteSecret: Sendable {
    /// The fewest bytes a secret may have: 16 (128 bits).
    public static let minimumBytes = 16

    /// The key bytes.
    let bytes: Data
    /// Problems that do not stop the run (a file other users can read).
    public private(set) var warnings: [String] = []

    /// A secret from its bytes.
    /// - Throws: `UsageError` when shorter than `minimumBytes`.
    public init(bytes: Data) throws {
        guard bytes.count >= Self.minimumBytes else {
            throw UsageError("the site secret has \(bytes.count) bytes; at least \(Self.minimumBytes) are needed "
                             + "(e.g. 'head -c 32 /dev/urandom | base64 > secret.txt; chmod 600 secret.txt')")
        }
        self.bytes = bytes
    }

    /// Reads the secret from the file at `url`.
    /// - Throws: `FileError` for a missing, unreadable, empty or too short file.
    public static func load(_ url: URL) throws -> SiteSecret {
        var data = try AtomicFile.read(url)
        while let last = data.last, last == 0x0A || last == 0x0D { data.removeLast() }
        guard !data.isEmpty else { throw FileError(url, "the secret file is empty") }
        var secret: SiteSecret
        do {
            secret = try SiteSecret(bytes: data)
        } catch let error as UsageError {
            throw FileError(url, error.message)
        }
        if let attributes = try? FileManager.default.attributesOfItem(atPath: url.path),
           let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue, mode & 0o004 != 0 {
            secret.warnings.append("\(url.path): the secret file can be read by every user of this machine "
                                   + "(mode \(String(mode & 0o777, radix: 8))); restrict it with 'chmod 600'")
        }
        return secret
    }
}
