import FaceAtlasCore
import Foundation
import NumPyFormat
import ParameterFiles
import Testing

/// Deterministic mutation testing of the parameter-file reader: valid parameter files (the seeds in
/// Tests/ParameterFilesTests/Corpus) damaged in seeded random ways must either read or throw a `FileError`
/// naming the file — never crash, hang or allocate without bound.
///
/// Two kinds of damage, 110,000 inputs in all, the same in every build (measured on the project's 2-core machine,
/// run side by side by Swift Testing: debug, bytes 45–52 s and structure 16 s; release, bytes 12 s):
/// - bytes (20,000 per seed × 5 seeds through `ParameterFile.read(data:source:)`): bit flips, byte edits,
///   truncation, insertion, deletion, 16/32-bit field overwrites (ZIP sizes, offsets, counts), chunk copies,
///   and header edits aimed at the ZIP local headers, the `.npy` header dicts and the JSON in `meta`;
/// - structure (10,000 through `ParameterFile.read(arrays:source:)`): arrays reshaped, retyped, dropped, added,
///   and the header JSON edited, with the array hashes recomputed half of the time so that the damage gets past
///   the integrity check to the schema checks behind it.
@Suite("Mutation testing")
struct MutationTests {
    static let seedNames = ["fit-compressed.npz", "fit-stored.npz", "flame-import.npz", "anonymized.npz", "numpy-savez-compressed.npz"]
    static let mutationsPerSeed = 20_000
    static let structuralMutations = 10_000

    static func seed(_ name: String) throws -> [UInt8] {
        guard let folder = Bundle.module.url(forResource: "Corpus", withExtension: nil) else {
            throw Python.Failure(description: "the Corpus resource folder is missing")
        }
        return [UInt8](try Data(contentsOf: folder.appendingPathComponent(name)))
    }

    struct Tally {
        var accepted = 0
        var refused = 0
        var wrong: [String] = []
        mutating func note(_ text: String) { if wrong.count < 5 { wrong.append(text) } }
    }

    @Test("The corpus seeds are valid parameter files")
    func seedsAreValid() throws {
        for name in Self.seedNames {
            let file = try ParameterFile.read(data: Data(try Self.seed(name)), source: name)
            #expect(file.frameCount > 0, "\(name)")
        }
    }

