/// 3×3 convolution with stride 1 and padding 1 by Winograd's minimal filtering F(2×2, 3×3)
/// (Lavin & Gray, 2016): each 2×2 output tile costs 16 multiplications instead of 36.
///
/// Filters become 4×4 tiles U = G g Gᵀ, input tiles V = Bᵀ d B; for each of the 16 tile positions one
/// `cblas_sgemm` multiplies U (out × in) by V (in × tiles); outputs are Aᵀ M A. Only the forward pass
/// uses it: the backward pass of `Conv2d` works on columns (im2col) as for every other convolution.
struct Winograd3x3 {
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

    /// U[ξ][o][c] = (G g Gᵀ)[ξ] for the filters `weight` (`[out, in, 3, 3]`).
    private mutating func transformFilters(_ weight: UnsafePointer<Float>) {
        let (o, c) = (outChannels, inChannels)
        reserve(&transformedFilters, 16 * o * c)
        transformedFilters.withUnsafeMutableBufferPointer { u in
            ParallelLoop.forEach(o, grain: 8) { outputs in
                for i in outputs {
                    for j in 0..<c {
                        let g = weight + (i * c + j) * 9
                        // t = G g (4×3, by columns), then U = t Gᵀ (4×4, by rows).
                        for row in 0..<4 {
                            func tValue(_ col: Int) -> Float {
                                let g0 = g[col], g1 = g[3 + col], g2 = g[6 + col]
                                switch row {
                                case 0: return g0
                                case 1: return 0.5 * (g0 + g1 + g2)
                                case 2: return 0.5 * (g0 - g1 + g2)
                                default: return g2
                                }
                            }
                            let t = (tValue(0), tValue(1), tValue(2))
                            let base = (row * 4 * o + i) * c + j
                            u[base] = t.0
                            u[base + o * c] = 0.5 * (t.0 + t.1 + t.2)
                            u[base + 2 * o * c] = 0.5 * (t.0 - t.1 + t.2)
                            u[base + 3 * o * c] = t.2
                        }
                    }
                }
            }
        }
    }

