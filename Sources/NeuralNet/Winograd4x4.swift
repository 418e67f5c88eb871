/// 3×3 convolution with stride 1 and padding 1 by Winograd's F(4×4, 3×3) (Lavin & Gray, 2016; points 0, ±1,
/// ±2, ∞): each 4×4 output tile costs 36 multiplications instead of 144 (F(2×2, 3×3): 64). Slightly less
/// accurate than F(2×2, 3×3), it serves inference only (`Conv2d.inferenceForward`).
///
/// Filters become 6×6 tiles U = G g Gᵀ, input tiles V = Bᵀ d B; for each of the 36 tile positions one
/// `cblas_sgemm` multiplies U (out × in) by V (in × tiles); outputs are Aᵀ M A.
struct Winograd4x4 {
    let inChannels: Int, outChannels: Int
    private var transformedFilters: [Float] = []
    /// The weight version `transformedFilters` was computed from.
    private var filterVersion: Int?
    private var transformedInput: [Float] = []
    private var products: [Float] = []

    init(inChannels: Int, outChannels: Int) {
        self.inChannels = inChannels
        self.outChannels = outChannels
    }

    /// G (6×3).
    private static let g: [[Float]] = [[1.0 / 4, 0, 0], [-1.0 / 6, -1.0 / 6, -1.0 / 6], [-1.0 / 6, 1.0 / 6, -1.0 / 6],
                                       [1.0 / 24, 1.0 / 12, 1.0 / 6], [1.0 / 24, -1.0 / 12, 1.0 / 6], [0, 0, 1]]

    /// U[ξ][o][c] = (G g Gᵀ)[ξ] for the filters `weight` (`[out, in, 3, 3]`).
    private mutating func transformFilters(_ weight: UnsafePointer<Float>) {
        let (o, c) = (outChannels, inChannels)
        reserve(&transformedFilters, 36 * o * c)
        let g = Self.g
        transformedFilters.withUnsafeMutableBufferPointer { u in
            ParallelLoop.forEach(o, grain: 8) { outputs in
                for i in outputs {
                    for j in 0..<c {
                        let filter = weight + (i * c + j) * 9
                        // t = G g (6×3), then U = t Gᵀ (6×6).
                        var t = [Float](repeating: 0, count: 18)
                        for r in 0..<6 {
                            for col in 0..<3 {
                                t[r * 3 + col] = g[r][0] * filter[col] + g[r][1] * filter[3 + col] + g[r][2] * filter[6 + col]
                            }
                        }
                        for r in 0..<6 {
                            for s in 0..<6 {
                                let value = t[r * 3] * g[s][0] + t[r * 3 + 1] * g[s][1] + t[r * 3 + 2] * g[s][2]
                                u[((r * 6 + s) * o + i) * c + j] = value
                            }
                        }
                    }
                }
            }
        }
    }

