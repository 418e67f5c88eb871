import FaceAtlasCore
import NeuralNet
import TFLiteFormat

/// Runs the main graph of a TensorFlow Lite model on FaceAtlas's NeuralNet kernels, in float32.
///
/// The graph is compiled once: constants are decoded (float16 weights through their DEQUANTIZE operators),
/// filters are rearranged from TensorFlow's OHWI to NeuralNet's OIHW, and every operator's shapes are checked
/// against the shapes the file declares, so that a graph FaceAtlas cannot run exactly is refused when it is
/// loaded, naming the operator, never half-way through a frame. Activations are NCHW internally (NeuralNet's
/// layout); inputs and outputs are in TensorFlow's NHWC order, as the file describes them.
///
/// Operators: CONV_2D, DEPTHWISE_CONV_2D (depth multiplier 1), PRELU (per-channel slopes), RELU, RELU6, ADD
/// (same shapes), MAX_POOL_2D, PAD (zeros), RESHAPE, CONCATENATION, DEQUANTIZE (of constants); fused activations
/// NONE, RELU, RELU6. These are every operator of MediaPipe's BlazeFace, Face Mesh and Iris models.
public final class TFLiteInterpreter {
    /// The operators this interpreter runs.
    public static let supportedOperators: Set<TFLiteBuiltinOperator> = [
        .conv2D, .depthwiseConv2D, .prelu, .relu, .relu6, .add, .maxPool2D, .pad, .reshape, .concatenation, .dequantize,
    ]

    /// The model's input shapes (NHWC, as in the file).
    public let inputShapes: [[Int]]
    /// The model's output shapes (as in the file).
    public let outputShapes: [[Int]]
    /// The model file (for errors).
    public let path: String

    private let graph: TFLiteSubgraph
    private let steps: [Step]
    /// Per step, the computed tensors it reads for the last time (freed after it).
    private let releases: [[Int]]
    private let constants: [Int: [Float]]

    /// A value flowing through the graph: rank-4 tensors in NCHW, others flat in the file's (row-major NHWC) order.
    enum Value {
        case planes(Tensor)
        case flat(shape: [Int], data: [Float])
    }

    enum Step {
        case convolution(BiasedConvolution, input: Int, output: Int, pad: (top: Int, left: Int, bottom: Int, right: Int)?, activation: TFLiteActivation)
        case depthwise(DepthwiseConvolution, input: Int, output: Int, outHeight: Int, outWidth: Int, top: Int, left: Int, activation: TFLiteActivation)
        case prelu(input: Int, slopes: [Float], output: Int)
        case activation(input: Int, output: Int, TFLiteActivation)
        case add(Int, Int, output: Int, activation: TFLiteActivation)
        case maxPool(input: Int, output: Int, size: Int, stride: Int, top: Int, left: Int, activation: TFLiteActivation)
        case pad(input: Int, output: Int, nhwc: [[Int]])
        case reshape(input: Int, output: Int)
        case concatenation([Int], output: Int, axis: Int)
    }