    @Test("100,000 byte-level mutations of valid parameter files read or throw a FileError")
    func byteMutations() throws {
        let started = Date()
        var total = 0
        for (index, name) in Self.seedNames.enumerated() {
            let seed = try Self.seed(name)
            var rng = SplitMix(seed: 0x5041_5241_0000 + UInt64(index))
            var tally = Tally()
            for _ in 0..<Self.mutationsPerSeed {
                let mutated = Data(ByteMutator.mutate(seed, using: &rng))
                do {
                    let file = try ParameterFile.read(data: mutated, source: name)
                    tally.accepted += 1
                    Self.exercise(file, &tally)
                } catch let error as FileError where error.path == name {
                    tally.refused += 1
                } catch {
                    tally.note("\(type(of: error)): \(error)")
                }
            }
            total += tally.accepted + tally.refused
            #expect(tally.wrong.isEmpty, "\(name): \(tally.wrong)")
            #expect(tally.accepted + tally.refused == Self.mutationsPerSeed)
            #expect(tally.refused > Self.mutationsPerSeed / 2, "\(name): only \(tally.refused) refused")
            print("\(name): \(tally.accepted) byte mutations read, \(tally.refused) refused with a FileError")
        }
        print("byte mutations: \(total) inputs in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
    }

    @Test("10,000 structural mutations (hashes recomputed half the time) read or throw a FileError")
    func structuralMutations() throws {
        let started = Date()
        var bases: [[(name: String, array: NumPyArray)]] = []
        for name in Self.seedNames { bases.append(try NPZArchive.read(data: Data(try Self.seed(name)), source: name)) }
        var rng = SplitMix(seed: 0x5354_5255_4354)
        var tally = Tally()
        var reasons: [String: Int] = [:]
        for i in 0..<Self.structuralMutations {
            var arrays = bases[i % bases.count]
            StructureMutator.mutate(&arrays, using: &rng)
            if Bool.random(using: &rng) { StructureMutator.rehash(&arrays) }
            do {
                let file = try ParameterFile.read(arrays: arrays, source: "structural")
                tally.accepted += 1
                Self.exercise(file, &tally)
            } catch let error as FileError where error.path == "structural" {
                tally.refused += 1
                reasons[error.location ?? "-", default: 0] += 1
            } catch {
                tally.note("\(type(of: error)): \(error)")
            }
        }
        #expect(tally.wrong.isEmpty, "\(tally.wrong)")
        #expect(tally.accepted > 0 && tally.refused > Self.structuralMutations / 2)
        print("structural mutations: \(tally.accepted) read, \(tally.refused) refused (by location: "
              + reasons.sorted { $0.value > $1.value }.prefix(8).map { "\($0.key) \($0.value)" }.joined(separator: ", ")
              + ") in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
    }

    /// Uses a file that was read the way callers do: summary, check-free re-encoding, dynamics features.
    static func exercise(_ file: ParameterFile, _ tally: inout Tally) {
        let summary = ParameterFileSummary(file, path: "mutated", arrays: [])
        _ = summary.text
        _ = DynamicsFeatures.vector(file)
        do {
            _ = try file.arrays()
        } catch {
            tally.note("a file that was read cannot be written again: \(error)")
        }
    }
}

/// Random damage to a file's bytes.
enum ByteMutator {
    static let interesting: [UInt32] = [0, 1, 2, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0x1_0000, 0x10_0000,
                                        0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFE, 0xFFFF_FFFF]
    static let npyText = Array("(),:'{}[]-0123456789<>|fiuUbOTrueFalse ")
    static let jsonText = Array("{}[]\",:-0123456789.eEtruefalsnul\\ ")

    static func mutate(_ seed: [UInt8], using rng: inout SplitMix) -> [UInt8] {
        var bytes = seed
        for _ in 0..<Int.random(in: 1...3, using: &rng) { apply(Int.random(in: 0..<11, using: &rng), &bytes, &rng) }
        return bytes
    }

    /// Offsets where `pattern` starts.
    static func occurrences(of pattern: [UInt8], in bytes: [UInt8]) -> [Int] {
        guard bytes.count >= pattern.count else { return [] }
        var found: [Int] = []
        var i = 0
        while i <= bytes.count - pattern.count {
            if bytes[i] == pattern[0] && Array(bytes[i..<(i + pattern.count)]) == pattern { found.append(i) }
            i += 1
        }
        return found
    }

    static func apply(_ operation: Int, _ bytes: inout [UInt8], _ rng: inout SplitMix) {
        let count = bytes.count
        func position() -> Int { count == 0 ? 0 : Int.random(in: 0..<count, using: &rng) }
        switch operation {
        case 0:  // flip bits
            guard count > 0 else { return }
            for _ in 0..<Int.random(in: 1...8, using: &rng) { bytes[position()] ^= 1 << UInt8.random(in: 0..<8, using: &rng) }
        case 1:  // set a byte
            guard count > 0 else { return }
            bytes[position()] = [0, 0xFF, 0x7F, 0x80, UInt8.random(in: 0...255, using: &rng)].randomElement(using: &rng)!
        case 2:  // truncate
            if count > 0 { bytes.removeLast(Int.random(in: 1...count, using: &rng)) }
        case 3:  // insert random bytes
            let insert = (0..<Int.random(in: 1...16, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            bytes.insert(contentsOf: insert, at: count == 0 ? 0 : Int.random(in: 0...count, using: &rng))
        case 4:  // delete a range
            guard count > 0 else { return }
            let start = position()
            bytes.removeSubrange(start..<min(count, start + Int.random(in: 1...32, using: &rng)))
        case 5:  // overwrite a 16- or 32-bit little-endian field anywhere
            let width = Bool.random(using: &rng) ? 2 : 4
            guard count >= width else { return }
            let at = Int.random(in: 0...(count - width), using: &rng), value = interesting.randomElement(using: &rng)!
            for k in 0..<width { bytes[at + k] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(k))) }
        case 6:  // copy a chunk over another place
            guard count > 2 else { return }
            let from = position(), length = Int.random(in: 1...min(64, count), using: &rng), to = position()
            let chunk = Array(bytes[from..<min(count, from + length)])
            for (k, b) in chunk.enumerated() where to + k < count { bytes[to + k] = b }
        case 7:  // ZIP header edit: a field of a local file header or a central directory record
            let local = occurrences(of: [0x50, 0x4B, 0x03, 0x04], in: bytes), central = occurrences(of: [0x50, 0x4B, 0x01, 0x02], in: bytes)
            let useLocal = Bool.random(using: &rng)
            guard let start = (useLocal ? local : central).randomElement(using: &rng) else { return }
            // local: method 8, crc 14, sizes 18/22, name length 26, extra length 28; central: method 10, crc 16, sizes 20/24,
            // name length 28, extra 30, comment 32, offset 42
            let fields: [(Int, Int)] = useLocal ? [(8, 2), (14, 4), (18, 4), (22, 4), (26, 2), (28, 2), (6, 2)]
                                                : [(10, 2), (16, 4), (20, 4), (24, 4), (28, 2), (30, 2), (32, 2), (42, 4), (8, 2)]
            let (offset, width) = fields.randomElement(using: &rng)!
            guard start + offset + width <= count else { return }
            let value = Bool.random(using: &rng) ? interesting.randomElement(using: &rng)! : UInt32.random(in: 0...0xFFFF, using: &rng)
            for k in 0..<width { bytes[start + offset + k] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(k))) }
        case 8, 9:  // .npy header edit: change a character of a header dict (visible in stored entries)
            let headers = occurrences(of: [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59], in: bytes)
            guard let start = headers.randomElement(using: &rng), start + 20 < count else { return }
            let at = Int.random(in: (start + 10)..<min(count, start + 80), using: &rng)
            let c = npyText.randomElement(using: &rng)!.asciiValue!
            if Bool.random(using: &rng) { bytes[at] = c } else { bytes.insert(c, at: at) }
        default:  // meta JSON edit: the header is UTF-32LE text; change one character of it
            let quotes = occurrences(of: [0x22, 0, 0, 0, 0x3A, 0, 0, 0], in: bytes)  // `":` after a key
            guard let start = quotes.randomElement(using: &rng) else { return }
            let at = start + 4 * Int.random(in: -6...6, using: &rng)
            guard at >= 0, at + 4 <= count else { return }
            let c = jsonText.randomElement(using: &rng)!.asciiValue!
            bytes[at] = c; bytes[at + 1] = 0; bytes[at + 2] = 0; bytes[at + 3] = 0
        }
    }
}

