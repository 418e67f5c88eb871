import Foundation

/// A dense float32 tensor in row-major (C) order; images are NCHW (batch, channels, height, width).
///
/// Storage is a Swift array, so copies share it until one of them is written (copy on write).
/// Hot loops work on `withUnsafeBufferPointer` views of `data`.
public struct Tensor: Sendable, Equatable {
    /// The size of each dimension, outermost first.
    public var shape: [Int]
    /// The values, `shape.reduce(1, *)` of them, last dimension fastest.
    public var data: [Float]

    /// A tensor of `shape` filled with `value`.
    public init(shape: [Int], repeating value: Float = 0) {
        precondition(shape.allSatisfy { $0 >= 0 }, "tensor dimensions must not be negative")
        self.shape = shape
        self.data = [Float](repeating: value, count: shape.reduce(1, *))
    }

    /// A tensor of `shape` holding `data` (row-major); `data.count` must match the shape.
    public init(shape: [Int], data: [Float]) {
        precondition(shape.reduce(1, *) == data.count, "tensor data (\(data.count) values) does not fit shape \(shape)")
        self.shape = shape
        self.data = data
    }

    /// The number of values.
    public var count: Int { data.count }

    /// The size of dimension `axis`.
    public func size(_ axis: Int) -> Int { shape[axis] }

    /// The same values viewed with another shape of the same count.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, data: data)
    }

    /// A tensor of `shape` with values drawn from a normal distribution (mean 0, `standardDeviation`).
    public static func normal<G: RandomNumberGenerator>(shape: [Int], standardDeviation: Float, using generator: inout G) -> Tensor {
        var t = Tensor(shape: shape)
        var i = 0
        while i < t.count {
            // Box–Muller: two normal values per pair of uniforms.
            let u = max(Double.random(in: 0..<1, using: &generator), .leastNormalMagnitude)
            let v = Double.random(in: 0..<1, using: &generator)
            let r = (-2 * log(u)).squareRoot()
            t.data[i] = Float(r * cos(2 * .pi * v)) * standardDeviation
            if i + 1 < t.count { t.data[i + 1] = Float(r * sin(2 * .pi * v)) * standardDeviation }
            i += 2
        }
        return t
    }

    /// A tensor of `shape` with values uniform in `-bound...bound`.
    public static func uniform<G: RandomNumberGenerator>(shape: [Int], bound: Float, using generator: inout G) -> Tensor {
        var t = Tensor(shape: shape)
        for i in 0..<t.count { t.data[i] = Float.random(in: -bound...bound, using: &generator) }
        return t
    }
}

