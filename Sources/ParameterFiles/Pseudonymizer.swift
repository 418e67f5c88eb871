import Crypto
import Foundation

/// Keyed pseudonyms for participant ids: the first 16 hexadecimal digits (64 bits) of
/// HMAC-SHA-256(site secret, UTF-8 id).
///
/// The same id and secret always give the same pseudonym, so files of one participant stay linkable
/// to each other within a site; without the secret a pseudonym cannot be computed from an id (unlike
/// a plain hash, which anyone can compute for a guessed id), and an id cannot be recovered from it.
public struct Pseudonymizer: Sendable {
    /// Hexadecimal digits kept.
    public static let length = 16

    private let key: Data

    /// A pseudonymizer keyed by `secret`.
    public init(secret: SiteSecret) {
        key = secret.bytes
    }

    /// The pseudonym of `subject`.
    public func pseudonym(for subject: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(subject.utf8), using: SymmetricKey(data: key))
        return String(mac.map { String(format: "%02x", $0) }.joined().prefix(Self.length))
    }
}
