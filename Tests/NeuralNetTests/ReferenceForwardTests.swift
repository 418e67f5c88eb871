import FaceAtlasCore
import Foundation
import NeuralNet
import NumPyFormat
import Numerics
import Testing

@Suite("ResNet-18 forward pass against a NumPy reference")
struct ReferenceForwardTests {
    /// A small ResNet-18 with non-trivial batch-norm parameters and statistics.
    static func network(seed: UInt64) throws -> ResNet18 {
        let net = ResNet18(ResNetConfiguration(baseWidth: 4, classes: 5), seed: seed)
        var generator = SeededGenerator(seed: seed + 1)
        var state = net.stateDictionary()
        for i in state.indices {
            let name = state[i].name
            let count = state[i].tensor.count
            func values(_ range: ClosedRange<Float>) -> [Float] { (0..<count).map { _ in Float.random(in: range, using: &generator) } }
            if name.hasSuffix("running_var") { state[i].tensor = StateTensor(shape: [count], floats: values(0.5...1.5)) }
            if name.hasSuffix("running_mean") { state[i].tensor = StateTensor(shape: [count], floats: values(-0.2...0.2)) }
            if name.contains("bn") || name.contains("downsample.1") {
                if name.hasSuffix(".weight") { state[i].tensor = StateTensor(shape: [count], floats: values(0.5...1.5)) }
                if name.hasSuffix(".bias") { state[i].tensor = StateTensor(shape: [count], floats: values(-0.2...0.2)) }
            }
        }
        try net.load(state, source: "test")
        return net
    }

    @Test("eval and training mode logits equal NumPy's to 1e-4 relative error; weights pass through safetensors",
          arguments: [false, true])
    func matchesNumPy(training: Bool) throws {
        let folder = try PythonScripts.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let net = try Self.network(seed: 21)
        let weights = folder.appendingPathComponent("w.safetensors")
        try Safetensors.write(net.stateDictionary(), to: weights)
        let x = GradientCheck.random([2, 3, 64, 48], seed: 22)
        try NPYFormat.write(NumPyArray(float32: x.data, shape: x.shape), to: folder.appendingPathComponent("x.npy"))
        _ = try PythonScripts.run(PythonScripts.numpyResNet, [weights.path, folder.appendingPathComponent("x.npy").path,
                                                              folder.appendingPathComponent("y.npy").path, training ? "train" : "eval"])
        let expected = try NPYFormat.read(folder.appendingPathComponent("y.npy")).doubles()
        let logits = net.logits(x, training: training)
        #expect(logits.shape == [2, 5])
        let error = GradientCheck.relativeError(logits.data, expected.map { Float($0) })
        #expect(error < 1e-4, "relative error \(error)")
        let spread = expected.max()! - expected.min()!
        #expect(spread > 0.1, "the logits must differ, or the comparison proves little")
    }

    @Test("safetensors round trip keeps names, order, shapes, float32 and int64 values and metadata")
    func safetensorsRoundTrip() throws {
        let folder = try PythonScripts.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let net = try Self.network(seed: 3)
        let url = folder.appendingPathComponent("w.safetensors")
        try Safetensors.write(net.stateDictionary(), metadata: ["format": "pt"], to: url)
        let (tensors, metadata) = try Safetensors.read(url)
        #expect(metadata == ["format": "pt"])
        let sameNames = tensors.map(\.name) == net.stateDictionary().map(\.name)
        let sameValues = tensors.map(\.tensor) == net.stateDictionary().map(\.tensor)
        #expect(sameNames && sameValues)
        #expect(tensors.first { $0.name == "bn1.num_batches_tracked" }?.tensor.values == .int64([0]))
    }

    @Test("safetensors reading refuses truncation, bad headers, wrong sizes, overlaps and unknown dtypes, naming the file")
    func safetensorsRefusals() throws {
        let good = try Safetensors.encode([("a", StateTensor(shape: [2], floats: [1, 2])), ("b", StateTensor(shape: [1], floats: [3]))],
                                          destination: "x")
        func header(_ json: String, data: Int) -> Data {
            var bytes = Data()
            var n = UInt64(json.utf8.count).littleEndian
            withUnsafeBytes(of: &n) { bytes.append(contentsOf: $0) }
            return bytes + Data(json.utf8) + Data(count: data)
        }
        let cases: [(Data, String)] = [
            (good.prefix(good.count - 2), "outside"),
            (Data([1, 2, 3]), "shorter"),
            (header("[1,2]", data: 0), "not a JSON object"),
            (header(#"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, data: 8), "needs 12 bytes"),
            (header(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: 8), "overlaps"),
            (header(#"{"a":{"dtype":"C64","shape":[1],"data_offsets":[0,8]}}"#, data: 8), "unsupported dtype"),
            (header(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, data: 8), "after the last tensor"),
        ]
        for (bytes, problem) in cases {
            #expect {
                _ = try Safetensors.decode(bytes, source: "/data/w.safetensors")
            } throws: { error in
                let text = "\(error)"
                return text.contains("/data/w.safetensors") && text.contains(problem)
            }
        }
    }

    @Test("the project's .npz weight file: numpy reads it without pickles; training state and meta round trip")
    func ownFormat() throws {
        let folder = try PythonScripts.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let net = try Self.network(seed: 5)
        let archive = WeightArchive(state: net.stateDictionary(),
                                    training: [("momentum/fc.weight", StateTensor(shape: [2], floats: [0.5, -1]))],
                                    meta: #"{"architecture":"resnet18","classes":["MDD","BD","HC"]}"#)
        let url = folder.appendingPathComponent("w.npz")
        try archive.writeNPZ(to: url)
        let back = try WeightArchive.read(url)
        let sameNames = back.state.map(\.name) == archive.state.map(\.name)
        let sameValues = back.state.map(\.tensor) == archive.state.map(\.tensor)
        #expect(sameNames && sameValues)
        #expect(back.training.map(\.name) == ["momentum/fc.weight"])
        #expect(back.meta == archive.meta)
        let output = try PythonScripts.run("""
            import json, sys, numpy as np
            z = np.load(sys.argv[1], allow_pickle=False)
            print(z['layer4.1.conv2.weight'].shape, z['bn1.num_batches_tracked'].dtype, json.loads(str(z['meta']))['classes'][1])
            """, [url.path])
        #expect(output.trimmingCharacters(in: .whitespacesAndNewlines) == "(32, 32, 3, 3) int64 BD")
    }
}
