import FaceAtlasCore
import Foundation
import Testing
@testable import NumPyFormat

@Suite("Round trips in Swift")
struct RoundTripTests {
    @Test("every dtype, 0-d and empty arrays survive encode and decode", arguments: Sample.all)
    func npyRoundTrip(sample: Sample) throws {
        let encoded = NPYFormat.encode(sample.array)
        #expect(Array(encoded.prefix(8)) == NPYFormat.magic + [1, 0])
        let headerLength = Int(encoded[8]) | Int(encoded[9]) << 8
        #expect((10 + headerLength) % 64 == 0, "data must start at a multiple of 64")
        #expect(encoded[10 + headerLength - 1] == 0x0A, "the header ends with a newline")
        #expect(encoded.count == 10 + headerLength + sample.array.rawData.count)
        let decoded = try NPYFormat.decode(encoded, source: "sample.npy")
        #expect(decoded == sample.array)
        #expect(decoded.count == sample.array.count)
    }

    @Test("values come back exactly through the accessors")
    func accessorsReturnTheValues() throws {
        let floats: [Float] = [0, -0.0, 1.5, .nan, .infinity, .leastNonzeroMagnitude]
        let f32 = try NPYFormat.decode(NPYFormat.encode(NumPyArray(float32: floats, shape: [6])), source: "f")
        #expect(try f32.floats().map(\.bitPattern) == floats.map(\.bitPattern))
        let doubles: [Double] = [.pi, -1e300, .leastNonzeroMagnitude, -0.0]
        let f64 = try NPYFormat.decode(NPYFormat.encode(NumPyArray(float64: doubles, shape: [2, 2])), source: "d")
        #expect(try f64.doubles().map(\.bitPattern) == doubles.map(\.bitPattern))
        #expect(try NumPyArray(int64: [.min, .max], shape: [2]).ints() == [Int.min, Int.max])
        #expect(try NumPyArray(int8: [-128, 127], shape: [2]).ints() == [-128, 127])
        #expect(try NumPyArray(int16: [-32768, 32767], shape: [2]).ints() == [-32768, 32767])
        #expect(try NumPyArray(uint16: [65535], shape: [1]).ints() == [65535])
        #expect(try NumPyArray(uint32: [4_000_000_000], shape: [1]).ints() == [4_000_000_000])
        #expect(try NumPyArray(uint64: [UInt64(Int.max)], shape: [1]).ints() == [Int.max])
        #expect(try NumPyArray(uint8: [0, 255], shape: [2]).bytes() == [0, 255])
        #expect(try NumPyArray(bool: [true, false], shape: [2]).bools() == [true, false])
        #expect(try NumPyArray(strings: ["x", "😀é", ""], shape: [3]).strings() == ["x", "😀é", ""])
        #expect(try NumPyArray(string: "{\"a\": 1}").scalarString() == "{\"a\": 1}")
        #expect(try NumPyArray(float32: [], shape: [0, 5]).floats() == [])
        #expect(NumPyArray(float32: [], shape: [0, 5]).count == 0)
        #expect(NumPyArray(float64: [1], shape: []).count == 1)
    }

    @Test("numeric accessors convert between types and refuse what does not fit")
    func conversions() throws {
        let ints = NumPyArray(int32: [1, -2, 300], shape: [3])
        #expect(try ints.floats() == [1, -2, 300])
        #expect(try ints.doubles() == [1, -2, 300])
        #expect(try ints.bools() == [true, true, true])
        #expect(throws: NumPyArrayError.self) { try ints.bytes() }  // -2 and 300 are not bytes
        #expect(throws: NumPyArrayError.self) { try ints.strings() }
        let whole = NumPyArray(float64: [1, -2, 0], shape: [3])
        #expect(try whole.ints() == [1, -2, 0])
        #expect(try whole.bools() == [true, true, false])
        #expect(try whole.floats() == [1, -2, 0])
        #expect(throws: NumPyArrayError.self) { try NumPyArray(float32: [1.5], shape: [1]).ints() }
        #expect(throws: NumPyArrayError.self) { try NumPyArray(float64: [.nan], shape: [1]).ints() }
        #expect(throws: NumPyArrayError.self) { try NumPyArray(uint64: [.max], shape: [1]).ints() }
        #expect(try NumPyArray(float64: [.nan], shape: [1]).bools() == [true])
        #expect(try NumPyArray(bool: [true, false], shape: [2]).doubles() == [1, 0])
        #expect(try NumPyArray(bool: [true, false], shape: [2]).ints() == [1, 0])
        #expect(try NumPyArray(uint8: [7], shape: [1]).floats() == [7])
        let text = NumPyArray(strings: ["a", "b"], shape: [2])
        #expect(throws: NumPyArrayError.self) { try text.floats() }
        #expect(throws: NumPyArrayError.self) { try text.ints() }
        #expect(throws: NumPyArrayError.self) { try text.bools() }
        #expect(throws: NumPyArrayError.self) { try text.scalarString() }  // two strings
        #expect(throws: NumPyArrayError.self) { try NumPyArray(float32: [1], shape: []).scalarString() }
        #expect(try NumPyArray(strings: ["only"], shape: [1]).scalarString() == "only")
    }

