import Foundation

/// Remembers files whose contents were verified (every array's SHA-256 checked against the file's header), keyed
/// by what identifies the file on disk: device, inode, size, modification and status-change times. A file that
/// is changed in any way gets a new status-change time (which no user can set back), so it is verified afresh;
/// an unchanged file is not hashed again in the next process. This is what lets a short command load the
/// default model in a few milliseconds.
///
/// The cache is a small JSON file in `$FACEATLAS_CACHE`, else `$XDG_CACHE_HOME/faceatlas`, else
/// `~/.cache/faceatlas`; when it cannot be read or written, every file is simply verified each time.
public enum VerifiedFileCache {
    /// What identifies a file's current contents on disk.
    public struct Identity: Codable, Equatable, Sendable {
        public var path: String
        public var device: UInt64
        public var inode: UInt64
        public var size: Int64
        public var modified: Int64
        public var changed: Int64

        /// The identity of the regular file at `path`, or nil when it cannot be read.
        public init?(path: String) {
            var info = stat()
            guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
            self.path = URL(fileURLWithPath: path).standardizedFileURL.path
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
            size = Int64(info.st_size)
            modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
            changed = Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec)
        }
    }

    struct Record: Codable {
        var file: Identity
        var digest: String
    }

    /// How many files are remembered (the most recent).
    static let capacity = 64

    /// The cache file, if a folder for it is known.
    static var location: URL? {
        let env = ProcessInfo.processInfo.environment
        if let dir = env["FACEATLAS_CACHE"], !dir.isEmpty { return URL(fileURLWithPath: dir).appendingPathComponent("verified-files.json") }
        if let dir = env["XDG_CACHE_HOME"], !dir.isEmpty {
            return URL(fileURLWithPath: dir).appendingPathComponent("faceatlas/verified-files.json")
        }
        guard let home = env["HOME"], !home.isEmpty else { return nil }
        return URL(fileURLWithPath: home).appendingPathComponent(".cache/faceatlas/verified-files.json")
    }

    static func records() -> [Record] {
        guard let location, let data = try? Data(contentsOf: location),
              let records = try? JSONDecoder().decode([Record].self, from: data) else { return [] }
        return records
    }

    /// Whether the file with `identity` (taken before it was read) was verified to have the overall digest `digest`.
    public static func wasVerified(_ identity: Identity, digest: String) -> Bool {
        records().contains { $0.file == identity && $0.digest == digest }
    }

    /// Records that the file with `identity` (taken before it was read, and unchanged after) has the overall
    /// digest `digest`.
    public static func recordVerified(_ identity: Identity, digest: String) {
        guard let location else { return }
        var list = records().filter { $0.file.path != identity.path }
        list.append(Record(file: identity, digest: digest))
        if list.count > capacity { list.removeFirst(list.count - capacity) }
        guard let data = try? JSONEncoder().encode(list) else { return }
        try? AtomicFile.write(to: location) { try data.write(to: $0) }
    }
}
