import Foundation
import Testing
@testable import NumPyFormat

/// What NumPy reports about one array it loaded.
private struct LoadedByNumPy: Decodable {
    var descr: String
    var shape: [Int]
    var fortran: Bool
    /// The bytes in C order, little-endian.
    var hex: String
    /// `repr(arr.tolist())`, for integer, bool and string arrays.
    var repr: String?
    /// The sum as float64, for numeric arrays.
    var sum: Double?
}

/// Python that loads every file named on the command line with `numpy.load(allow_pickle=False)`
/// and prints a JSON object describing each array.
private let describeInNumPy = #"""
import json, sys
import numpy as np

def describe(arr):
    c = np.ascontiguousarray(arr)
    little = c.astype(c.dtype.newbyteorder('<'), copy=False)
    info = {'descr': arr.dtype.str, 'shape': list(arr.shape),
            'fortran': bool(arr.flags.f_contiguous and not arr.flags.c_contiguous),
            'hex': little.tobytes().hex()}
    if arr.dtype.kind in 'biuU':
        info['repr'] = repr(arr.tolist())
    if arr.dtype.kind in 'biuf':
        with np.errstate(all='ignore'):
            total = float(arr.astype(np.float64).sum())
        if np.isfinite(total):
            info['sum'] = total
    return info

result = {}
for path in sys.argv[1:]:
    loaded = np.load(path, allow_pickle=False)
    if isinstance(loaded, np.ndarray):
        result[path] = describe(loaded)
    else:
        with loaded:
            result[path + ':order'] = {'descr': '', 'shape': [], 'fortran': False, 'hex': '',
                                      'repr': repr(list(loaded.files))}
            for name in loaded.files:
                result[path + ':' + name] = describe(loaded[name])
print(json.dumps(result))
"""#

/// The Python `repr` of `array.tolist()` for integer, bool and string arrays, built from
/// FaceAtlas's own accessors.
private func pythonRepr(_ array: NumPyArray) throws -> String? {
    let items: [String]
    switch array.dtype.scalar {
    case .bool: items = try array.bools().map { $0 ? "True" : "False" }
    case .float32, .float64: return nil
    case .uint64: items = try array.ints().map(String.init)  // the samples stay below Int.max except one
    case .unicode: items = try array.strings().map { "'\($0)'" }
    default: items = try array.ints().map(String.init)
    }
    func nest(_ items: ArraySlice<String>, _ shape: ArraySlice<Int>) -> String {
        guard let first = shape.first else { return items.first ?? "" }
        let inner = shape.dropFirst().reduce(1, *)
        let parts = (0..<first).map { index in
            nest(items.dropFirst(index * inner).prefix(inner), shape.dropFirst())
        }
        return "[" + parts.joined(separator: ", ") + "]"
    }
    return nest(items[...], array.shape[...])
}

@Suite("Interoperability with NumPy")
struct NumPyInteropTests {
    @Test("FaceAtlas-written .npy and .npz files (stored and compressed) load in NumPy with the same values")
    func faceAtlasFilesLoadInNumPy() throws {
        let folder = try TemporaryFolder()
        var paths: [String] = []
        for sample in Sample.all {
            let url = folder.file(sample.name + ".npy")
            try NPYFormat.write(sample.array, to: url)
            paths.append(url.path)
        }
        let arrays = Sample.all.map { (name: $0.name, array: $0.array) }
        let stored = folder.file("stored.npz"), compressed = folder.file("compressed.npz")
        try NPZArchive.write(arrays, to: stored, compressed: false)
        try NPZArchive.write(arrays, to: compressed, compressed: true)
        paths += [stored.path, compressed.path]

        let loaded = try Python.json([String: LoadedByNumPy].self, describeInNumPy, paths)
        let names = "[" + Sample.all.map { "'\($0.name)'" }.joined(separator: ", ") + "]"
        #expect(loaded[stored.path + ":order"]?.repr == names)
        #expect(loaded[compressed.path + ":order"]?.repr == names)
        for sample in Sample.all {
            let keys = [folder.file(sample.name + ".npy").path, stored.path + ":" + sample.name,
                        compressed.path + ":" + sample.name]
            for key in keys {
                guard let numpy = loaded[key] else {
                    Issue.record("NumPy did not report \(key)")
                    continue
                }
                #expect(numpy.descr == sample.array.dtype.descr, "\(key)")
                #expect(numpy.shape == sample.array.shape, "\(key)")
                #expect(numpy.fortran == false, "\(key)")
                #expect(numpy.hex == sample.array.rawData.hex, "\(key)")
                if sample.array.dtype.scalar != .uint64 {
                    #expect(numpy.repr == (try pythonRepr(sample.array)), "\(key)")
                }
                if let sum = numpy.sum {
                    let ours = try sample.array.doubles().reduce(0, +)
                    #expect(abs(sum - ours) <= 1e-9 * max(1, abs(ours)), "\(key): NumPy sum \(sum), ours \(ours)")
                }
            }
        }
        #expect(loaded[folder.file("uint64.npy").path]?.repr == "[0, 18446744073709551615]")
        #expect(loaded[folder.file("float32.npy").path]?.sum == nil)  // holds ±infinity
        #expect(loaded[folder.file("int32.npy").path]?.sum == 41)  // min + max = -1
    }

    @Test("NumPy-written files of every dtype, order, version and container load with exact values")
    func numPyFilesLoadInFaceAtlas() throws {
        let folder = try TemporaryFolder()
        let script = #"""