    /// Compiles the main graph of `model`; throws a `FileError` naming the operator that cannot run.
    public init(model: TFLiteModel) throws {
        path = model.path
        let graph = model.main
        var steps: [Step] = []
        try model.requireOperators(in: Self.supportedOperators)
        var constants: [Int: [Float]] = [:]
        for t in graph.tensors.indices where model.isConstant(t) {
            switch graph.tensors[t].type {
            case .float32, .float16: constants[t] = try model.floatValues(of: t)
            case .int32: constants[t] = try model.int32Values(of: t).map(Float.init)
            default: break
            }
        }
        inputShapes = graph.inputs.map { graph.tensors[$0].shape }
        outputShapes = graph.outputs.map { graph.tensors[$0].shape }
        for (index, op) in graph.operators.enumerated() {
            func fail(_ problem: String) -> FileError {
                FileError(model.path, "\(op.code) cannot run: \(problem)", at: "operator \(index)")
            }
            func shape(_ t: Int) -> [Int] { graph.tensors[t].shape }
            func constant(_ t: Int, _ what: String) throws -> [Float] {
                guard t >= 0, let values = constants[t] else { throw fail("its \(what) is not a constant") }
                return values
            }
            guard op.outputs.count == 1, let output = op.outputs.first else { throw fail("it has \(op.outputs.count) outputs") }
            guard op.inputs.allSatisfy({ $0 >= 0 }) || op.code.builtin == .conv2D || op.code.builtin == .depthwiseConv2D else {
                throw fail("an input is missing")
            }
            switch (op.code.builtin, op.options) {
            case (.dequantize, _):
                guard let values = constants[op.inputs[0]] else { throw fail("only constants are dequantized here") }
                constants[output] = values
            case let (.conv2D, .conv2D(padding, strideW, strideH, activation, dilationW, dilationH)):
                let (x, y) = (shape(op.inputs[0]), shape(output))
                let filterShape = shape(op.inputs[1])
                guard x.count == 4, y.count == 4, filterShape.count == 4 else { throw fail("shapes \(x) → \(y) are not NHWC") }
                let (o, kh, kw, i) = (filterShape[0], filterShape[1], filterShape[2], filterShape[3])
                guard kh == kw, strideW == strideH, strideW >= 1, dilationW == 1, dilationH == 1, i == x[3], o == y[3] else {
                    throw fail("filter \(filterShape), strides \(strideW)×\(strideH), dilation \(dilationW)×\(dilationH) on \(x) are not supported")
                }
                let filter = try constant(op.inputs[1], "filter")
                let bias = op.inputs.count > 2 && op.inputs[2] >= 0 ? try constant(op.inputs[2], "bias") : [Float](repeating: 0, count: o)
                let pads = try Self.padding(padding, input: (x[1], x[2]), kernel: kh, stride: strideW, output: (y[1], y[2]), fail: fail)
                // OHWI → OIHW.
                var weight = [Float](repeating: 0, count: o * i * kh * kw)
                for oc in 0..<o { for r in 0..<kh { for c in 0..<kw { for ic in 0..<i {
                    weight[((oc * i + ic) * kh + r) * kw + c] = filter[((oc * kh + r) * kw + c) * i + ic]
                } } } }
                let symmetric = pads.top == pads.bottom && pads.left == pads.right && pads.top == pads.left
                let conv = BiasedConvolution(weight: weight, bias: bias, inChannels: i, outChannels: o, kernel: kh, stride: strideW,
                                             padding: symmetric ? pads.top : 0, relu: activation == .relu)
                guard conv.outputSize(x[1] + (symmetric ? 0 : pads.top + pads.bottom)) == y[1],
                      conv.outputSize(x[2] + (symmetric ? 0 : pads.left + pads.right)) == y[2] else {
                    throw fail("its output \(y) does not follow from \(x)")
                }
                steps.append(.convolution(conv, input: op.inputs[0], output: output, pad: symmetric ? nil : pads,
                                          activation: activation == .relu ? .none : activation))
            case let (.depthwiseConv2D, .depthwiseConv2D(padding, strideW, strideH, multiplier, activation, dilationW, dilationH)):
                let (x, y) = (shape(op.inputs[0]), shape(output))
                let filterShape = shape(op.inputs[1])
                guard x.count == 4, y.count == 4, filterShape.count == 4, filterShape[0] == 1, filterShape[1] == filterShape[2],
                      multiplier == 1, strideW == strideH, strideW >= 1, dilationW == 1, dilationH == 1,
                      filterShape[3] == x[3], y[3] == x[3] else {
                    throw fail("filter \(filterShape), depth multiplier \(multiplier), strides \(strideW)×\(strideH) on \(x) are not supported")
                }
                let (k, c) = (filterShape[1], x[3])
                let filter = try constant(op.inputs[1], "filter")
                let bias = op.inputs.count > 2 && op.inputs[2] >= 0 ? try constant(op.inputs[2], "bias") : [Float](repeating: 0, count: c)
                let pads = try Self.padding(padding, input: (x[1], x[2]), kernel: k, stride: strideW, output: (y[1], y[2]), fail: fail)
                // [1, k, k, C] → [C, k, k].
                var weight = [Float](repeating: 0, count: c * k * k)
                for ch in 0..<c { for r in 0..<(k * k) { weight[ch * k * k + r] = filter[r * c + ch] } }
                let conv = DepthwiseConvolution(weight: weight, bias: bias, channels: c, kernel: k, stride: strideW, relu: activation == .relu)
                steps.append(.depthwise(conv, input: op.inputs[0], output: output, outHeight: y[1], outWidth: y[2], top: pads.top, left: pads.left,
                                        activation: activation == .relu ? .none : activation))
            case (.prelu, _):
                let (x, alphaShape) = (shape(op.inputs[0]), shape(op.inputs[1]))
                let alpha = try constant(op.inputs[1], "slope")
                // Slopes per channel ([C], [1, 1, C] or [1, 1, 1, C]): the only sharing these graphs use.
                guard x.count == 4, alpha.count == x[3], alphaShape.last == x[3], shape(output) == x else {
                    throw fail("slopes of shape \(alphaShape) for \(x) are not one per channel")
                }
                steps.append(.prelu(input: op.inputs[0], slopes: alpha, output: output))
            case (.relu, _), (.relu6, _):
                guard shape(op.inputs[0]) == shape(output) else { throw fail("its output shape differs from its input's") }
                steps.append(.activation(input: op.inputs[0], output: output, op.code.builtin == .relu ? .relu : .relu6))
            case (.add, _):
                var activation = TFLiteActivation.none
                if case let .elementwise(a) = op.options { activation = a }
                guard op.inputs.count == 2, shape(op.inputs[0]).count == 4, shape(op.inputs[0]) == shape(op.inputs[1]), shape(op.inputs[0]) == shape(output),
                      constants[op.inputs[0]] == nil, constants[op.inputs[1]] == nil else {
                    throw fail("only two computed tensors of one shape are added (\(op.inputs.map(shape)))")
                }
                steps.append(.add(op.inputs[0], op.inputs[1], output: output, activation: activation))
            case let (.maxPool2D, .pool2D(padding, strideW, strideH, filterW, filterH, activation)):
                let (x, y) = (shape(op.inputs[0]), shape(output))
                guard x.count == 4, y.count == 4, filterW == filterH, strideW == strideH, strideW >= 1, x[3] == y[3] else {
                    throw fail("a \(filterW)×\(filterH) pool with strides \(strideW)×\(strideH) on \(x) is not supported")
                }
                let pads = try Self.padding(padding, input: (x[1], x[2]), kernel: filterW, stride: strideW, output: (y[1], y[2]), fail: fail)
                steps.append(.maxPool(input: op.inputs[0], output: output, size: filterW, stride: strideW, top: pads.top, left: pads.left, activation: activation))
            case (.pad, _):
                let (x, y) = (shape(op.inputs[0]), shape(output))
                let amounts: [Int] = try constant(op.inputs[1], "padding").map { Int($0) }
                let pairs: [[Int]] = amounts.count == 8 ? (0..<4).map { (axis: Int) -> [Int] in [amounts[2 * axis], amounts[2 * axis + 1]] } : []
                let fits = pairs.count == 4 && x.count == 4 && y.count == 4
                    && (0..<4).allSatisfy { (axis: Int) -> Bool in x[axis] + pairs[axis][0] + pairs[axis][1] == y[axis] }
                guard fits, amounts.allSatisfy({ $0 >= 0 }), pairs[0] == [0, 0] else {
                    throw fail("paddings \(amounts) of \(x) into \(y) are not supported")
                }
                steps.append(.pad(input: op.inputs[0], output: output, nhwc: pairs))
            case (.reshape, _):
                guard shape(op.inputs[0]).reduce(1, *) == shape(output).reduce(1, *) else {
                    throw fail("\(shape(op.inputs[0])) cannot become \(shape(output))")
                }
                steps.append(.reshape(input: op.inputs[0], output: output))
            case let (.concatenation, .concatenation(axis, activation)):
                let y = shape(output)
                let a = axis < 0 ? axis + y.count : axis
                guard activation == .none, a >= 0, a < y.count,
                      op.inputs.allSatisfy({ constants[$0] == nil && shape($0).count == y.count }),
                      op.inputs.map({ shape($0)[a] }).reduce(0, +) == y[a] else {
                    throw fail("inputs \(op.inputs.map(shape)) along axis \(axis) do not make \(y)")
                }
                steps.append(.concatenation(op.inputs, output: output, axis: a))
            default:
                throw fail("its options are not those of \(op.code)")
            }
        }
        self.constants = constants
        self.graph = graph
        self.steps = steps
        var lastUse: [Int: Int] = [:]
        for (k, step) in steps.enumerated() { for t in Self.inputs(of: step) { lastUse[t] = k } }
        let kept = Set(graph.outputs)
        releases = steps.indices.map { k in lastUse.filter { $0.value == k && !kept.contains($0.key) }.map(\.key) }
    }

