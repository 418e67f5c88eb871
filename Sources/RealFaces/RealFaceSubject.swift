import DenseLandmarks
import FaceAtlasCore
import Foundation
import Imaging
import Landmarks
import Tracking

/// One fit of the real-face benchmark — a still face, or a whole video as one sequence — with its
/// input landmarks and, for a still, its photo (for the contact sheet).
struct RealFaceSubject: Sendable {
    /// The face's name (`RealFaceResult.name`), or the video's file.
    var name: String
    /// The photo or video, relative to the data folder.
    var file: String
    /// Where the landmarks came from.
    var origin: RealFaceResult.Origin
    /// The landmark file, or "dlib tracker".
    var landmarks: String
    /// The input landmarks: one frame for a still, the tracked frames of a video.
    var sequence: LandmarkSequence
    /// Whether this is a video.
    var isVideo: Bool
    /// A still's photo, RGB; nil for a video (its frames are decoded for the sheet later).
    var photo: Image?
    /// What the tracker noticed.
    var notes: [String] = []

    /// The name of the tracker as a landmark source.
    static let trackerName = "dlib tracker"
    /// The `landmarks` of a face tracked with MediaPipe's face mesh.
    static let denseTrackerName = "MediaPipe face mesh"
}

/// Finds the faces of a `RealFaceDataSet` and their input landmarks: annotations where there are
/// some, else FaceAtlas's own dlib tracker (loaded on first use).
struct RealFaceSubjectCollector {
    let dataSet: RealFaceDataSet
    /// The frame rate videos are tracked at.
    let fps: Double
    /// MediaPipe's model folder to track with (dense landmarks), or nil for dlib.
    let mediaPipeModels: URL?
    private var tracker: FaceTracker?
    private var denseTracker: MediaPipeFaceTracker?

    init(dataSet: RealFaceDataSet, fps: Double, mediaPipeModels: URL? = nil) {
        self.dataSet = dataSet
        self.fps = fps
        self.mediaPipeModels = mediaPipeModels
    }

