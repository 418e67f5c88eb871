/// Max pooling over square windows of an NCHW tensor, padded with −∞ (ResNet's 3×3, stride 2, padding 1).
public final class MaxPool2d: Layer {
    public let kernel: Int, stride: Int, padding: Int
    private var inputShape: [Int] = []
    private var argmax: [Int32] = []

    /// Max pooling with the given window, stride and padding.
    public init(kernel: Int, stride: Int, padding: Int = 0) {
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
    }

    /// The output height or width for an input of `size`.
    public func outputSize(_ size: Int) -> Int { (size + 2 * padding - kernel) / stride + 1 }

    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        precondition(x.shape.count == 4, "MaxPool2d expects [N, C, H, W], got \(x.shape)")
        inputShape = x.shape
        let (planes, h, w) = (x.shape[0] * x.shape[1], x.shape[2], x.shape[3])
        let (ho, wo) = (outputSize(h), outputSize(w))
        if !training { return Tensor(shape: [x.shape[0], x.shape[1], ho, wo], data: inferenceForward(x)) }
        var y = uninitializedFloats(planes * ho * wo)
        argmax = [Int32](repeating: 0, count: planes * ho * wo)
        x.data.withUnsafeBufferPointer { src in
            y.withUnsafeMutableBufferPointer { dst in
                argmax.withUnsafeMutableBufferPointer { arg in
                    ParallelLoop.forEach(planes, grain: 4) { range in
                    for p in range {
                        let plane = src.baseAddress! + p * h * w
                        for oy in 0..<ho {
                            let y0 = max(0, oy * stride - padding), y1 = min(h, oy * stride - padding + kernel)
                            for ox in 0..<wo {
                                let x0 = max(0, ox * stride - padding), x1 = min(w, ox * stride - padding + kernel)
                                var best = -Float.infinity, at = y0 * w + x0
                                for iy in y0..<y1 {
                                    for ix in x0..<x1 where plane[iy * w + ix] > best {
                                        best = plane[iy * w + ix]; at = iy * w + ix
                                    }
                                }
                                let o = (p * ho + oy) * wo + ox
                                dst[o] = best
                                arg[o] = Int32(at)
                            }
                        }
                    }
                    }
                }
            }
        }
        return Tensor(shape: [x.shape[0], x.shape[1], ho, wo], data: y)
    }

    /// The pooled values without the positions `backward` needs: for each output row the maximum down the
    /// window's rows (contiguous, vectorised), then across each window's columns.
    private func inferenceForward(_ x: Tensor) -> [Float] {
        let (planes, h, w) = (x.shape[0] * x.shape[1], x.shape[2], x.shape[3])
        let (ho, wo) = (outputSize(h), outputSize(w))
        var y = uninitializedFloats(planes * ho * wo)
        let (kernel, stride, padding) = (self.kernel, self.stride, self.padding)
        x.data.withUnsafeBufferPointer { src in
            y.withUnsafeMutableBufferPointer { dst in
                ParallelLoop.forEach(planes, grain: 4) { range in
                    let column = UnsafeMutablePointer<Float>.allocate(capacity: w)
                    defer { column.deallocate() }
                    for p in range {
                        let plane = src.baseAddress! + p * h * w
                        for oy in 0..<ho {
                            let y0 = max(0, oy * stride - padding), y1 = min(h, oy * stride - padding + kernel)
                            column.update(from: plane + y0 * w, count: w)
                            for iy in (y0 + 1)..<max(y0 + 1, y1) {
                                let row = plane + iy * w
                                for ix in 0..<w { column[ix] = max(column[ix], row[ix]) }
                            }
                            let out = dst.baseAddress! + (p * ho + oy) * wo
                            var first = 0
                            if kernel == 3 && stride == 2 && padding == 1 {
                                // out[ox] = max(column[2ox − 1], column[2ox], column[2ox + 1]) without window bounds.
                                first = 1
                                while first < wo && 2 * first + 1 < w {
                                    out[first] = max(max(column[2 * first - 1], column[2 * first]), column[2 * first + 1])
                                    first += 1
                                }
                                out[0] = max(column[0], w > 1 ? column[1] : -Float.infinity)
                            }
                            for ox in first..<wo {
                                let x0 = max(0, ox * stride - padding), x1 = min(w, ox * stride - padding + kernel)
                                var best = -Float.infinity
                                for ix in x0..<x1 { best = max(best, column[ix]) }
                                out[ox] = best
                            }
                        }
                    }
                }
            }
        }
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        precondition(dy.count == argmax.count, "MaxPool2d.backward: gradient shape \(dy.shape) does not match the output")
        let (h, w) = (inputShape[2], inputShape[3])
        let outPlane = dy.shape[2] * dy.shape[3]
        var dx = [Float](repeating: 0, count: inputShape.reduce(1, *))
        dy.data.withUnsafeBufferPointer { g in
            argmax.withUnsafeBufferPointer { arg in
                dx.withUnsafeMutableBufferPointer { d in
                    // Each output plane feeds only its own input plane: planes run in parallel.
                    ParallelLoop.forEach(g.count / max(outPlane, 1), grain: 4) { planes in
                        for o in (planes.lowerBound * outPlane)..<(planes.upperBound * outPlane) {
                            d[(o / outPlane) * h * w + Int(arg[o])] += g[o]
                        }
                    }
                }
            }
        }
        return Tensor(shape: inputShape, data: dx)
    }
}

/// The mean over H and W of an NCHW tensor: `[N, C, H, W]` → `[N, C]`.
public final class GlobalAveragePool: Layer {
    private var inputShape: [Int] = []

    public init() {}

    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        precondition(x.shape.count == 4, "GlobalAveragePool expects [N, C, H, W], got \(x.shape)")
        inputShape = x.shape
        let planes = x.shape[0] * x.shape[1], size = x.shape[2] * x.shape[3]
        var y = uninitializedFloats(planes)
        x.data.withUnsafeBufferPointer { src in
            for p in 0..<planes {
                var s: Float = 0
                let base = src.baseAddress! + p * size
                for j in 0..<size { s += base[j] }
                y[p] = s / Float(size)
            }
        }
        return Tensor(shape: [x.shape[0], x.shape[1]], data: y)
    }

    public func backward(_ dy: Tensor) -> Tensor {
        precondition(dy.count == inputShape[0] * inputShape[1], "GlobalAveragePool.backward: gradient shape \(dy.shape) does not match")
        let size = inputShape[2] * inputShape[3]
        var dx = uninitializedFloats(dy.count * size)
        dx.withUnsafeMutableBufferPointer { d in
            for p in 0..<dy.count {
                (d.baseAddress! + p * size).update(repeating: dy.data[p] / Float(size), count: size)
            }
        }
        return Tensor(shape: inputShape, data: dx)
    }
}