/// Random changes to the arrays of a parameter file, and to its header JSON.
enum StructureMutator {
    static let names = ["shape", "exp", "pose", "cam", "time", "confidence", "residual", "residual_nme", "vertices", "meta", "extra"]

    static func mutate(_ arrays: inout [(name: String, array: NumPyArray)], using rng: inout SplitMix) {
        for _ in 0..<Int.random(in: 1...2, using: &rng) {
            guard !arrays.isEmpty else { return }
            let i = Int.random(in: 0..<arrays.count, using: &rng)
            let a = arrays[i].array
            switch Int.random(in: 0..<9, using: &rng) {
            case 0:  // reshape keeping the element count
                var shape = a.shape
                if shape.count >= 2 && Bool.random(using: &rng) {
                    shape = [shape[0] * shape[1]] + shape.dropFirst(2)
                } else if let n = shape.first, n % 2 == 0, n > 0 {
                    shape = [2, n / 2] + shape.dropFirst()
                } else {
                    shape = shape + [1]
                }
                if let r = try? NumPyArray(dtype: a.dtype, shape: shape, rawData: a.rawData) { arrays[i].array = r }
            case 1:  // drop leading elements (fewer frames)
                guard let n = a.shape.first, n > 0 else { return }
                var shape = a.shape
                shape[0] = Int.random(in: 0..<n, using: &rng)
                let keep = shape.reduce(1, *) * a.dtype.itemSize
                if let r = try? NumPyArray(dtype: a.dtype, shape: shape, rawData: a.rawData.prefix(keep)) { arrays[i].array = r }
            case 2:  // retype
                let type: NumPyArray
                switch Int.random(in: 0..<5, using: &rng) {
                case 0: type = NumPyArray(float64: ((try? a.doubles()) ?? []), shape: (try? a.doubles()) == nil ? [0] : a.shape)
                case 1: type = NumPyArray(int32: ((try? a.floats()) ?? []).map { Int32(clamping: Int(exactly: $0.rounded()) ?? 0) },
                                          shape: (try? a.floats()) == nil ? [0] : a.shape)
                case 2: type = NumPyArray(strings: ["x", "{}", ""], shape: [3])
                case 3: type = NumPyArray(bool: [true], shape: [])
                default: type = NumPyArray(uint8: [1, 2, 3, 4, 5, 6], shape: [2, 3])
                }
                arrays[i].array = type
            case 3:  // drop an array
                arrays.remove(at: i)
            case 4:  // add or duplicate an array under another name
                arrays.append((names.randomElement(using: &rng)!, a))
            case 5:  // values: NaN, infinity, huge
                guard case .float32 = a.dtype.scalar, var v = try? a.floats(), !v.isEmpty else { return }
                v[Int.random(in: 0..<v.count, using: &rng)] = [.nan, .infinity, -.infinity, .greatestFiniteMagnitude].randomElement(using: &rng)!
                arrays[i].array = NumPyArray(float32: v, shape: a.shape)
            default:  // edit the header JSON
                guard let m = arrays.firstIndex(where: { $0.name == "meta" }), let text = try? arrays[m].array.scalarString() else { return }
                arrays[m].array = NumPyArray(string: editJSON(text, using: &rng))
            }
        }
    }

