import FaceAtlasCore
import Foundation
import Landmarks
import Tracking

/// The faces of a real-face data folder (as `scripts/fetch-realfaces` lays one out), found by what the
/// files are:
///
/// - a folder holding imglab XML files (`ImglabDataset`) is described by them: every annotated face
///   they list; its other photos are left out;
/// - elsewhere, a photo with a `.pts` or `.ljson` file of the same name beside it is an annotated face;
/// - a photo without one is tracked: its largest face, or every face for a group photo;
/// - a video is tracked at the benchmark's frame rate as one sequence.
///
/// Hidden files and folders are ignored, and so are files that are neither photos, videos nor
/// imglab XML (archives, notes). Paths are relative to the folder, with `/`.
public struct RealFaceDataSet: Sendable {
    /// A file (or imglab dataset) that gives faces.
    public enum Item: Sendable {
        /// A photo with a human annotation (`.pts` or `.ljson`) beside it.
        case annotatedPhoto(photo: String, landmarks: String)
        /// An imglab dataset: every annotated face it lists.
        case imglab(file: String, dataset: ImglabDataset)
        /// A photo to track: the largest face, or every face when `everyFace`.
        case trackedPhoto(photo: String, everyFace: Bool)
        /// A video to track as one sequence.
        case video(String)
    }

    /// A photo or video that gives no face, and why.
    public struct Skipped: Sendable, Equatable, Codable {
        /// The file, relative to the folder.
        public var file: String
        /// Why it was left out.
        public var reason: String

        /// Creates an entry.
        public init(file: String, reason: String) {
            self.file = file
            self.reason = reason
        }
    }

    /// File extensions read as videos (lowercase).
    public static var videoExtensions: Set<String> { StillImage.videoExtensions }
    /// Annotation extensions, in the order they are looked for beside a photo.
    public static let annotationExtensions = ["pts", "ljson"]

    /// The data folder.
    public var folder: URL
    /// The items, in path order.
    public var items: [Item]
    /// Photos and videos left out, with the reason.
    public var skipped: [Skipped]

    /// The file at `path` (relative to the folder).
    public func url(_ path: String) -> URL { folder.appendingPathComponent(path) }

    /// Scans `folder`; `groupPhotos` are the unannotated photos (relative paths) of which every face is taken.
    /// - Throws: `FileError` for a missing folder, one without faces, or an imglab file that does not parse.
    public static func scan(_ folder: URL, groupPhotos: Set<String> = []) throws -> RealFaceDataSet {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder) else {
            throw FileError(folder, "no such folder (fetch the real faces with 'scripts/fetch-realfaces \(folder.path)')")
        }
        guard isFolder.boolValue else { throw FileError(folder, "not a folder") }
        let paths: [String]
        do {
            paths = try FileManager.default.subpathsOfDirectory(atPath: folder.path)
        } catch {
            throw FileError(folder, "cannot list the folder: \(error.localizedDescription)")
        }
        let files = Set(paths.filter { path in
            !path.split(separator: "/").contains { $0.hasPrefix(".") } && !isDirectory(folder.appendingPathComponent(path))
        })
        let byFolder = Dictionary(grouping: files) { ($0 as NSString).deletingLastPathComponent }
        var items: [(String, Item)] = []
        var skipped: [Skipped] = []
        for (subfolder, names) in byFolder.sorted(by: { $0.key < $1.key }) {
            let sorted = names.sorted { $0.compare($1, options: [.numeric]) == .orderedAscending }
            let xml = sorted.filter { ext($0) == "xml" }
            var described: Set<String> = []
            for file in xml {
                let dataset = try ImglabDataset.read(folder.appendingPathComponent(file))
                for image in dataset.images {
                    described.insert(relative(dataset.url(of: image), to: folder))
                }
                items.append((file, .imglab(file: file, dataset: dataset)))
            }
            for file in sorted {
                let e = ext(file)
                if videoExtensions.contains(e) {
                    items.append((file, .video(file)))
                } else if StillImage.extensions.contains(e) {
                    if !xml.isEmpty {
                        if !described.contains(file) {
                            skipped.append(Skipped(file: file, reason: "not listed in the imglab files of \(subfolder.isEmpty ? "the folder" : subfolder + "/")"))
                        }
                        continue
                    }
                    let stem = (file as NSString).deletingPathExtension
                    if let annotation = annotationExtensions.map({ "\(stem).\($0)" }).first(where: files.contains) {
                        items.append((file, .annotatedPhoto(photo: file, landmarks: annotation)))
                    } else {
                        items.append((file, .trackedPhoto(photo: file, everyFace: groupPhotos.contains(file))))
                    }
                }
            }
        }
        guard !items.isEmpty else {
            throw FileError(folder, "no photos, videos or imglab files (fetch the real faces with 'scripts/fetch-realfaces \(folder.path)')")
        }
        return RealFaceDataSet(folder: folder, items: items.map(\.1), skipped: skipped)
    }

    private static func ext(_ path: String) -> String { (path as NSString).pathExtension.lowercased() }

    private static func isDirectory(_ url: URL) -> Bool {
        var isFolder: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) && isFolder.boolValue
    }

    /// `url` relative to `folder` when inside it, else its full path.
    static func relative(_ url: URL, to folder: URL) -> String {
        let base = folder.standardizedFileURL.path, path = url.standardizedFileURL.path
        let prefix = base.hasSuffix("/") ? base : base + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }
}
