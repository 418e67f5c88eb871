import Diagnosis
import FaceAtlasCore
import Foundation

/// Frames named on the command line: image files, or folders of images (one participant each).
enum DiagnoserInputs {
    /// The frames of `paths`: a folder contributes its images (sorted) as one participant named after
    /// the folder; a single image is its own participant named after its parent folder.
    /// - Throws: `FileError` for a missing path or a folder without images.
    static func frames(_ paths: [String]) throws -> [LabelledFrame] {
        var frames: [LabelledFrame] = []
        for path in paths {
            let url = URL(fileURLWithPath: path)
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else { throw FileError(url, "no such file or folder") }
            if isFolder.boolValue {
                let files = ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? [])
                    .filter { FrameDataset.imageExtensions.contains(($0 as NSString).pathExtension.lowercased()) }.sorted()
                guard !files.isEmpty else { throw FileError(url, "the folder holds no PNG or JPEG images") }
                frames += files.map { LabelledFrame(url: url.appendingPathComponent($0), label: 0, participant: url.lastPathComponent) }
            } else {
                frames.append(LabelledFrame(url: url, label: 0, participant: url.deletingLastPathComponent().lastPathComponent))
            }
        }
        return frames
    }
}
