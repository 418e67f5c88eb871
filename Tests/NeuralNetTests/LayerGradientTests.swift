import NeuralNet
import Numerics
import Testing

@Suite("Layer gradients (finite differences)")
struct LayerGradientTests {
    @Test("convolutions: 3×3 stride 1 and 2, 7×7 stride 2, 1×1 stride 1 and 2, grouped and single-image products")
    func convolutions() {
        var generator = SeededGenerator(seed: 1)
        let cases: [(inC: Int, outC: Int, kernel: Int, stride: Int, padding: Int, n: Int, size: Int)] = [
            (2, 3, 3, 1, 1, 2, 5),    // several images per product (small output)
            (3, 2, 7, 2, 3, 1, 9),
            (2, 3, 3, 2, 1, 2, 6),
            (3, 4, 1, 1, 0, 2, 4),    // pointwise, grouped
            (3, 4, 1, 1, 0, 1, 40),   // pointwise straight to sgemm (large image, one per product)
            (3, 2, 1, 2, 0, 2, 5),
            (2, 2, 3, 1, 1, 1, 36),   // one image per product with im2col
        ]
        for c in cases {
            let conv = Conv2d(c.inC, c.outC, kernel: c.kernel, stride: c.stride, padding: c.padding, generator: &generator)
            let x = GradientCheck.random([c.n, c.inC, c.size, c.size], seed: 2)
            GradientCheck.check(conv, input: x)
        }
    }

    @Test("Winograd F(2×2, 3×3) forward equals the im2col forward, odd and even sizes, one and several images")
    func winograd() {
        var generator = SeededGenerator(seed: 30)
        for (n, c, o, h, w) in [(1, 3, 5, 7, 6), (3, 4, 2, 5, 5), (2, 8, 16, 12, 9), (1, 2, 3, 1, 1)] {
            let conv = Conv2d(c, o, kernel: 3, stride: 1, padding: 1, generator: &generator)
            #expect(conv.usesWinograd)
            let x = GradientCheck.random([n, c, h, w], seed: UInt64(h * w))
            let fast = conv.forward(x, training: false)
            conv.usesWinograd = false
            let reference = conv.forward(x, training: false)
            #expect(fast.shape == reference.shape)
            #expect(GradientCheck.relativeError(fast.data, reference.data) < 1e-5)
        }
    }

    @Test("batch norm in training (batch statistics) and evaluation (running statistics)")
    func batchNorm() {
        let bn = BatchNorm2d(3)
        bn.weight.value = GradientCheck.random([3], seed: 3)
        bn.bias.value = GradientCheck.random([3], seed: 4)
        let x = GradientCheck.random([2, 3, 3, 4], seed: 5)
        GradientCheck.check(bn, input: x, training: true)
        bn.runningMean = [0.1, -0.2, 0.3]
        bn.runningVariance = [0.5, 1.5, 2]
        GradientCheck.check(input: x, forward: { bn.forward($0, training: false) }, backward: { bn.backward($0) })
    }

    @Test("batch norm running averages follow PyTorch (momentum 0.1, unbiased variance) and count batches")
    func runningAverages() {
        let bn = BatchNorm2d(1)
        let x = Tensor(shape: [1, 1, 2, 2], data: [1, 2, 3, 6])
        let y = bn.forward(x, training: true)
        #expect(abs(bn.runningMean[0] - 0.3) < 1e-6)
        // batch variance (biased) 3.5, unbiased 14/3
        #expect(abs(bn.runningVariance[0] - (0.9 + 0.1 * 14 / 3)) < 1e-5)
        #expect(bn.batchesTracked == 1)
        #expect(abs(y.data.reduce(0, +)) < 1e-5)
    }

    @Test("ReLU, sigmoid, max pool, global average pool, linear")
    func elementwiseAndPooling() {
        GradientCheck.check(ReLU(), input: GradientCheck.random([2, 3, 4, 4], seed: 6))
        GradientCheck.check(Sigmoid(), input: GradientCheck.random([3, 5], seed: 7))
        GradientCheck.check(MaxPool2d(kernel: 3, stride: 2, padding: 1), input: GradientCheck.random([2, 2, 7, 6], seed: 8))
        GradientCheck.check(GlobalAveragePool(), input: GradientCheck.random([2, 3, 3, 2], seed: 9))
        var generator = SeededGenerator(seed: 10)
        GradientCheck.check(Linear(6, 4, generator: &generator), input: GradientCheck.random([3, 6], seed: 11))
    }

    @Test("dropout: zeroes about p of the values, scales the rest by 1/(1-p), routes gradients the same way; identity in evaluation")
    func dropout() {
        let dropout = Dropout(probability: 0.25, seed: 3)
        let x = Tensor(shape: [4000], repeating: 1)
        let y = dropout.forward(x, training: true)
        let zeros = y.data.filter { $0 == 0 }.count
        #expect(abs(Double(zeros) / 4000 - 0.25) < 0.03)
        #expect(y.data.allSatisfy { $0 == 0 || abs($0 - 4.0 / 3) < 1e-6 })
        let dy = GradientCheck.random([4000], seed: 4)
        let dx = dropout.backward(dy)
        for i in 0..<4000 { #expect(dx.data[i] == dy.data[i] * y.data[i]) }
        #expect(dropout.forward(x, training: false) == x)
    }

    @Test("softmax cross-entropy: loss value and gradient")
    func crossEntropy() {
        let logits = GradientCheck.random([3, 4], seed: 12)
        let labels = [0, 3, 1]
        let result = SoftmaxCrossEntropy(logits: logits, labels: labels)
        // Reference loss in Double.
        var expected = 0.0
        for i in 0..<3 {
            let row = (0..<4).map { Double(logits.data[i * 4 + $0]) }
            expected += -(row[labels[i]] - log(row.map { exp($0) }.reduce(0, +)))
        }
        #expect(abs(Double(result.loss) - expected / 3) < 1e-5)
        let step: Float = 1e-3
        for i in 0..<logits.count {
            var plus = logits, minus = logits
            plus.data[i] += step; minus.data[i] -= step
            let numeric = (SoftmaxCrossEntropy(logits: plus, labels: labels).loss - SoftmaxCrossEntropy(logits: minus, labels: labels).loss) / (2 * step)
            #expect(abs(numeric - result.gradient.data[i]) < 2e-3)
        }
    }

    @Test("a basic block with a downsampling shortcut, and a whole tiny ResNet-18")
    func blocksAndNetwork() {
        var generator = SeededGenerator(seed: 13)
        let block = BasicBlock(2, 3, stride: 2, generator: &generator)
        let params = block.stateSlots(prefix: "").compactMap { if case .parameter(let p) = $0.slot { p } else { nil } }
        GradientCheck.check(input: GradientCheck.random([2, 2, 6, 6], seed: 14), parameters: params,
                            forward: { block.forward($0, training: true) }, backward: { block.backward($0) })

        let net = ResNet18(ResNetConfiguration(baseWidth: 2, classes: 3), seed: 5)
        let x = GradientCheck.random([2, 3, 64, 64], seed: 15)
        let checked = [net.conv1.weight, net.stages[3][1].conv2.weight, net.stages[1][0].downsample!.conv.weight, net.fc!.weight]
        GradientCheck.check(input: x, parameters: checked, tolerance: 3e-2, probes: 30,
                            forward: { net.logits($0, training: true) }, backward: { net.backwardLogits($0) })
    }
}

import Foundation