    /// The convolution of `count` images of `[inChannels, h, w]` at `input` into `output`
    /// (`[count, outChannels, h, w]`), with filters `weight`, then `epilogue` if any.
    /// `weightVersion` identifies the weights: their transform is reused while it stays the same.
    mutating func forward(input: UnsafePointer<Float>, count: Int, h: Int, w: Int, weight: UnsafePointer<Float>,
                          weightVersion: Int, output: UnsafeMutablePointer<Float>, epilogue: ConvolutionEpilogue?) {
        if filterVersion != weightVersion {
            transformFilters(weight)
            filterVersion = weightVersion
        }
        let (th, tw) = ((h + 3) / 4, (w + 3) / 4)
        let tilesPerImage = th * tw
        // Images per product: at least about 128 tiles (wider products spill the transformed tiles out of the
        // cache: at batch 32, 256 tiles are about 5% slower and 1024 about 12%).
        let group = max(1, min(count, (128 + tilesPerImage - 1) / tilesPerImage))
        var first = 0
        while first < count {
            let g = min(group, count - first)
            let tiles = g * tilesPerImage
            reserve(&transformedInput, 36 * inChannels * tiles)
            reserve(&products, 36 * outChannels * tiles)
            let (c, o) = (inChannels, outChannels)
            transformedInput.withUnsafeMutableBufferPointer { v in
                // V[ξ][c][tile] = (Bᵀ d B)[ξ] of the 6×6 input patch at (4ty − 1, 4tx − 1), zero outside.
                ParallelLoop.forEach(c, grain: 1) { channels in
                    // Six input rows padded with zeros (one column left, the rest right), and Bᵀ applied down them.
                    let width = 4 * tw + 2
                    let padded = UnsafeMutablePointer<Float>.allocate(capacity: 6 * width)
                    let combined = UnsafeMutablePointer<Float>.allocate(capacity: 6 * width)
                    defer { padded.deallocate(); combined.deallocate() }
                    for ch in channels {
                        for image in 0..<g {
                            let plane = input + ((first + image) * c + ch) * h * w
                            for ty in 0..<th {
                                for r in 0..<6 {
                                    let y = 4 * ty - 1 + r
                                    let row = padded + r * width
                                    row.update(repeating: 0, count: width)
                                    if y >= 0 && y < h { (row + 1).update(from: plane + y * w, count: w) }
                                }
                                let d0 = padded, d1 = padded + width, d2 = padded + 2 * width
                                let d3 = padded + 3 * width, d4 = padded + 4 * width, d5 = padded + 5 * width
                                let m0 = combined, m1 = combined + width, m2 = combined + 2 * width
                                let m3 = combined + 3 * width, m4 = combined + 4 * width, m5 = combined + 5 * width
                                for x in 0..<width {
                                    let a = d0[x], b = d1[x], cc = d2[x], d = d3[x], e = d4[x], f = d5[x]
                                    m0[x] = 4 * a - 5 * cc + e
                                    m1[x] = -4 * b - 4 * cc + d + e
                                    m2[x] = 4 * b - 4 * cc - d + e
                                    m3[x] = -2 * b - cc + 2 * d + e
                                    m4[x] = 2 * b - cc - 2 * d + e
                                    m5[x] = 4 * b - 5 * d + f
                                }
                                // · B across each tile's six columns.
                                let rowTiles = image * tilesPerImage + ty * tw
                                let stride = c * tiles
                                for r in 0..<6 {
                                    let m = combined + r * width
                                    let out = v.baseAddress! + (r * 6 * c + ch) * tiles + rowTiles
                                    for tx in 0..<tw {
                                        let p = m + 4 * tx
                                        let a = p[0], b = p[1], cc = p[2], d = p[3], e = p[4], f = p[5]
                                        out[tx] = 4 * a - 5 * cc + e
                                        out[stride + tx] = -4 * b - 4 * cc + d + e
                                        out[2 * stride + tx] = 4 * b - 4 * cc - d + e
                                        out[3 * stride + tx] = -2 * b - cc + 2 * d + e
                                        out[4 * stride + tx] = 2 * b - cc - 2 * d + e
                                        out[5 * stride + tx] = 4 * b - 5 * d + f
                                    }
                                }
                            }
                        }
                    }
                }
                transformedFilters.withUnsafeBufferPointer { u in
                    products.withUnsafeMutableBufferPointer { p in
                        for xi in 0..<36 {
                            gemm(transposeA: false, transposeB: false, m: o, n: tiles, k: c,
                                 a: u.baseAddress! + xi * o * c, lda: c, b: v.baseAddress! + xi * c * tiles, ldb: tiles,
                                 beta: 0, c: p.baseAddress! + xi * o * tiles, ldc: tiles)
                        }
                    }
                }
            }
            products.withUnsafeBufferPointer { p in
                // Y = Aᵀ M A, Aᵀ = [[1, 1, 1, 1, 1, 0], [0, 1, −1, 2, −2, 0], [0, 1, 1, 4, 4, 0], [0, 1, −1, 8, −8, 1]].
                ParallelLoop.forEach(o, grain: 1) { outputs in
                    // Four output rows per tile row.
                    let rowWidth = 4 * tw
                    let rows = UnsafeMutablePointer<Float>.allocate(capacity: 4 * rowWidth)
                    defer { rows.deallocate() }
                    let stride = o * tiles
                    for oc in outputs {
                        for image in 0..<g {
                            let plane = output + ((first + image) * o + oc) * h * w
                            for ty in 0..<th {
                                let rowTiles = image * tilesPerImage + ty * tw
                                let q = p.baseAddress! + oc * tiles + rowTiles
                                for tx in 0..<tw {
                                    @inline(__always) func m(_ xi: Int) -> Float { q[xi * stride + tx] }
                                    // Aᵀ M (4×6), by columns j, then · A along each of its rows.
                                    var s0 = (Float(0), Float(0), Float(0), Float(0), Float(0), Float(0))
                                    var s1 = s0, s2 = s0, s3 = s0
                                    @inline(__always) func column(_ j: Int) -> (Float, Float, Float, Float) {
                                        let a = m(j), b = m(6 + j), c = m(12 + j), d = m(18 + j), e = m(24 + j), f = m(30 + j)
                                        return (a + b + c + d + e, b - c + 2 * (d - e), b + c + 4 * (d + e), b - c + 8 * (d - e) + f)
                                    }
                                    (s0.0, s1.0, s2.0, s3.0) = column(0)
                                    (s0.1, s1.1, s2.1, s3.1) = column(1)
                                    (s0.2, s1.2, s2.2, s3.2) = column(2)
                                    (s0.3, s1.3, s2.3, s3.3) = column(3)
                                    (s0.4, s1.4, s2.4, s3.4) = column(4)
                                    (s0.5, s1.5, s2.5, s3.5) = column(5)
                                    @inline(__always) func write(_ s: (Float, Float, Float, Float, Float, Float), _ row: Int) {
                                        let out = rows + row * rowWidth + 4 * tx
                                        out[0] = s.0 + s.1 + s.2 + s.3 + s.4
                                        out[1] = s.1 - s.2 + 2 * (s.3 - s.4)
                                        out[2] = s.1 + s.2 + 4 * (s.3 + s.4)
                                        out[3] = s.1 - s.2 + 8 * (s.3 - s.4) + s.5
                                    }
                                    write(s0, 0); write(s1, 1); write(s2, 2); write(s3, 3)
                                }
                                for r in 0..<4 where 4 * ty + r < h {
                                    let y = 4 * ty + r
                                    if let epilogue {
                                        epilogue.apply(rows + r * rowWidth, to: plane + y * w, count: w, channel: oc,
                                                       offset: ((first + image) * o + oc) * h * w + y * w)
                                    } else {
                                        (plane + y * w).update(from: rows + r * rowWidth, count: w)
                                    }
                                }
                            }
                        }
                    }
                }
            }
            first += g
        }
    }
}
