import FaceAtlasCore
import Numerics
import Foundation
import Testing
@testable import NumPyFormat

/// The project's deterministic generator (xoshiro256** seeded by SplitMix64).
typealias SeededGenerator = Numerics.SeededGenerator

/// Random damage to a file: bit flips, byte edits, truncation, insertion, deletion,
/// edits of the .npy header length and of 16/32-bit fields (sizes and offsets in a ZIP),
/// and Python-literal characters dropped into the header.
enum Mutator {
    private static let interesting32: [UInt32] = [0, 1, 2, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0x1_0000,
                                                  0x10_0000, 0x10_0001, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFE, 0xFFFF_FFFF]
    private static let literalText = Array("(),:'\"{}[]-+0123456789LuTrueFalseNone<>|fiuUbO \n\\x")

    static func mutate(_ seed: [UInt8], using rng: inout SeededGenerator) -> [UInt8] {
        var bytes = seed
        for _ in 0..<Int.random(in: 1...3, using: &rng) {
            apply(Int.random(in: 0..<9, using: &rng), to: &bytes, using: &rng)
        }
        return bytes
    }

    private static func apply(_ operation: Int, to bytes: inout [UInt8], using rng: inout SeededGenerator) {
        let count = bytes.count
        func position() -> Int { count == 0 ? 0 : Int.random(in: 0..<count, using: &rng) }
        switch operation {
        case 0:  // flip a few bits
            guard count > 0 else { return }
            for _ in 0..<Int.random(in: 1...8, using: &rng) {
                bytes[position()] ^= 1 << UInt8.random(in: 0..<8, using: &rng)
            }
        case 1:  // set a byte to a random or boundary value
            guard count > 0 else { return }
            bytes[position()] = [0, 0xFF, 0x7F, 0x80, UInt8.random(in: 0...255, using: &rng)].randomElement(using: &rng) ?? 0
        case 2:  // truncate
            bytes.removeLast(count == 0 ? 0 : Int.random(in: 1...count, using: &rng))
        case 3:  // insert random bytes
            let insert = (0..<Int.random(in: 1...16, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            bytes.insert(contentsOf: insert, at: count == 0 ? 0 : Int.random(in: 0...count, using: &rng))
        case 4:  // delete a range
            guard count > 0 else { return }
            let start = position()
            bytes.removeSubrange(start..<min(count, start + Int.random(in: 1...32, using: &rng)))
        case 5:  // edit the .npy header length (bytes 8..<10, or 8..<12 for versions 2 and 3)
            guard count >= 12 else { return }
            let value = Bool.random(using: &rng)
                ? interesting32.randomElement(using: &rng) ?? 0
                : UInt32(truncatingIfNeeded: Int(bytes[8]) | Int(bytes[9]) << 8) &+ UInt32(bitPattern: Int32.random(in: -70...70, using: &rng))
            for index in 0..<(Bool.random(using: &rng) ? 2 : 4) {
                bytes[8 + index] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(index)))
            }
        case 6:  // overwrite a 16- or 32-bit little-endian field (ZIP sizes, offsets, counts)
            let width = Bool.random(using: &rng) ? 2 : 4
            guard count >= width else { return }
            let at = Int.random(in: 0...(count - width), using: &rng)
            let value = interesting32.randomElement(using: &rng) ?? 0
            for index in 0..<width { bytes[at + index] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(index))) }
        case 7:  // copy a chunk over another place
            guard count > 2 else { return }
            let from = position(), length = Int.random(in: 1...min(64, count), using: &rng)
            let chunk = Array(bytes[from..<min(count, from + length)])
            let to = position()
            for (offset, byte) in chunk.enumerated() where to + offset < count { bytes[to + offset] = byte }
        default:  // drop Python-literal characters into the first 128 bytes (the .npy header)
            guard count > 10 else { return }
            let at = Int.random(in: 10..<min(count, 128), using: &rng)
            let scalar = literalText.randomElement(using: &rng)?.asciiValue ?? 0x20
            if Bool.random(using: &rng) { bytes[at] = scalar } else { bytes.insert(scalar, at: at) }
        }
    }
}

@Suite("Mutation testing")
struct MutationTests {
    /// Mutations per seed. 20,000 as specified; the whole suite takes a few seconds in
    /// a debug build on two cores.
    static let mutationsPerSeed = 20_000

    /// The outcome of decoding many damaged copies of one seed.
    struct Tally {
        var accepted = 0
        var refused = 0
        var wrongErrors: [String] = []
    }