import sys, json
import numpy as np
from numpy.lib import format as fmt
out = sys.argv[1]
arrays = {
    'f4': np.array([[0.5, -1.25], [3.0, 1e-3]], dtype='<f4'),
    'f8': np.array([0.1, -2.5, 1e300], dtype='<f8'),
    'f8_big': np.array([1.5, -0.25, 1e10], dtype='>f8'),
    'i1': np.array([-128, 0, 127], dtype='i1'),
    'i2': np.array([-32768, 7, 32767], dtype='<i2'),
    'i4_big': np.array([[1, -2], [3, -4]], dtype='>i4'),
    'i8': np.array([-2**63, 0, 2**63 - 1], dtype='<i8'),
    'u1': np.array([0, 200, 255], dtype='u1'),
    'u2': np.array([0, 65535], dtype='<u2'),
    'u4': np.array([0, 4000000000], dtype='<u4'),
    'u8': np.array([0, 2**63 - 1], dtype='<u8'),
    'b1': np.array([True, False, True, True]),
    'fortran': np.asfortranarray(np.arange(24, dtype='<i4').reshape(2, 3, 4)),
    'fortran_f8_big': np.asfortranarray(np.arange(6, dtype='>f8').reshape(2, 3)),
    'unicode': np.array(['', 'a', 'héllo', '日本語', '😀']),
    'unicode_2d_big': np.array([['ab', 'c'], ['dé', 'f']], dtype='>U2'),
    'scalar': np.float64(3.25),
    'scalar_string': np.array('{"fps": 30}'),
    'empty': np.zeros((0, 3), dtype='<f4'),
    'empty_i8': np.zeros((2, 0), dtype='<i8'),
}
for name, arr in arrays.items():
    np.save(f'{out}/{name}.npy', arr)
with open(f'{out}/v2.npy', 'wb') as f:
    fmt.write_array(f, np.array([1.0, 2.0, 3.0], dtype='<f4'), version=(2, 0))
with open(f'{out}/v3.npy', 'wb') as f:
    fmt.write_array(f, np.array(['ü', 'ß'], dtype='<U1'), version=(3, 0))
np.savez(f'{out}/savez.npz', 'positional', x=arrays['f4'], meta=arrays['scalar_string'], b=arrays['b1'])
np.savez_compressed(f'{out}/savez_compressed.npz', x=arrays['f4'], meta=arrays['scalar_string'], fortran=arrays['fortran'],
                    **{'größe': arrays['i1']})
print(json.dumps({name: np.ascontiguousarray(arr).astype(arr.dtype.newbyteorder('<')).tobytes().hex()
                  for name, arr in arrays.items()}))
