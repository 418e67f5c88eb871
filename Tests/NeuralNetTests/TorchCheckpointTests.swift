import FaceAtlasCore
import Foundation
import NeuralNet
import Testing

@Suite("PyTorch checkpoints through the restricted unpickler")
struct TorchCheckpointTests {
    /// Writes the safetensors of `net` and turns it into a checkpoint of `mode` with the Python writer.
    static func checkpoint(_ mode: String, net: ResNet18, in folder: URL) throws -> URL {
        let weights = folder.appendingPathComponent("w.safetensors")
        try Safetensors.write(net.stateDictionary(), to: weights)
        let url = folder.appendingPathComponent("\(mode).pth")
        _ = try PythonScripts.run(PythonScripts.torchWriter, [mode, url.path, weights.path])
        return url
    }

    @Test("a torchvision resnet18 state dict (with _metadata) loads one to one, num_batches_tracked included")
    func torchvisionLayout() throws {
        let folder = try PythonScripts.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let source = try ReferenceForwardTests.network(seed: 8)
        source.bn1.batchesTracked = 1234
        let url = try Self.checkpoint("torchvision", net: source, in: folder)
        let target = ResNet18(ResNetConfiguration(baseWidth: 4, classes: 5), seed: 99)
        let archive = try WeightArchive.read(url)
        try target.load(archive.state, source: url.path)
        let sameNames = target.stateDictionary().map(\.name) == source.stateDictionary().map(\.name)
        let sameValues = target.stateDictionary().map(\.tensor) == source.stateDictionary().map(\.tensor)
        #expect(sameNames && sameValues)
        #expect(target.bn1.batchesTracked == 1234)
    }

    @Test("the Emoface layout: model_state_dict with a module. prefix beside epoch and optimizer state")
    func emofaceLayout() throws {
        let folder = try PythonScripts.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let source = try ReferenceForwardTests.network(seed: 9)
        let url = try Self.checkpoint("emoface", net: source, in: folder)
        let state = try TorchCheckpoint.readStateDictionary(url)
        let expected = source.stateDictionary().sorted { $0.name < $1.name }
        let sameNames = state.map(\.name).sorted() == expected.map(\.name)
        let sameValues = state.sorted { $0.name < $1.name }.map(\.tensor) == expected.map(\.tensor)
        #expect(sameNames && sameValues)
        guard case .dict(let top) = try TorchCheckpoint.readObject(url), case .int(12)? = top["epoch"],
              case .float(let accuracy)? = top["best_accuracy"] else {
            Issue.record("the checkpoint's epoch and accuracy were not read")
            return
        }
        #expect(accuracy == 0.875)
    }

    @Test("strided views, shared storages, int64 beyond 32 bits, protocol 4 opcodes and plain values")
    func stridedViews() throws {
        let folder = try PythonScripts.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("strided.pt")
        _ = try PythonScripts.run(PythonScripts.torchWriter, ["strided", url.path])
        guard case .dict(let top) = try TorchCheckpoint.readObject(url) else {
            Issue.record("not a dict")
            return
        }
        guard case .tensor(let view)? = top["view"], case .tensor(let same)? = top["same"], case .tensor(let count)? = top["count"],
              case .string("text")? = top["note"], case .tuple(let flags)? = top["flags"] else {
            Issue.record("values missing")
            return
        }
        #expect(view == StateTensor(shape: [3, 2], floats: [1, 4, 2, 5, 3, 6]))
        #expect(same.floatValues == (0..<12).map(Float.init))
        #expect(count == StateTensor(shape: [], int64: [1 << 40]))
        if case .bool(true) = flags[0], case .none = flags[1], case .float(1.5) = flags[2] {} else { Issue.record("flags \(flags)") }
    }

    @Test("malicious checkpoints are refused, naming the file and the global, and nothing runs", arguments: [
        ("os-system", "system"), ("eval", "builtins.eval"), ("call-storage", "torch.FloatStorage"),
    ])
    func refusesCode(mode: String, global: String) throws {
        let folder = try PythonScripts.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("\(mode).pth")
        let marker = folder.appendingPathComponent("marker")
        _ = try PythonScripts.run(PythonScripts.torchWriter, [mode, url.path, marker.path])
        #expect(!FileManager.default.fileExists(atPath: marker.path))
        #expect {
            _ = try WeightArchive.read(url)
        } throws: { error in
            let text = "\(error)"
            return text.contains(url.path) && text.contains(global) && text.contains("refused")
        }
        #expect(!FileManager.default.fileExists(atPath: marker.path), "the payload must not have run")
    }

    @Test("damaged checkpoints: unknown opcode, missing storage, wrong storage size, legacy format")
    func damaged() throws {
        let folder = try PythonScripts.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let script = """
            import sys, zipfile
            def z(name, pkl, files={}):
                with zipfile.ZipFile(sys.argv[1] + '/' + name, 'w') as f:
                    f.writestr('archive/data.pkl', pkl)
                    for k, v in files.items():
                        f.writestr(k, v)
            z('opcode.pth', b'\\x80\\x02\\x8f.')
            # {'w': rebuild(storage '0' of 4 floats)} with the storage missing or the wrong size
            pkl = (b'\\x80\\x02}q\\x00X\\x01\\x00\\x00\\x00wctorch._utils\\n_rebuild_tensor_v2\\n((X\\x07\\x00\\x00\\x00storage'
                   b'ctorch\\nFloatStorage\\nX\\x01\\x00\\x00\\x000X\\x03\\x00\\x00\\x00cpuK\\x04tQK\\x00K\\x04\\x85K\\x01\\x85\\x89'
                   b'}tRs.')
            z('missing.pth', pkl)
            z('short.pth', pkl, {'archive/data/0': b'\\x00' * 12})
            z('good.pth', pkl, {'archive/data/0': b'\\x00' * 16})
            open(sys.argv[1] + '/legacy.pth', 'wb').write(b'\\x80\\x02\\x8a\\x0alp\\x1d\\x00')
            """
        _ = try PythonScripts.run(script, [folder.path])
        let good = try TorchCheckpoint.readStateDictionary(folder.appendingPathComponent("good.pth"))
        #expect(good.map(\.name) == ["w"] && good.first?.tensor == StateTensor(shape: [4], floats: [0, 0, 0, 0]))
        for (file, problem) in [("opcode.pth", "opcode 0x8f"), ("missing.pth", "missing"), ("short.pth", "holds 12 bytes"),
                                ("legacy.pth", "legacy")] {
            let url = folder.appendingPathComponent(file)
            #expect {
                _ = try WeightArchive.read(url)
            } throws: { error in
                "\(error)".contains(url.path) && "\(error)".contains(problem)
            }
        }
    }
}
