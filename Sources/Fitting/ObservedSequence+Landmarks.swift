import Landmarks

extension ObservedSequence {
    /// The number of MediaPipe Face Mesh points in a dense frame (after the 68 iBUG points).
    public static let densePointCount = 468

    /// The fitter's view of a landmark sequence: 2D points and per-point weights (0 for invalid
    /// frames and missing points), or the 3D points when `use3D` is set and the sequence has them.
    ///
    /// With `dense` and MediaPipe's points in every valid frame (`LandmarkFrame.densePoints`), each frame holds
    /// the 68 iBUG points and then the 468 mesh points: the jawline (iBUG 0–16) keeps its weight and slides
    /// along the contour, the inner iBUG points get weight 0 (the mesh points they were read off carry them,
    /// at their own embedding), and the mesh points get their frame's weight except the face oval
    /// (`MediaPipeToIBUG.faceOval`), which the sliding jawline stands for. Fit such a sequence with a model
    /// that has a dense embedding (`FaceModel.denseLandmarks`).
    public init(_ sequence: LandmarkSequence, use3D: Bool = false, dense: Bool = false) {
        let metric = use3D && sequence.frames.allSatisfy { $0.points3D != nil || !$0.isValid }
        let useDense = dense && !metric && sequence.frames.contains { $0.densePoints != nil }
            && sequence.frames.allSatisfy { !$0.isValid || $0.densePoints?.count == Self.densePointCount }
        let points = sequence.frames.map { frame -> [SIMD3<Double>] in
            if metric, let p3 = frame.points3D { return p3 }
            var list = frame.points
            if useDense { list += frame.densePoints ?? Array(repeating: SIMD2(.nan, .nan), count: Self.densePointCount) }
            return list.map { SIMD3($0.x.isNaN ? 0 : $0.x, $0.y.isNaN ? 0 : $0.y, 0) }
        }
        let weights = sequence.frames.map { frame -> [Double] in
            let w = frame.weights.map { $0.isNaN ? 0 : $0 }
            guard useDense else { return w }
            let valid = frame.isValid ? 1.0 : 0
            var mesh = (frame.densePoints ?? []).map { $0.x.isFinite && $0.y.isFinite ? valid : 0 }
            for i in MediaPipeToIBUG.faceOval where i < mesh.count { mesh[i] = 0 }
            return Array(w.prefix(17)) + Array(repeating: 0, count: w.count - 17)
                + mesh + Array(repeating: 0, count: Self.densePointCount - mesh.count)
        }
        self.init(times: sequence.frames.map(\.time), points: points, weights: weights, isMetric3D: metric,
                  imageSize: sequence.imageSize.map { SIMD2(Double($0.x), Double($0.y)) })
    }
}