    /// TensorFlow's padding before (top, left) and after (bottom, right) for an output of the declared size.
    static func padding(_ padding: TFLitePadding, input: (Int, Int), kernel: Int, stride: Int, output: (Int, Int),
                        fail: (String) -> FileError) throws -> (top: Int, left: Int, bottom: Int, right: Int) {
        func along(_ size: Int, _ out: Int) throws -> (Int, Int) {
            switch padding {
            case .valid:
                guard out == (size - kernel) / stride + 1 else { throw fail("a VALID output of \(out) does not follow from \(size)") }
                return (0, 0)
            case .same:
                guard out == (size + stride - 1) / stride else { throw fail("a SAME output of \(out) does not follow from \(size)") }
                let total = max(0, (out - 1) * stride + kernel - size)
                return (total / 2, total - total / 2)
            }
        }
        let (top, bottom) = try along(input.0, output.0)
        let (left, right) = try along(input.1, output.1)
        return (top, left, bottom, right)
    }

    /// Runs the graph on `inputs` (one flat NHWC array per input, in the file's order); returns the outputs
    /// (flat, in the file's row-major order and shapes, ``outputShapes``).
    public func run(_ inputs: [[Float]]) throws -> [[Float]] {
        guard inputs.count == graph.inputs.count else {
            throw UsageError("\(path) takes \(graph.inputs.count) inputs, not \(inputs.count)")
        }
        var values: [Int: Value] = [:]
        for (k, t) in graph.inputs.enumerated() {
            let shape = graph.tensors[t].shape
            guard inputs[k].count == shape.reduce(1, *) else {
                throw UsageError("\(path): input \(graph.tensors[t].name) takes \(shape.reduce(1, *)) values (\(shape)), not \(inputs[k].count)")
            }
            values[t] = shape.count == 4 ? .planes(Self.planes(fromNHWC: inputs[k], shape: shape)) : .flat(shape: shape, data: inputs[k])
        }
        func planes(_ t: Int) -> Tensor {
            switch values[t]! {
            case .planes(let tensor): return tensor
            case let .flat(shape, data): return Self.planes(fromNHWC: data, shape: shape)
            }
        }
        func flat(_ t: Int) -> [Float] {
            switch values[t]! {
            case .planes(let tensor): return Self.nhwc(fromPlanes: tensor)
            case .flat(_, let data): return data
            }
        }
        for (k, step) in steps.enumerated() {
            defer { for t in releases[k] { values[t] = nil } }
            switch step {
            case let .convolution(conv, input, output, pad, activation):
                var x = planes(input)
                if let pad { x = x.zeroPadded(top: pad.top, left: pad.left, bottom: pad.bottom, right: pad.right) }
                values[output] = .planes(Self.activate(conv.forward(x), activation))
            case let .depthwise(conv, input, output, outHeight, outWidth, top, left, activation):
                values[output] = .planes(Self.activate(conv.forward(planes(input), outHeight: outHeight, outWidth: outWidth, top: top, left: left), activation))
            case let .prelu(input, slopes, output):
                var x = planes(input)
                let plane = x.shape[2] * x.shape[3], channels = x.shape[1]
                x.data.withUnsafeMutableBufferPointer { p in
                    for q in 0..<(x.shape[0] * channels) {
                        let a = slopes[q % channels]
                        for i in (q * plane)..<((q + 1) * plane) { p[i] = max(p[i], 0) + a * min(p[i], 0) }
                    }
                }
                values[output] = .planes(x)
            case let .activation(input, output, activation):
                switch values[input]! {
                case .planes(let x): values[output] = .planes(Self.activate(x, activation))
                case let .flat(shape, data): values[output] = .flat(shape: shape, data: Self.activate(Tensor(shape: [data.count], data: data), activation).data)
                }
            case let .add(a, b, output, activation):
                var x = planes(a)
                let y = planes(b)
                x.data.withUnsafeMutableBufferPointer { p in
                    y.data.withUnsafeBufferPointer { q in for i in 0..<p.count { p[i] += q[i] } }
                }
                values[output] = .planes(Self.activate(x, activation))
            case let .maxPool(input, output, size, stride, top, left, activation):
                let shape = graph.tensors[output].shape
                values[output] = .planes(Self.activate(Self.maxPool(planes(input), outHeight: shape[1], outWidth: shape[2], size: size, stride: stride, top: top, left: left), activation))
            case let .pad(input, output, nhwc):
                let x = planes(input)
                var y = x.zeroPadded(top: nhwc[1][0], left: nhwc[2][0], bottom: nhwc[1][1], right: nhwc[2][1])
                if nhwc[3][0] > 0 || nhwc[3][1] > 0 {
                    let plane = y.shape[2] * y.shape[3], (n, c) = (y.shape[0], y.shape[1]), cp = c + nhwc[3][0] + nhwc[3][1]
                    var data = [Float](repeating: 0, count: n * cp * plane)
                    for image in 0..<n {
                        for ch in 0..<c {
                            let from = (image * c + ch) * plane, to = (image * cp + ch + nhwc[3][0]) * plane
                            data.replaceSubrange(to..<(to + plane), with: y.data[from..<(from + plane)])
                        }
                    }
                    y = Tensor(shape: [n, cp, y.shape[2], y.shape[3]], data: data)
                }
                values[output] = .planes(y)
            case let .reshape(input, output):
                values[output] = .flat(shape: graph.tensors[output].shape, data: flat(input))
            case let .concatenation(inputs, output, axis):
                let shape = graph.tensors[output].shape
                let outer = shape[..<axis].reduce(1, *), inner = shape[(axis + 1)...].reduce(1, *)
                let parts = inputs.map { (flat($0), graph.tensors[$0].shape[axis] * inner) }
                var data: [Float] = []
                data.reserveCapacity(shape.reduce(1, *))
                for o in 0..<outer { for (values, width) in parts { data += values[(o * width)..<((o + 1) * width)] } }
                values[output] = .flat(shape: shape, data: data)
            }
        }
        return graph.outputs.map(flat)
    }

