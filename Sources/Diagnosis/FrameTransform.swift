import Imaging
import Numerics

/// Turns a face image into the network's input: a random five-crop, horizontal flip, colour jitter,
/// ImageNet normalization and random erasing in training; the centre crop and normalization in evaluation.
public struct FrameTransform: Sendable {
    public var inputSize: Int
    public var mean: [Float]
    public var standardDeviation: [Float]
    /// The largest relative change of brightness, contrast and saturation (0.2: factors in 0.8–1.2).
    public var colorJitter: Float = 0.2
    /// The probability of erasing a rectangle.
    public var erasingProbability: Double = 0.5
    /// The share of the image an erased rectangle covers.
    public var erasingArea: ClosedRange<Double> = 0.02...0.25

    /// A transform for `configuration`'s input size and normalization.
    public init(_ configuration: DiagnoserConfiguration) {
        inputSize = configuration.inputSize
        mean = configuration.mean
        standardDeviation = configuration.standardDeviation
    }

    /// The side images are resized to before cropping (256 for a 224 input, as torchvision's recipe).
    public var resizeSide: Int { (inputSize * 8 + 6) / 7 }

    /// Writes the input for `image` (RGB, `resizeSide` square) to `output` (3 × inputSize² floats, CHW).
    public func apply<G: RandomNumberGenerator>(_ image: Image, training: Bool, generator: inout G,
                                                into output: UnsafeMutableBufferPointer<Float>) {
        let s = inputSize, side = image.width
        precondition(image.channels == 3 && image.height == side && side >= s, "FrameTransform expects RGB images of \(resizeSide)²")
        // Five-crop: four corners and the centre; evaluation takes the centre.
        let corner = training ? Int.random(in: 0..<5, using: &generator) : 4
        let x0 = [0, side - s, 0, side - s, (side - s) / 2][corner]
        let y0 = [0, 0, side - s, side - s, (side - s) / 2][corner]
        let flip = training && Bool.random(using: &generator)
        var brightness: Float = 1, contrast: Float = 1, saturation: Float = 1
        if training && colorJitter > 0 {
            let range = (1 - colorJitter)...(1 + colorJitter)
            brightness = .random(in: range, using: &generator)
            contrast = .random(in: range, using: &generator)
            saturation = .random(in: range, using: &generator)
        }
        let plane = s * s
        image.pixels.withUnsafeBufferPointer { src in
            var graySum: Float = 0
            for y in 0..<s {
                for x in 0..<s {
                    let sx = flip ? x0 + s - 1 - x : x0 + x
                    let p = ((y0 + y) * side + sx) * 3
                    let r = Float(src[p]) / 255 * brightness, g = Float(src[p + 1]) / 255 * brightness, b = Float(src[p + 2]) / 255 * brightness
                    output[y * s + x] = r; output[plane + y * s + x] = g; output[2 * plane + y * s + x] = b
                    graySum += 0.299 * r + 0.587 * g + 0.114 * b
                }
            }
            let grayMean = graySum / Float(plane)
            for i in 0..<plane {
                var r = output[i], g = output[plane + i], b = output[2 * plane + i]
                if contrast != 1 {
                    r = (r - grayMean) * contrast + grayMean; g = (g - grayMean) * contrast + grayMean; b = (b - grayMean) * contrast + grayMean
                }
                if saturation != 1 {
                    let gray = 0.299 * r + 0.587 * g + 0.114 * b
                    r = (r - gray) * saturation + gray; g = (g - gray) * saturation + gray; b = (b - gray) * saturation + gray
                }
                output[i] = (min(max(r, 0), 1) - mean[0]) / standardDeviation[0]
                output[plane + i] = (min(max(g, 0), 1) - mean[1]) / standardDeviation[1]
                output[2 * plane + i] = (min(max(b, 0), 1) - mean[2]) / standardDeviation[2]
            }
        }
        if training && Double.random(in: 0..<1, using: &generator) < erasingProbability {
            erase(output, generator: &generator)
        }
    }

    /// Random erasing (torchvision's): a rectangle of 2–25 % of the area, aspect ratio 0.3–3.3, set to 0.
    private func erase<G: RandomNumberGenerator>(_ output: UnsafeMutableBufferPointer<Float>, generator: inout G) {
        let s = inputSize
        for _ in 0..<10 {
            let area = Double(s * s) * Double.random(in: erasingArea, using: &generator)
            let ratio = exp(Double.random(in: log(0.3)...log(3.3), using: &generator))
            let h = Int((area * ratio).squareRoot().rounded()), w = Int((area / ratio).squareRoot().rounded())
            guard h > 0, w > 0, h < s, w < s else { continue }
            let top = Int.random(in: 0...(s - h), using: &generator), left = Int.random(in: 0...(s - w), using: &generator)
            for c in 0..<3 {
                for y in top..<(top + h) {
                    let row = c * s * s + y * s
                    for x in left..<(left + w) { output[row + x] = 0 }
                }
            }
            return
        }
    }
}

import Foundation