    static func npySeeds() throws -> [(String, [UInt8])] {
        var seeds: [(String, [UInt8])] = []
        for name in ["f8_fortran_bigendian.npy", "unicode_2d.npy", "i2_version3.npy", "u4_version2.npy", "bool_0d.npy"] {
            seeds.append((name, [UInt8](try Corpus.data(name))))
        }
        seeds.append(("swift_int16.npy", [UInt8](NPYFormat.encode(NumPyArray(int16: [1, -2, 3, -4, 5, -6], shape: [3, 2])))))
        return seeds
    }

    @Test("20,000 seeded mutations of each .npy seed decode or throw a FileError, never crash")
    func npyMutations() throws {
        let started = Date()
        for (index, (name, seed)) in try Self.npySeeds().enumerated() {
            var rng = SeededGenerator(seed: 0x4E50_5900 + UInt64(index))
            var tally = Tally()
            for _ in 0..<Self.mutationsPerSeed {
                let mutated = Data(Mutator.mutate(seed, using: &rng))
                do {
                    let array = try NPYFormat.decode(mutated, source: name)
                    tally.accepted += 1
                    Self.exercise(array, tally: &tally)
                } catch let error as FileError where error.path == name && error.location == nil {
                    tally.refused += 1
                } catch {
                    if tally.wrongErrors.count < 5 { tally.wrongErrors.append("\(error)") }
                }
            }
            #expect(tally.wrongErrors.isEmpty, "\(name): \(tally.wrongErrors)")
            #expect(tally.accepted > 0, "\(name): no mutation was accepted, so the mutations test nothing useful")
            #expect(tally.refused > Self.mutationsPerSeed / 4, "\(name): only \(tally.refused) refused")
            #expect(tally.accepted + tally.refused == Self.mutationsPerSeed)
            print("\(name): \(tally.accepted) mutations accepted, \(tally.refused) refused")
        }
        print("npy mutations: \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
    }

    @Test("20,000 seeded mutations of each .npz seed read or throw a FileError, never crash")
    func npzMutations() throws {
        let started = Date()
        var seeds: [(String, [UInt8])] = []
        for name in ["savez.npz", "savez_compressed.npz"] {
            seeds.append((name, [UInt8](try Corpus.data(name))))
        }
        let folder = try TemporaryFolder()
        let written = folder.file("swift.npz")
        try NPZArchive.write([("x", NumPyArray(float32: [1, 2, 3, 4], shape: [2, 2])),
                              ("meta", NumPyArray(string: "{}"))], to: written, compressed: true)
        seeds.append(("swift_compressed.npz", [UInt8](try Data(contentsOf: written))))
        for (index, (name, seed)) in seeds.enumerated() {
            var rng = SeededGenerator(seed: 0x4E50_5A00 + UInt64(index))
            var tally = Tally()
            for _ in 0..<Self.mutationsPerSeed {
                let mutated = Data(Mutator.mutate(seed, using: &rng))
                do {
                    let arrays = try NPZArchive.read(data: mutated, source: name)
                    tally.accepted += 1
                    for (_, array) in arrays { Self.exercise(array, tally: &tally) }
                } catch let error as FileError where error.path == name {
                    tally.refused += 1
                } catch {
                    if tally.wrongErrors.count < 5 { tally.wrongErrors.append("\(error)") }
                }
            }
            #expect(tally.wrongErrors.isEmpty, "\(name): \(tally.wrongErrors)")
            #expect(tally.accepted > 0, "\(name): no mutation was accepted")
            #expect(tally.refused > Self.mutationsPerSeed / 2, "\(name): only \(tally.refused) refused")
            print("\(name): \(tally.accepted) mutations accepted, \(tally.refused) refused")
        }
        print("npz mutations: \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
    }

    /// Uses a decoded array every way a caller might: the accessors (which may refuse
    /// the contents) and a round trip, which must give back the same values.
    static func exercise(_ array: NumPyArray, tally: inout Tally) {
        _ = try? array.floats()
        _ = try? array.ints()
        _ = try? array.bytes()
        _ = try? array.bools()
        _ = try? array.strings()
        do {
            let canonical = try array.canonical()
            let again = try NPYFormat.decode(NPYFormat.encode(array), source: "again")
            if again != canonical && tally.wrongErrors.count < 5 {
                tally.wrongErrors.append("round trip changed an array of shape \(array.shape), \(array.dtype)")
            }
        } catch {
            if tally.wrongErrors.count < 5 { tally.wrongErrors.append("decoded array does not round trip: \(error)") }
        }
    }
}
