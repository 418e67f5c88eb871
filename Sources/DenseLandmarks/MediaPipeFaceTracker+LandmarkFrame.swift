import Landmarks

extension MediaPipeFaceTracker.Frame {
    /// This result as a landmark frame at `time`: the 68 iBUG points read off the mesh
    /// (`MediaPipeToIBUG`), the 468 mesh points as `densePoints`, and an invalid frame when no face was found.
    public func landmarkFrame(time: Double) -> LandmarkFrame {
        guard let points else {
            return LandmarkFrame(time: time, points: Array(repeating: SIMD2(.nan, .nan), count: LandmarkSequence.pointCount),
                                 isValid: false, invalidReason: "MediaPipe: no face detected")
        }
        let mesh = points.prefix(MediaPipeToIBUG.minimumLandmarkCount).map { SIMD2($0.x, $0.y) }
        var frame = LandmarkFrame(time: time, points: MediaPipeToIBUG.ibugPoints(from: mesh)).invalidatingMissingPoints()
        frame.densePoints = mesh
        return frame
    }
}