    @Test("big-endian Fortran-order data is read in C order and written little-endian C order")
    func bigEndianFortran() throws {
        // The 2×3 matrix [[1, 2, 3], [4, 5, 6]] stored column by column, big-endian int32.
        let columnMajor: [Int32] = [1, 4, 2, 5, 3, 6]
        let raw = Data(columnMajor.flatMap { value in withUnsafeBytes(of: value.bigEndian, Array.init) })
        let array = try NumPyArray(dtype: NumPyDType(.int32, bigEndian: true), shape: [2, 3], fortranOrder: true, rawData: raw)
        #expect(array.dtype.descr == ">i4")
        #expect(try array.ints() == [1, 2, 3, 4, 5, 6])
        #expect(try array.doubles() == [1, 2, 3, 4, 5, 6])
        let expected = NumPyArray(int32: [1, 2, 3, 4, 5, 6], shape: [2, 3])
        #expect(try array.canonical() == expected)
        #expect(try NPYFormat.decode(NPYFormat.encode(array), source: "be") == expected)
    }

    @Test("Fortran order is undone along every axis of a 3-d array")
    func fortranThreeDimensions() throws {
        let shape = [2, 3, 4]
        // Element (i, j, k) holds 100i + 10j + k; Fortran order has i varying fastest.
        var columnMajor: [Int64] = []
        for k in 0..<4 { for j in 0..<3 { for i in 0..<2 { columnMajor.append(Int64(100 * i + 10 * j + k)) } } }
        let raw = Data(columnMajor.flatMap { value in withUnsafeBytes(of: value.littleEndian, Array.init) })
        let array = try NumPyArray(dtype: NumPyDType(.int64), shape: shape, fortranOrder: true, rawData: raw)
        var rowMajor: [Int] = []
        for i in 0..<2 { for j in 0..<3 { for k in 0..<4 { rowMajor.append(100 * i + 10 * j + k) } } }
        #expect(try array.ints() == rowMajor)
        // Unicode elements move whole (4 bytes per character), and swap per code unit.
        let strings = ["ab", "cd", "ef", "gh", "ij", "kl"]  // 2×3, stored column-major
        let columnStrings = [strings[0], strings[3], strings[1], strings[4], strings[2], strings[5]]
        let units = columnStrings.flatMap { $0.unicodeScalars.map { $0.value.bigEndian } }
        let text = try NumPyArray(dtype: NumPyDType(.unicode(length: 2), bigEndian: true), shape: [2, 3],
                                  fortranOrder: true, rawData: units.withUnsafeBytes { Data($0) })
        #expect(text.dtype.descr == ">U2")
        #expect(try text.strings() == strings)
    }

    @Test("dtype strings parse and print as NumPy writes them")
    func dtypes() throws {
        let cases: [(String, NumPyScalarType, Bool, String)] = [
            ("<f4", .float32, false, "<f4"), (">f8", .float64, true, ">f8"), ("|b1", .bool, false, "|b1"),
            ("|i1", .int8, false, "|i1"), ("<i1", .int8, false, "|i1"), ("|u1", .uint8, false, "|u1"),
            ("<i2", .int16, false, "<i2"), (">u2", .uint16, true, ">u2"), ("<i4", .int32, false, "<i4"),
            ("<u4", .uint32, false, "<u4"), (">i8", .int64, true, ">i8"), ("<u8", .uint64, false, "<u8"),
            ("<U12", .unicode(length: 12), false, "<U12"), (">U1", .unicode(length: 1), true, ">U1"),
            ("f8", .float64, false, "<f8"), ("=i4", .int32, false, "<i4"),
        ]
        for (text, scalar, bigEndian, canonical) in cases {
            let dtype = try NumPyDType(descr: text)
            #expect(dtype.scalar == scalar, "\(text)")
            #expect(dtype.bigEndian == bigEndian, "\(text)")
            #expect(dtype.descr == canonical, "\(text)")
        }
        #expect(NumPyDType(.unicode(length: 3)).itemSize == 12)
        #expect(NumPyDType(.uint8, bigEndian: true).bigEndian == false)
        for bad in ["", "<", "<f2", "<c8", "|S5", "<M8[ns]", "<U", "<Ux", "<i3", "<f4 ", "<U99999999999"] {
            #expect(throws: NumPyDTypeError.self, "\(bad)") { try NumPyDType(descr: bad) }
        }
        #expect(throws: NumPyDTypeError(descr: "|O", reason: .object)) { try NumPyDType(descr: "|O") }
    }

