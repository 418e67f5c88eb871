import Landmarks

extension ObservedSequence {
    /// The fitter's view of a landmark sequence: 2D points and per-point weights (0 for invalid
    /// frames and missing points), or the 3D points when `use3D` is set and the sequence has them.
    public init(_ sequence: LandmarkSequence, use3D: Bool = false) {
        let metric = use3D && sequence.frames.allSatisfy { $0.points3D != nil || !$0.isValid }
        let points = sequence.frames.map { frame -> [SIMD3<Double>] in
            if metric, let p3 = frame.points3D { return p3 }
            return frame.points.map { SIMD3($0.x.isNaN ? 0 : $0.x, $0.y.isNaN ? 0 : $0.y, 0) }
        }
        let weights = sequence.frames.map { frame in frame.weights.map { $0.isNaN ? 0 : $0 } }
        self.init(times: sequence.frames.map(\.time), points: points, weights: weights, isMetric3D: metric,
                  imageSize: sequence.imageSize.map { SIMD2(Double($0.x), Double($0.y)) })
    }
}