    static func editJSON(_ text: String, using rng: inout SplitMix) -> String {
        guard var object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] else { return text }
        let keys = object.keys.sorted()
        let key = keys.randomElement(using: &rng)!
        switch Int.random(in: 0..<7, using: &rng) {
        case 0: object.removeValue(forKey: key)
        case 1: object[key] = [0, -1, 2, 1e308, -1e308, 0.5].randomElement(using: &rng)!
        case 2: object[key] = ["", "x", String(repeating: "é", count: 1000)].randomElement(using: &rng)!
        case 3: object[key] = [[], ["a"], [1, 2]].randomElement(using: &rng)!
        case 4: object["version"] = [0, 1, 2, -1, Int.max].randomElement(using: &rng)!
        case 5:
            var names = object["expressionNames"] as? [String] ?? []
            if names.isEmpty || Bool.random(using: &rng) { names.append("AU99") } else { names.removeLast() }
            object["expressionNames"] = names
        default: object["fps"] = [0, -5, 1e-300, 1e300, 30].randomElement(using: &rng)!
        }
        guard let data = try? JSONSerialization.data(withJSONObject: object) else { return text }
        return String(decoding: data, as: UTF8.self)
    }

    /// Puts the true hash of every array into the header, so the damage reaches the schema checks.
    static func rehash(_ arrays: inout [(name: String, array: NumPyArray)]) {
        guard let m = arrays.firstIndex(where: { $0.name == "meta" }), let text = try? arrays[m].array.scalarString(),
              var object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] else { return }
        var hashes: [String: String] = [:]
        for (name, array) in arrays where name != "meta" { hashes[name] = Digest.sha256(NPYFormat.encode(array)) }
        object["arrays"] = hashes
        guard let data = try? JSONSerialization.data(withJSONObject: object) else { return }
        arrays[m].array = NumPyArray(string: String(decoding: data, as: UTF8.self))
    }
}