"""#
        let hexes = try Python.json([String: String].self, script, [folder.url.path])
        func load(_ name: String) throws -> NumPyArray {
            let array = try NPYFormat.read(folder.file(name + ".npy"))
            if let hex = hexes[name] {
                #expect(try array.canonical().rawData.hex == hex, "\(name)")
            }
            return array
        }

        #expect(try load("f4").floats() == [0.5, -1.25, 3.0, 1e-3])
        #expect(try load("f4").shape == [2, 2])
        #expect(try load("f8").doubles() == [0.1, -2.5, 1e300])
        let big = try load("f8_big")
        #expect(big.dtype.descr == ">f8" && big.dtype.bigEndian)
        #expect(try big.doubles() == [1.5, -0.25, 1e10])
        #expect(try load("i1").ints() == [-128, 0, 127])
        #expect(try load("i1").dtype.descr == "|i1")
        #expect(try load("i2").ints() == [-32768, 7, 32767])
        #expect(try load("i4_big").ints() == [1, -2, 3, -4])
        #expect(try load("i4_big").dtype == NumPyDType(.int32, bigEndian: true))
        #expect(try load("i8").ints() == [Int.min, 0, Int.max])
        #expect(try load("u1").bytes() == [0, 200, 255])
        #expect(try load("u2").ints() == [0, 65535])
        #expect(try load("u4").ints() == [0, 4_000_000_000])
        #expect(try load("u8").ints() == [0, Int.max])
        #expect(try load("b1").bools() == [true, false, true, true])
        #expect(try load("b1").dtype.descr == "|b1")
        let fortran = try load("fortran")
        #expect(fortran.fortranOrder && fortran.shape == [2, 3, 4])
        #expect(try fortran.ints() == Array(0..<24))
        let fortranBig = try load("fortran_f8_big")
        #expect(fortranBig.fortranOrder && fortranBig.dtype.descr == ">f8")
        #expect(try fortranBig.doubles() == [0, 1, 2, 3, 4, 5])
        #expect(try load("unicode").strings() == ["", "a", "héllo", "日本語", "😀"])
        #expect(try load("unicode").dtype.descr == "<U5")
        let unicodeBig = try load("unicode_2d_big")
        #expect(unicodeBig.dtype.descr == ">U2")
        #expect(try unicodeBig.strings() == ["ab", "c", "dé", "f"])
        let scalar = try load("scalar")
        #expect(scalar.shape == [] && scalar.count == 1)
        #expect(try scalar.doubles() == [3.25])
        #expect(try load("scalar_string").scalarString() == #"{"fps": 30}"#)
        let empty = try load("empty")
        #expect(empty.shape == [0, 3] && empty.count == 0 && empty.rawData.isEmpty)
        #expect(try empty.floats() == [])
        #expect(try load("empty_i8").ints() == [])
        #expect(try load("v2").floats() == [1, 2, 3])
        #expect(try Data(contentsOf: folder.file("v2.npy"))[6] == 2)
        #expect(try load("v3").strings() == ["ü", "ß"])
        #expect(try Data(contentsOf: folder.file("v3.npy"))[6] == 3)

        let stored = try NPZArchive.read(folder.file("savez.npz"))
        // NumPy writes keyword arrays first, then positional ones; FaceAtlas keeps archive order.
        #expect(stored.map(\.name) == ["x", "meta", "b", "arr_0"])
        guard stored.count == 4 else { return }
        #expect(try stored[0].array.floats() == [0.5, -1.25, 3.0, 1e-3])
        #expect(try stored[1].array.scalarString() == #"{"fps": 30}"#)
        #expect(try stored[2].array.bools() == [true, false, true, true])
        #expect(try stored[3].array.scalarString() == "positional")
        let compressed = try NPZArchive.readDictionary(folder.file("savez_compressed.npz"))
        #expect(Set(compressed.keys) == ["x", "meta", "fortran", "größe"])
        #expect(try compressed["größe"]?.ints() == [-128, 0, 127])
        #expect(try compressed["x"]?.floats() == [0.5, -1.25, 3.0, 1e-3])
        #expect(try compressed["meta"]?.scalarString() == #"{"fps": 30}"#)
        #expect(try compressed["fortran"]?.ints() == Array(0..<24))
    }

    @Test("the NumPy-written seed corpus decodes to its exact values")
    func corpus() throws {
        let fortran = try NPYFormat.decode(Corpus.data("f8_fortran_bigendian.npy"), source: "f8_fortran_bigendian.npy")
        #expect(fortran.dtype.descr == ">f8" && fortran.fortranOrder && fortran.shape == [2, 3])
        #expect(try fortran.doubles().map(\.bitPattern) == [0.5, -1.25, 3.0, 1e10, -0.0, 2.5e-3].map(\.bitPattern))
        let text = try NPYFormat.decode(Corpus.data("unicode_2d.npy"), source: "unicode_2d.npy")
        #expect(text.shape == [2, 2] && text.dtype.descr == "<U5")
        #expect(try text.strings() == ["a", "héllo", "日本", "😀"])
        let v3 = try NPYFormat.decode(Corpus.data("i2_version3.npy"), source: "i2_version3.npy")
        #expect(try v3.ints() == [-32768, -1, 0, 1, 32767])
        let v2 = try NPYFormat.read(Corpus.url("u4_version2.npy"))
        #expect(v2.shape == [3, 2] && v2.dtype.descr == "<u4")
        #expect(try v2.ints() == [0, 1, 2, 3, 4, 5])
        let flag = try NPYFormat.decode(Corpus.data("bool_0d.npy"), source: "bool_0d.npy")
        #expect(flag.shape == [] && flag.dtype.descr == "|b1")
        #expect(try flag.bools() == [true])
        for name in ["savez.npz", "savez_compressed.npz"] {
            let arrays = try NPZArchive.read(Corpus.url(name))
            #expect(arrays.map(\.name) == ["shape", "exp", "flags", "meta"], "\(name)")
            guard arrays.count == 4 else { continue }
            #expect(try arrays[0].array.floats() == [-1, -0.5, 0, 0.5, 1])
            #expect(try arrays[1].array.doubles() == [0, 1, 2, 3, 4, 5] && arrays[1].array.shape == [2, 3])
            #expect(try arrays[2].array.bools() == [true, false, true])
            #expect(try arrays[3].array.scalarString() == #"{"schema": 1, "units": "mm"}"#)
        }
    }
}
