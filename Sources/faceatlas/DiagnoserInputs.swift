import Diagnosis
import FaceAtlasCore
import Foundation
import Tracking

/// Frames named on the command line: image files, folders of images (one participant each), or videos
/// (one participant each, tracked into aligned face crops first).
enum DiagnoserInputs {
    /// The frames of `paths`: a folder contributes its images (sorted) as one participant named after
    /// the folder; a single image is its own participant named after its parent folder; a video is
    /// sampled at `fps`, its face tracked and cropped (aligned by the eyes) into `workFolder`, and its
    /// valid frames form one participant named after the video.
    /// - Throws: `FileError` for a missing path, a folder without images or a video without a face.
    static func frames(_ paths: [String], fps: Double = 5, cropSize: Int = 256, workFolder: URL) throws -> [LabelledFrame] {
        var frames: [LabelledFrame] = []
        for (index, path) in paths.enumerated() {
            let url = URL(fileURLWithPath: path)
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else { throw FileError.missing(url, "no such file or folder") }
            if isFolder.boolValue {
                let files = ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? [])
                    .filter { FrameDataset.imageExtensions.contains(($0 as NSString).pathExtension.lowercased()) }.sorted()
                guard !files.isEmpty else { throw FileError(url, "the folder holds no PNG or JPEG images") }
                frames += files.map { LabelledFrame(url: url.appendingPathComponent($0), label: 0, participant: url.lastPathComponent) }
            } else if FrameDataset.imageExtensions.contains(url.pathExtension.lowercased()) {
                frames.append(LabelledFrame(url: url, label: 0, participant: url.deletingLastPathComponent().lastPathComponent))
            } else {
                let crops = workFolder.appendingPathComponent("video\(index)")
                try AtomicFile.createFolder(crops)
                var options = TrackingOptions()
                options.decode.fps = fps
                options.cropsFolder = crops
                options.cropSize = cropSize
                do {
                    _ = try SequenceTracker.track([url], options: options)
                } catch let error as TrackingError {
                    throw FileError(url, error.message)
                }
                let files = ((try? FileManager.default.contentsOfDirectory(atPath: crops.path)) ?? []).filter { $0.hasSuffix(".png") }.sorted()
                guard !files.isEmpty else { throw FileError(url, "no frame of the video shows a trackable face") }
                let participant = url.deletingPathExtension().lastPathComponent
                frames += files.map { LabelledFrame(url: crops.appendingPathComponent($0), label: 0, participant: participant) }
            }
        }
        return frames
    }
}
