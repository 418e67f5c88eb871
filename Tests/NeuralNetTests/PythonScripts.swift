import FaceAtlasTestSupport
import Foundation

/// Python programs the tests run (python3 with numpy; no PyTorch needed).
enum PythonScripts {
    /// Runs `script` with `arguments` in python3 and returns its standard output.
    static func run(_ script: String, _ arguments: [String]) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("faceatlas-nn-\(UUID().uuidString).py")
        try script.write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        return try TestProcess.run(["python3", url.path] + arguments, timeout: 120)
    }

    /// A fresh temporary folder.
    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("faceatlas-nn-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Reads safetensors by hand (no library).
    static let safetensorsReader = """
        import json, struct, numpy as np
        def load_safetensors(path):
            raw = open(path, 'rb').read()
            n = struct.unpack('<Q', raw[:8])[0]
            header = json.loads(raw[8:8 + n])
            out = {}
            for name, info in header.items():
                if name == '__metadata__':
                    continue
                begin, end = info['data_offsets']
                dtype = {'F32': np.float32, 'I64': np.int64}[info['dtype']]
                out[name] = np.frombuffer(raw[8 + n + begin:8 + n + end], dtype=dtype).reshape(info['shape'])
            return out
        """

    /// A NumPy ResNet-18 (torchvision layout) in float64: `weights.safetensors input.npy output.npy train|eval`.
    static let numpyResNet = safetensorsReader + """

        import sys
        W = load_safetensors(sys.argv[1])
        x = np.load(sys.argv[2]).astype(np.float64)
        training = sys.argv[4] == 'train'

        def conv(x, w, stride, pad):
            n, c, h, wd = x.shape
            o, _, k, _ = w.shape
            xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
            ho, wo = (h + 2 * pad - k) // stride + 1, (wd + 2 * pad - k) // stride + 1
            out = np.zeros((n, o, ho, wo))
            for ky in range(k):
                for kx in range(k):
                    patch = xp[:, :, ky:ky + stride * (ho - 1) + 1:stride, kx:kx + stride * (wo - 1) + 1:stride]
                    out += np.einsum('nchw,oc->nohw', patch, w[:, :, ky, kx].astype(np.float64))
            return out

        def bn(x, p):
            if training:
                mean = x.mean(axis=(0, 2, 3)); var = x.var(axis=(0, 2, 3))
            else:
                mean = W[p + 'running_mean'].astype(np.float64); var = W[p + 'running_var'].astype(np.float64)
            s = lambda v: v[None, :, None, None]
            return (x - s(mean)) / np.sqrt(s(var) + 1e-5) * s(W[p + 'weight']) + s(W[p + 'bias'])

        relu = lambda v: np.maximum(v, 0)

        def maxpool(x):
            n, c, h, w = x.shape
            xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)), constant_values=-np.inf)
            ho, wo = (h - 1) // 2 + 1, (w - 1) // 2 + 1
            out = np.full((n, c, ho, wo), -np.inf)
            for ky in range(3):
                for kx in range(3):
                    out = np.maximum(out, xp[:, :, ky:ky + 2 * (ho - 1) + 1:2, kx:kx + 2 * (wo - 1) + 1:2])
            return out

        def block(x, p, stride):
            out = relu(bn(conv(x, W[p + 'conv1.weight'], stride, 1), p + 'bn1.'))
            out = bn(conv(out, W[p + 'conv2.weight'], 1, 1), p + 'bn2.')
            if p + 'downsample.0.weight' in W:
                x = bn(conv(x, W[p + 'downsample.0.weight'], stride, 0), p + 'downsample.1.')
            return relu(out + x)

        y = maxpool(relu(bn(conv(x, W['conv1.weight'], 2, 3), 'bn1.')))
        for layer in range(1, 5):
            for b in range(2):
                y = block(y, 'layer%d.%d.' % (layer, b), 2 if layer > 1 and b == 0 else 1)
        features = y.mean(axis=(2, 3))
        logits = features @ W['fc.weight'].astype(np.float64).T + W['fc.bias']
        np.save(sys.argv[3], logits)
        """

    /// Writes PyTorch checkpoints exactly as `torch.save` lays them out, without PyTorch: fake
    /// `torch` modules give the pickler the same globals, and `persistent_id` emits the same storage ids.
    /// Usage: `MODE OUT [weights.safetensors | marker]`.
    static let torchWriter = safetensorsReader + """

        import collections, io, os, pickle, sys, types, zipfile
        torch = types.ModuleType('torch'); utils = types.ModuleType('torch._utils')
        torch._utils = utils
        sys.modules['torch'] = torch; sys.modules['torch._utils'] = utils
        def _rebuild_tensor_v2(*args):
            raise RuntimeError('never called')
        _rebuild_tensor_v2.__module__ = 'torch._utils'
        utils._rebuild_tensor_v2 = _rebuild_tensor_v2
        def storage_class(name):
            cls = type(name, (), {})
            cls.__module__ = 'torch'
            setattr(torch, name, cls)
            return cls
        FloatStorage, LongStorage = storage_class('FloatStorage'), storage_class('LongStorage')

        class Storage:
            def __init__(self, key, array):
                self.key, self.array = key, np.ascontiguousarray(array).reshape(-1)
                self.cls = FloatStorage if array.dtype == np.float32 else LongStorage

        class Tensor:
            def __init__(self, storage, offset, shape, stride):
                self.storage, self.offset, self.shape, self.stride = storage, offset, shape, stride
            def __reduce_ex__(self, protocol):
                return (_rebuild_tensor_v2, (self.storage, self.offset, tuple(self.shape), tuple(self.stride), False,
                                             collections.OrderedDict()))

        def contiguous(storage, shape):
            stride, s = [], 1
            for d in reversed(shape):
                stride.insert(0, s); s *= d
            return Tensor(storage, 0, list(shape), stride)

        class TorchPickler(pickle.Pickler):
            def persistent_id(self, obj):
                if isinstance(obj, Storage):
                    return ('storage', obj.cls, obj.key, 'cpu', obj.array.size)
                return None

        def save(obj, path, storages, protocol=2):
            buffer = io.BytesIO()
            TorchPickler(buffer, protocol=protocol).dump(obj)
            with zipfile.ZipFile(path, 'w', zipfile.ZIP_STORED) as z:
                z.writestr('archive/data.pkl', buffer.getvalue())
                z.writestr('archive/byteorder', 'little')
                for s in storages:
                    z.writestr('archive/data/' + s.key, s.array.astype(s.array.dtype.newbyteorder('<')).tobytes())
                z.writestr('archive/version', '3\\n')
                z.writestr('archive/.data/serialization_id', '0123456789')

        def state_dict(weights, prefix=''):
            sd, storages = collections.OrderedDict(), []
            for i, (name, array) in enumerate(weights.items()):
                s = Storage(str(i), array)
                storages.append(s)
                sd[prefix + name] = contiguous(s, array.shape)
            sd._metadata = collections.OrderedDict([('', {'version': 1}), ('conv1', {'version': 1})])
            return sd, storages

        mode, out = sys.argv[1], sys.argv[2]
        if mode == 'torchvision':
            sd, storages = state_dict(load_safetensors(sys.argv[3]))
            save(sd, out, storages)
        elif mode == 'emoface':
            sd, storages = state_dict(load_safetensors(sys.argv[3]), prefix='module.')
            checkpoint = {'epoch': 12, 'best_accuracy': 0.875, 'model_state_dict': sd,
                          'optimizer_state_dict': {'state': {}, 'param_groups': [{'lr': 0.01, 'momentum': 0.9,
                                                   'nesterov': False, 'params': [0, 1, 2]}]}}
            save(checkpoint, out, storages)
        elif mode == 'strided':
            s = Storage('7', np.arange(12, dtype=np.float32))
            big = Storage('8', np.array([-5, 2**40], dtype=np.int64))
            t = Tensor(s, 1, [3, 2], [1, 3])       # a transposed view starting at element 1
            save({'view': t, 'same': Tensor(s, 0, [12], [1]), 'count': Tensor(big, 1, [], []),
                  'note': 'text', 'flags': (True, None, 1.5)}, out, [s, big], protocol=4)
        elif mode == 'os-system':
            class Evil:
                def __reduce__(self):
                    return (os.system, ('touch ' + sys.argv[3],))
            save({'weight': Evil()}, out, [])
        elif mode == 'eval':
            class Evil:
                def __reduce__(self):
                    return (eval, ("open(%r, 'w').write('ran')" % sys.argv[3],))
            save(collections.OrderedDict([('weight', Evil())]), out, [], protocol=4)
        elif mode == 'call-storage':
            class Odd:
                def __reduce__(self):
                    return (FloatStorage, ())
            save({'weight': Odd()}, out, [])
        """
}
