/// How much an `.npz` archive may unpack to, so that a damaged or hostile archive
/// (a "zip bomb") cannot exhaust memory.
///
/// Sizes are uncompressed `.npy` bytes. They are checked against what the archive
/// declares before anything is extracted, and again while decompressing, so an
/// archive that lies about its sizes is stopped as soon as it exceeds them.
public struct NPZLimits: Sendable, Equatable {
    /// The largest uncompressed entry, in bytes.
    public var maxEntryBytes: Int
    /// The largest total of all uncompressed entries, in bytes.
    public var maxTotalBytes: Int
    /// The largest number of entries.
    public var maxEntries: Int

    /// Creates limits; the defaults are those of `NPZLimits.default`.
    public init(maxEntryBytes: Int = 2 << 30, maxTotalBytes: Int = 8 << 30, maxEntries: Int = 10_000) {
        self.maxEntryBytes = maxEntryBytes
        self.maxTotalBytes = maxTotalBytes
        self.maxEntries = maxEntries
    }

    /// 2 GiB per entry, 8 GiB in all, 10,000 entries.
    public static let `default` = NPZLimits()
}