    /// The subjects of `item`, and what gave none (a photo without a face).
    /// - Throws: `FileError` for an unreadable photo, video or annotation; `TrackingError` when dlib is missing.
    mutating func subjects(of item: RealFaceDataSet.Item) throws -> (subjects: [RealFaceSubject], skipped: [RealFaceDataSet.Skipped]) {
        switch item {
        case .annotatedPhoto(let photoFile, let landmarkFile):
            let photo = try RealFacePhoto.read(dataSet.url(photoFile))
            let size = SIMD2(photo.width, photo.height)
            let sequence = try LandmarkIO.read(dataSet.url(landmarkFile), imageSize: size)
            guard sequence.frames.count == 1 else {
                throw FileError(dataSet.url(landmarkFile), "holds \(sequence.frames.count) frames; an annotation of a photo holds one")
            }
            return ([RealFaceSubject(name: photoFile, file: photoFile, origin: .annotation, landmarks: landmarkFile,
                                     sequence: sequence, isVideo: false, photo: photo)], [])

        case .imglab(let xmlFile, let dataset):
            var photos: [String: Image] = [:]
            var subjects: [RealFaceSubject] = []
            let faces = dataset.faces
            let perImage = Dictionary(grouping: faces, by: { $0.image.line }).mapValues(\.count)
            for face in faces {
                let url = dataset.url(of: face.image)
                let file = RealFaceDataSet.relative(url, to: dataSet.folder)
                let photo = try photos[file] ?? RealFacePhoto.read(url)
                photos[file] = photo
                var sequence = dataset.landmarkSequence(of: face)
                sequence.imageSize = SIMD2(photo.width, photo.height)
                let name = (perImage[face.image.line] ?? 1) > 1 ? "\(file)#\(face.index + 1)" : file
                subjects.append(RealFaceSubject(name: name, file: file, origin: .imglab, landmarks: "\(xmlFile):\(face.box.line)",
                                                sequence: sequence, isVideo: false, photo: photo))
            }
            return (subjects, [])

        case .trackedPhoto(let file, let everyFace) where mediaPipeModels != nil:
            let photo = try RealFacePhoto.read(dataSet.url(file))
            let tracker = try mediaPipeTracker()
            let found: [MediaPipeFaceTracker.Frame]
            if everyFace {
                found = try tracker.faces(in: photo)
            } else {
                tracker.reset()
                found = [try tracker.track(photo)]
            }
            let faces = found.filter { $0.points != nil }
            guard !faces.isEmpty else { return ([], [.init(file: file, reason: "no face found by MediaPipe's detector")]) }
            let subjects = faces.enumerated().map { index, face in
                let sequence = LandmarkSequence(frames: [face.landmarkFrame(time: 0)], source: dataSet.url(file).path,
                                                imageSize: SIMD2(photo.width, photo.height))
                return RealFaceSubject(name: everyFace ? "\(file)#\(index + 1)" : file, file: file, origin: .tracker,
                                       landmarks: RealFaceSubject.denseTrackerName, sequence: sequence, isVideo: false, photo: photo)
            }
            return (subjects, [])

        case .video(let file) where mediaPipeModels != nil:
            let rows = try DenseSequenceTracker.track([dataSet.url(file)], fps: fps, models: mediaPipeModels!)
            let sequence = LandmarkSequence(frames: rows.map { $0.result.landmarkFrame(time: $0.time) }, source: dataSet.url(file).path,
                                            imageSize: rows.first?.imageSize)
            let invalid = sequence.frames.count - sequence.validCount
            let notes = invalid == 0 ? [] : ["MediaPipe, whole video: \(invalid) of \(sequence.frames.count) frames without a face"]
            return ([RealFaceSubject(name: file, file: file, origin: .tracker, landmarks: RealFaceSubject.denseTrackerName,
                                     sequence: sequence, isVideo: true, photo: nil, notes: notes)], [])

        case .trackedPhoto(let file, let everyFace):
            let photo = try RealFacePhoto.read(dataSet.url(file))
            let gray = photo.converted(toChannels: 1)
            let tracker = try faceTracker()
            let found: [TrackedFrame]
            if everyFace {
                found = try tracker.faces(in: gray)
            } else {
                tracker.reset()
                found = [try tracker.track(gray)]
            }
            let faces = found.filter { $0.points != nil }
            guard !faces.isEmpty else { return ([], [.init(file: file, reason: "no face found by the dlib detector")]) }
            let subjects = faces.enumerated().map { index, face in
                let frame = LandmarkFrame(time: 0, points: face.points!)
                let sequence = LandmarkSequence(frames: [frame], source: dataSet.url(file).path, imageSize: SIMD2(photo.width, photo.height))
                return RealFaceSubject(name: everyFace ? "\(file)#\(index + 1)" : file, file: file, origin: .tracker,
                                       landmarks: RealFaceSubject.trackerName, sequence: sequence, isVideo: false, photo: photo,
                                       notes: face.problems.map { "tracker: \($0)" })
            }
            return (subjects, [])

        case .video(let file):
            var options = TrackingOptions()
            options.decode.fps = fps
            let sequence = try SequenceTracker.trackVideo(dataSet.url(file), options: options)
            var reasons: [String: Int] = [:]
            for frame in sequence.frames where !frame.isValid {
                for reason in (frame.invalidReason ?? "invalid").split(separator: ";") {
                    let key = reason.split(separator: "(").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
                    reasons[key, default: 0] += 1
                }
            }
            let invalid = sequence.frames.count - sequence.validCount
            let notes = invalid == 0 ? [] : ["tracker, whole video: \(invalid) of \(sequence.frames.count) frames invalid ("
                + reasons.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + ")"]
            return ([RealFaceSubject(name: file, file: file, origin: .tracker, landmarks: RealFaceSubject.trackerName,
                                     sequence: sequence, isVideo: true, photo: nil, notes: notes)], [])
        }
    }

    /// The dense tracker, made on first use.
    private mutating func mediaPipeTracker() throws -> MediaPipeFaceTracker {
        if let denseTracker { return denseTracker }
        let made = try MediaPipeFaceTracker(models: mediaPipeModels!)
        denseTracker = made
        return made
    }

    /// The tracker, made on first use.
    private mutating func faceTracker() throws -> FaceTracker {
        if let tracker { return tracker }
        let made = try FaceTracker()
        tracker = made
        return made
    }
}
