import FaceAtlasCore
import Foundation

/// MediaPipe's face models, which `scripts/fetch-mediapipe` (run by `scripts/bootstrap`) places in Templates/build/mediapipe.
public enum MediaPipeData {
    /// The models' folder.
    public static let folder = AtlasFixture.projectRoot.appendingPathComponent("Templates/build/mediapipe")

    /// The model file `name` (`face_landmark.tflite`); throws, naming what to run, when it is missing.
    public static func model(_ name: String) throws -> URL {
        let url = folder.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw FileError(url, "is missing: run scripts/fetch-mediapipe (scripts/bootstrap runs it)")
        }
        return url
    }
}