    @Test("the header parser reads the literal forms NumPy and Python 2 wrote")
    func headerVariants() throws {
        let cases: [(String, NPYHeader)] = [
            ("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", .init(descr: "<f4", fortranOrder: false, shape: [3])),
            ("{\"descr\":\"<f4\",\"fortran_order\":True,\"shape\":(2,3)}", .init(descr: "<f4", fortranOrder: true, shape: [2, 3])),
            ("{'shape': (), 'descr': '|b1', 'fortran_order': False}\n", .init(descr: "|b1", fortranOrder: false, shape: [])),
            ("{'descr': u'<i8', 'fortran_order': False, 'shape': (3L, 4L), }   \n", .init(descr: "<i8", fortranOrder: false, shape: [3, 4])),
            ("{ 'descr' : '<U2' ,\n 'fortran_order' : False , 'shape' : ( 0 , 5 , ) , }", .init(descr: "<U2", fortranOrder: false, shape: [0, 5])),
            ("{'descr': '\\x3cf8', 'fortran_order': False, 'shape': (1,)}", .init(descr: "<f8", fortranOrder: false, shape: [1])),
        ]
        for (text, expected) in cases {
            #expect(try NPYHeader(parsing: text) == expected, "\(text)")
        }
        #expect(NPYHeader(descr: "<f4", fortranOrder: false, shape: [3]).text
                == "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }")
        let refused: [(String, String)] = [
            ("{'descr': '<f4', 'fortran_order': False, 'shape': 3}", "not a tuple"),
            ("{'descr': '<f4', 'fortran_order': False, 'shape': (3)}", "not a tuple"),  // (3) is 3 in Python
            ("{'descr': '<f4', 'fortran_order': False, 'shape': [3]}", "not a tuple"),
            ("{'descr': '<f4', 'fortran_order': 0, 'shape': (3,)}", "not True or False"),
            ("{'descr': '<f4', 'shape': (3,)}", "no 'fortran_order'"),
            ("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), 'extra': 1}", "unexpected key"),
            ("{'descr': '<f4', 'descr': '<f8', 'fortran_order': False, 'shape': (3,)}", "twice"),
            ("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (3,)}", "structured"),
            ("{'descr': __import__('os').system('true'), 'fortran_order': False, 'shape': (3,)}", "only literals"),
            ("{'descr': '<f4', 'fortran_order': False, 'shape': (3,)} + 1", "unexpected text"),
            ("{'descr': '<f4', 'fortran_order': False, 'shape': (3.5,)}", "in a number"),
            ("{'descr': '<f4', 'fortran_order': False, 'shape': (-3,)}", "negative"),
            ("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999999,)}", "too large"),
            ("{'descr': '<f4', 'fortran_order': False, 'shape': (3,", "ends"),
            ("{'descr': '<f4", "ends inside a string"),
            ("['descr']", "not a dict"),
            (String(repeating: "(", count: 10_000) + String(repeating: ")", count: 10_000), "nested too deeply"),
            ("", "ends where a value"),
        ]
        for (text, fragment) in refused {
            do {
                _ = try NPYHeader(parsing: text)
                Issue.record("accepted \(text.prefix(80))")
            } catch {
                #expect(error.message.contains(fragment), "\(text.prefix(80)): \(error.message)")
            }
        }
    }

    @Test("a header too long for version 1.0 is written as 2.0, and one beyond Latin-1 as 3.0")
    func headerVersions() throws {
        // 25,000 dimensions of length 1 make a header of about 75 KB.
        let shape = [Int](repeating: 1, count: 25_000)
        let array = NumPyArray(float64: [4.5], shape: shape)
        let encoded = NPYFormat.encode(array)
        #expect(encoded[6] == 2 && encoded[7] == 0)
        let length = (8..<12).reduce(0) { $0 | Int(encoded[$1]) << (8 * ($1 - 8)) }
        #expect(length > 65_535)
        #expect((12 + length) % 64 == 0)
        let decoded = try NPYFormat.decode(encoded, source: "long.npy")
        #expect(decoded == array)
        #expect(try decoded.doubles() == [4.5])

        let wrapped = NPYFormat.wrapHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'ключ': 1, }")
        #expect(wrapped[6] == 3 && wrapped.count % 64 == 0)
        let text = String(decoding: wrapped.dropFirst(12), as: UTF8.self)
        #expect(text.hasPrefix("{'descr'") && text.contains("'ключ'") && text.hasSuffix(" \n"))
        // Our reader decodes the version 3.0 header as UTF-8 (and then refuses the extra key by name).
        expectFileError("unexpected key 'ключ'") {
            _ = try NPYFormat.decode(wrapped + Data(count: 4), source: "v3.npy")
        }
    }

    @Test("NPZ archives round trip stored and compressed, in order, with the same bytes every time",
          arguments: [false, true])
    func npzRoundTrip(compressed: Bool) throws {
        let folder = try TemporaryFolder()
        let url = folder.file("arrays.npz")
        let arrays = Sample.all.map { (name: $0.name, array: $0.array) }
        try NPZArchive.write(arrays, to: url, compressed: compressed)
        let read = try NPZArchive.read(url)
        #expect(read.map(\.name) == arrays.map(\.name))
        for (got, expected) in zip(read, arrays) {
            #expect(got.array == expected.array, "\(expected.name)")
        }
        let dictionary = try NPZArchive.readDictionary(url)
        #expect(dictionary.count == arrays.count)
        #expect(try dictionary["scalar_string"]?.scalarString() == #"{"schema": 1, "units": "mm", "name": "Zoë"}"#)
        let first = try Data(contentsOf: url)
        #expect(try NPZArchive.read(data: first, source: "memory").map(\.array) == arrays.map(\.array))
        try NPZArchive.write(arrays, to: url, compressed: compressed)
        #expect(Digest.sha256(try Data(contentsOf: url)) == Digest.sha256(first))
        // No temporary files are left beside the archive.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path) == ["arrays.npz"])
    }

    @Test("an archive with no arrays, and arrays in subfolders, round trip")
    func npzEdgeCases() throws {
        let folder = try TemporaryFolder()
        let empty = folder.file("empty.npz")
        try NPZArchive.write([], to: empty)
        #expect(try NPZArchive.read(empty).isEmpty)
        let nested = folder.file("nested.npz")
        try NPZArchive.write([("model/mean", NumPyArray(float32: [1, 2], shape: [2]))], to: nested, compressed: true)
        #expect(try NPZArchive.read(nested).map(\.name) == ["model/mean"])
    }

    @Test("writing refuses unsafe and duplicate names, leaving no file")
    func npzWriteRefusals() throws {
        let folder = try TemporaryFolder()
        let url = folder.file("bad.npz")
        let array = NumPyArray(int32: [1], shape: [1])
        expectFileError("two arrays", path: url.path, location: "a.npy") {
            try NPZArchive.write([("a", array), ("a", array)], to: url)
        }
        expectFileError("path traversal", path: url.path) { try NPZArchive.write([("../a", array)], to: url) }
        expectFileError("path traversal", path: url.path) { try NPZArchive.write([("/etc/a", array)], to: url) }
        var broken = array
        broken.rawData.append(0)
        expectFileError("not the size", path: url.path, location: "b.npy") {
            try NPZArchive.write([("b", broken)], to: url)
        }
        #expect(!FileManager.default.fileExists(atPath: url.path))
    }

    @Test("array parts must fit together")
    func checkedConstruction() throws {
        #expect(throws: NumPyArrayError.self) {
            try NumPyArray(dtype: NumPyDType(.float32), shape: [2], rawData: Data(count: 7))
        }
        #expect(throws: NumPyArrayError.self) {
            try NumPyArray(dtype: NumPyDType(.float32), shape: [-1], rawData: Data())
        }
        #expect(throws: NumPyArrayError.self) {
            try NumPyArray(dtype: NumPyDType(.float64), shape: [Int.max / 4, 2], rawData: Data())
        }
        let empty = try NumPyArray(dtype: NumPyDType(.float64), shape: [Int.max, 0], rawData: Data())
        #expect(empty.count == 0)
        var changed = NumPyArray(float32: [1, 2], shape: [2])
        changed.shape = [3]
        #expect(throws: NumPyArrayError.self) { try changed.floats() }
    }
}
