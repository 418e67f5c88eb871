import NeuralNet
import Numerics
import Testing

@Suite("Inference with batch norms folded into the convolutions")
struct FoldedInferenceTests {
    /// relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)) layer by layer, in evaluation mode.
    static func unfolded(_ block: BasicBlock, _ x: Tensor) -> Tensor {
        let relu = ReLU()
        var out = relu.forward(block.bn1.forward(block.conv1.forward(x, training: false), training: false), training: false)
        out = block.bn2.forward(block.conv2.forward(out, training: false), training: false)
        let shortcut = block.downsample.map { $0.bn.forward($0.conv.forward(x, training: false), training: false) } ?? x
        for i in out.data.indices { out.data[i] += shortcut.data[i] }
        return relu.forward(out, training: false)
    }

    @Test("a block's folded forward equals the layer-by-layer one, and follows changes of the batch norms and weights")
    func blockMatchesLayers() {
        var generator = SeededGenerator(seed: 40)
        // Downsampling (im2col 3×3 stride 2, pointwise stride 2) and identity blocks: Winograd F(2×2, 3×3) for few
        // tiles, F(4×4, 3×3) for many (40×40: 100 tiles; 2 × 27×27: 98 tiles, partial at the edges).
        for (inC, outC, stride, n, size) in [(3, 5, 2, 2, 9), (4, 4, 1, 3, 6), (4, 4, 1, 1, 40), (2, 6, 1, 2, 7), (3, 3, 1, 2, 27)] {
            let block = BasicBlock(inC, outC, stride: stride, generator: &generator)
            let x = GradientCheck.random([n, inC, size, size], seed: 41)
            func randomize(_ bn: BatchNorm2d) {
                for c in 0..<bn.channels {
                    bn.runningMean[c] = Float.random(in: -0.3...0.3, using: &generator)
                    bn.runningVariance[c] = Float.random(in: 0.5...1.5, using: &generator)
                    bn.weight.value.data[c] = Float.random(in: 0.5...1.5, using: &generator)
                    bn.bias.value.data[c] = Float.random(in: -0.3...0.3, using: &generator)
                }
            }
            for round in 0..<2 {
                randomize(block.bn1); randomize(block.bn2)
                if let downsample = block.downsample { randomize(downsample.bn) }
                if round == 1 { block.conv2.weight.value.data[0] += 0.5 }
                let folded = block.forward(x, training: false)
                let expected = Self.unfolded(block, x)
                #expect(folded.shape == expected.shape)
                let error = GradientCheck.relativeError(folded.data, expected.data)
                #expect(error < 1e-5, "block \(inC)→\(outC) stride \(stride), round \(round): relative error \(error)")
            }
        }
    }

    @Test("max pooling's inference pass (no positions kept) equals its training pass")
    func maxPoolInference() {
        for (kernel, stride, padding, h, w) in [(3, 2, 1, 9, 8), (3, 2, 1, 2, 2), (2, 2, 0, 6, 7), (3, 1, 1, 5, 5)] {
            let pool = MaxPool2d(kernel: kernel, stride: stride, padding: padding)
            let x = GradientCheck.random([2, 3, h, w], seed: 42)
            let inference = pool.forward(x, training: false), training = pool.forward(x, training: true)
            #expect(inference.shape == training.shape)
            #expect(inference.data == training.data, "kernel \(kernel) stride \(stride) padding \(padding) on \(h)×\(w)")
        }
    }
}
