/// What a render sees without shading: per output pixel, the depth of the nearest surface and
/// the fraction of the pixel that geometry covers.
public struct DepthCoverage: Sendable, Equatable {
    /// Width in pixels.
    public var width: Int
    /// Height in pixels.
    public var height: Int
    /// Per pixel (row-major from the top), the smallest depth in front of the camera, in mesh
    /// units along the viewing axis, over the pixel's samples; `.infinity` where nothing is drawn.
    public var depth: [Float]
    /// Per pixel, the fraction of its samples covered by geometry, in [0, 1].
    public var coverage: [Float]

    /// The fraction of the whole image covered by geometry.
    public var coveredFraction: Float {
        coverage.isEmpty ? 0 : coverage.reduce(0, +) / Float(coverage.count)
    }
}
