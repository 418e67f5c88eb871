import FaceAtlasCore
import Foundation

/// One labelled face image and the participant it shows.
public struct LabelledFrame: Sendable, Equatable {
    public var url: URL
    /// The class index into the dataset's `classes`.
    public var label: Int
    /// The participant (pseudonym); frames of one participant never sit on two sides of a split.
    public var participant: String

    public init(url: URL, label: Int, participant: String) {
        self.url = url
        self.label = label
        self.participant = participant
    }
}

/// Labelled face images with their class names.
public struct FrameDataset: Sendable, Equatable {
    public var classes: [String]
    public var frames: [LabelledFrame]

    public init(classes: [String], frames: [LabelledFrame]) {
        self.classes = classes
        self.frames = frames
    }

    /// The image file extensions read (PNG through libpng, JPEG through libjpeg).
    public static let imageExtensions: Set<String> = ["png", "jpg", "jpeg"]

    /// RAF-DB's basic-emotion classes, in the order of its labels 1–7.
    public static let rafDBClasses = ["Surprise", "Fear", "Disgust", "Happiness", "Sadness", "Anger", "Neutral"]

    /// Whether `root` looks like a RAF-DB folder (it has `EmoLabel/list_label.txt`).
    public static func isRAFDB(_ root: URL) -> Bool {
        FileManager.default.fileExists(atPath: root.appendingPathComponent("EmoLabel/list_label.txt").path)
    }

    /// A RAF-DB-style folder, as the Self-Cure Network and Emoface code read it: `EmoLabel/list_label.txt`
    /// has lines `train_00001.jpg 5` (labels from 1), and the images are `Image/aligned/train_00001_aligned.jpg`.
    /// Entries starting with `train` form the training set, the others the test set; each image is its
    /// own participant.
    /// - Parameter classes: class names for the labels 1, 2, …; RAF-DB's seven by default.
    /// - Throws: `FileError` naming the list for a malformed line, an unknown label or a missing image.
    public static func rafDB(_ root: URL, classes: [String] = rafDBClasses) throws -> (train: FrameDataset, test: FrameDataset) {
        let list = root.appendingPathComponent("EmoLabel/list_label.txt")
        let text = String(decoding: try AtomicFile.read(list), as: UTF8.self)
        var train: [LabelledFrame] = [], test: [LabelledFrame] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            if fields.isEmpty { continue }
            guard fields.count == 2, let label = Int(fields[1]) else {
                throw FileError(list, "expected 'IMAGE LABEL', found '\(line)'", at: "line \(number + 1)")
            }
            guard (1...classes.count).contains(label) else {
                throw FileError(list, "label \(label) is not one of 1–\(classes.count)", at: "line \(number + 1)")
            }
            let name = String(fields[0])
            let stem = (name as NSString).deletingPathExtension
            let ext = (name as NSString).pathExtension
            let url = root.appendingPathComponent("Image/aligned/\(stem)_aligned.\(ext)")
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw FileError(list, "the image \(url.path) is missing", at: "line \(number + 1)")
            }
            let frame = LabelledFrame(url: url, label: label - 1, participant: stem)
            if name.hasPrefix("train") { train.append(frame) } else { test.append(frame) }
        }
        return (FrameDataset(classes: classes, frames: train), FrameDataset(classes: classes, frames: test))
    }

    /// A folder of labelled frames: `root/<class>/<participant>/<frame>.png|jpg`.
    /// - Parameter classes: the class folders in output order; by default every subfolder, sorted.
    /// - Throws: `FileError` for a missing class folder, no images at all, or a participant that
    ///   appears under two classes.
    public static func folder(_ root: URL, classes: [String]? = nil) throws -> FrameDataset {
        let fm = FileManager.default
        func subfolders(_ url: URL) -> [String] {
            ((try? fm.contentsOfDirectory(atPath: url.path)) ?? []).filter { name in
                var isFolder: ObjCBool = false
                return !name.hasPrefix(".") && fm.fileExists(atPath: url.appendingPathComponent(name).path, isDirectory: &isFolder) && isFolder.boolValue
            }.sorted()
        }
        let classNames = classes ?? subfolders(root)
        guard !classNames.isEmpty else { throw FileError(root, "no class folders (expected root/<class>/<participant>/<frame>.png)") }
        var frames: [LabelledFrame] = []
        var classOfParticipant: [String: String] = [:]
        for (label, name) in classNames.enumerated() {
            let classFolder = root.appendingPathComponent(name)
            guard fm.fileExists(atPath: classFolder.path) else { throw FileError(classFolder, "the class folder is missing") }
            for participant in subfolders(classFolder) {
                if let other = classOfParticipant[participant], other != name {
                    throw FileError(root, "participant '\(participant)' appears under both '\(other)' and '\(name)'")
                }
                classOfParticipant[participant] = name
                let folder = classFolder.appendingPathComponent(participant)
                let files = ((try? fm.contentsOfDirectory(atPath: folder.path)) ?? [])
                    .filter { imageExtensions.contains(($0 as NSString).pathExtension.lowercased()) }.sorted()
                frames += files.map { LabelledFrame(url: folder.appendingPathComponent($0), label: label, participant: participant) }
            }
        }
        guard !frames.isEmpty else { throw FileError(root, "no images found (expected root/<class>/<participant>/<frame>.png)") }
        return FrameDataset(classes: classNames, frames: frames)
    }

    /// The participants, each once, in order of first appearance.
    public var participants: [String] {
        var seen = Set<String>()
        return frames.map(\.participant).filter { seen.insert($0).inserted }
    }
}