    /// The convolution of `images` (`count` images of `[inChannels, h, w]` at `input`) into `output`
    /// (`[count, outChannels, h, w]`), with filters `weight`.
    /// `weightVersion` identifies the weights: their transform is reused while it stays the same.
    /// An `epilogue` (bias, residual, ReLU) is applied as the output is written.
    mutating func forward(input: UnsafePointer<Float>, count: Int, h: Int, w: Int, weight: UnsafePointer<Float>,
                          weightVersion: Int, output: UnsafeMutablePointer<Float>, epilogue: ConvolutionEpilogue? = nil) {
        if filterVersion != weightVersion {
            transformFilters(weight)
            filterVersion = weightVersion
        }
        let (th, tw) = ((h + 1) / 2, (w + 1) / 2)
        let tilesPerImage = th * tw
        // Images per product: at least about 256 tiles, at most 16 MB of transformed input.
        let group = max(1, min(count, (256 + tilesPerImage - 1) / tilesPerImage))
        var first = 0
        while first < count {
            let g = min(group, count - first)
            let tiles = g * tilesPerImage
            reserve(&transformedInput, 16 * inChannels * tiles)
            reserve(&products, 16 * outChannels * tiles)
            let (c, o) = (inChannels, outChannels)
            transformedInput.withUnsafeMutableBufferPointer { v in
                // V[ξ][c][tile] = (Bᵀ d B)[ξ] of the 4×4 input patch at (2ty − 1, 2tx − 1), zero outside.
                ParallelLoop.forEach(c, grain: 1) { channels in
                    // Four input rows padded by one zero column each side, and Bᵀ applied down them.
                    let width = 2 * tw + 2
                    let padded = UnsafeMutablePointer<Float>.allocate(capacity: 4 * width)
                    let combined = UnsafeMutablePointer<Float>.allocate(capacity: 4 * width)
                    defer { padded.deallocate(); combined.deallocate() }
                    for ch in channels {
                        for image in 0..<g {
                            let plane = input + ((first + image) * c + ch) * h * w
                            for ty in 0..<th {
                                for r in 0..<4 {
                                    let y = 2 * ty - 1 + r
                                    let row = padded + r * width
                                    row.update(repeating: 0, count: width)
                                    if y >= 0 && y < h { (row + 1).update(from: plane + y * w, count: w) }
                                }
                                // Bᵀ = [[1,0,−1,0],[0,1,1,0],[0,−1,1,0],[0,1,0,−1]] down the four rows.
                                let d0 = padded, d1 = padded + width, d2 = padded + 2 * width, d3 = padded + 3 * width
                                let m0 = combined, m1 = combined + width, m2 = combined + 2 * width, m3 = combined + 3 * width
                                for x in 0..<width {
                                    m0[x] = d0[x] - d2[x]; m1[x] = d1[x] + d2[x]; m2[x] = d2[x] - d1[x]; m3[x] = d1[x] - d3[x]
                                }
                                // · B across each tile's four columns.
                                let rowTiles = image * tilesPerImage + ty * tw
                                for r in 0..<4 {
                                    let m = combined + r * width
                                    let out = v.baseAddress! + (r * 4 * c + ch) * tiles + rowTiles
                                    let stride = c * tiles
                                    for tx in 0..<tw {
                                        let a = m[2 * tx], b = m[2 * tx + 1], cc = m[2 * tx + 2], dd = m[2 * tx + 3]
                                        out[tx] = a - cc
                                        out[stride + tx] = b + cc
                                        out[2 * stride + tx] = cc - b
                                        out[3 * stride + tx] = b - dd
                                    }
                                }
                            }
                        }
                    }
                }
                transformedFilters.withUnsafeBufferPointer { u in
                    products.withUnsafeMutableBufferPointer { p in
                        for xi in 0..<16 {
                            gemm(transposeA: false, transposeB: false, m: o, n: tiles, k: c,
                                 a: u.baseAddress! + xi * o * c, lda: c, b: v.baseAddress! + xi * c * tiles, ldb: tiles,
                                 beta: 0, c: p.baseAddress! + xi * o * tiles, ldc: tiles)
                        }
                    }
                }
            }
            products.withUnsafeBufferPointer { p in
                // Y = Aᵀ M A, Aᵀ = [[1, 1, 1, 0], [0, 1, −1, −1]].
                ParallelLoop.forEach(o, grain: 1) { outputs in
                    // Two output rows per tile row, computed 16 tiles at a time into a scratch row pair.
                    let pairs = UnsafeMutablePointer<Float>.allocate(capacity: 4 * tw + 4)
                    defer { pairs.deallocate() }
                    let stride = o * tiles
                    for oc in outputs {
                        for image in 0..<g {
                            let plane = output + ((first + image) * o + oc) * h * w
                            for ty in 0..<th {
                                let rowTiles = image * tilesPerImage + ty * tw
                                // The 16 products of tile position ξ = 4r + c, consecutive over the row's tiles.
                                let q = p.baseAddress! + oc * tiles + rowTiles
                                let top = pairs, bottom = pairs + 2 * tw + 2
                                for tx in 0..<tw {
                                    @inline(__always) func m(_ xi: Int) -> Float { q[xi * stride + tx] }
                                    // Rows of M A: (M[r][0] + M[r][1] + M[r][2], M[r][1] − M[r][2] − M[r][3]).
                                    let a0 = m(0) + m(1) + m(2), b0 = m(1) - m(2) - m(3)
                                    let a1 = m(4) + m(5) + m(6), b1 = m(5) - m(6) - m(7)
                                    let a2 = m(8) + m(9) + m(10), b2 = m(9) - m(10) - m(11)
                                    let a3 = m(12) + m(13) + m(14), b3 = m(13) - m(14) - m(15)
                                    top[2 * tx] = a0 + a1 + a2
                                    top[2 * tx + 1] = b0 + b1 + b2
                                    bottom[2 * tx] = a1 - a2 - a3
                                    bottom[2 * tx + 1] = b1 - b2 - b3
                                }
                                let y = 2 * ty
                                if let epilogue {
                                    let offset = ((first + image) * o + oc) * h * w + y * w
                                    epilogue.apply(top, to: plane + y * w, count: w, channel: oc, offset: offset)
                                    if y + 1 < h { epilogue.apply(bottom, to: plane + (y + 1) * w, count: w, channel: oc, offset: offset + w) }
                                } else {
                                    (plane + y * w).update(from: top, count: w)
                                    if y + 1 < h { (plane + (y + 1) * w).update(from: bottom, count: w) }
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