    /// The tensors a step reads.
    static func inputs(of step: Step) -> [Int] {
        switch step {
        case let .convolution(_, input, _, _, _), let .depthwise(_, input, _, _, _, _, _, _), let .prelu(input, _, _),
             let .activation(input, _, _), let .maxPool(input, _, _, _, _, _, _), let .pad(input, _, _), let .reshape(input, _):
            return [input]
        case let .add(a, b, _, _): return [a, b]
        case let .concatenation(inputs, _, _): return inputs
        }
    }

    static func activate(_ x: Tensor, _ activation: TFLiteActivation) -> Tensor {
        switch activation {
        case .relu: return Tensor(shape: x.shape, data: x.data.map { max(0, $0) })
        case .relu6: return Tensor(shape: x.shape, data: x.data.map { min(6, max(0, $0)) })
        default: return x
        }
    }

    static func maxPool(_ x: Tensor, outHeight ho: Int, outWidth wo: Int, size: Int, stride: Int, top: Int, left: Int) -> Tensor {
        let (planes, h, w) = (x.shape[0] * x.shape[1], x.shape[2], x.shape[3])
        var out = [Float](repeating: -.infinity, count: planes * ho * wo)
        for p in 0..<planes {
            for y in 0..<ho {
                for xo in 0..<wo {
                    var m = -Float.infinity
                    for ky in 0..<size {
                        let iy = y * stride + ky - top
                        guard iy >= 0, iy < h else { continue }
                        for kx in 0..<size {
                            let ix = xo * stride + kx - left
                            if ix >= 0, ix < w { m = max(m, x.data[(p * h + iy) * w + ix]) }
                        }
                    }
                    out[(p * ho + y) * wo + xo] = m
                }
            }
        }
        return Tensor(shape: [x.shape[0], x.shape[1], ho, wo], data: out)
    }

    /// NHWC `[N, H, W, C]` values as an NCHW tensor.
    static func planes(fromNHWC data: [Float], shape: [Int]) -> Tensor {
        let (n, h, w, c) = (shape[0], shape[1], shape[2], shape[3])
        var out = [Float](repeating: 0, count: data.count)
        for image in 0..<n { for y in 0..<h { for x in 0..<w { for ch in 0..<c {
            out[((image * c + ch) * h + y) * w + x] = data[((image * h + y) * w + x) * c + ch]
        } } } }
        return Tensor(shape: [n, c, h, w], data: out)
    }

    /// An NCHW tensor's values in NHWC order.
    static func nhwc(fromPlanes t: Tensor) -> [Float] {
        let (n, c, h, w) = (t.shape[0], t.shape[1], t.shape[2], t.shape[3])
        var out = [Float](repeating: 0, count: t.count)
        for image in 0..<n { for ch in 0..<c { for y in 0..<h { for x in 0..<w {
            out[((image * h + y) * w + x) * c + ch] = t.data[((image * c + ch) * h + y) * w + x]
        } } } }
        return out
    }
}
