import FaceAtlasCore
import Foundation
import NumPyFormat

/// FaceAtlas's landmark archive (`.npz`), readable by `numpy.load(path, allow_pickle=False)`.
///
/// | array | shape | dtype | |
/// |-------|-------|-------|---|
/// | `time` | (T,) | float64 | seconds |
/// | `points` | (T, 68, 2) | float64 | 0-based pixels (x, y); NaN where missing |
/// | `confidence` | (T, 68) | float64 | 0...1 |
/// | `valid` | (T,) | bool | |
/// | `points3d` | (T, 68, 3) | float64 | millimetres; only when every frame has 3-D points |
/// | `action_units` | (T, K) | float64 | columns named in meta `action_units` |
/// | `extra_columns` | (T, M) | float64 | columns named in meta `extra_columns` |
/// | `meta` | () | unicode | JSON, below |
///
/// `meta` holds `{"format": "faceatlas-landmarks", "version": 1, "source": ..., "image_size":
/// [w, h] or null, "invalid_reasons": [null or text, one per frame], "action_units": [names],
/// "extra_columns": [names]}`.
enum LandmarkNPZ {
    static let formatName = "faceatlas-landmarks"
    static let version = 1

    static func read(_ url: URL) throws -> LandmarkSequence {
        let path = url.path
        let arrays = try NPZArchive.readDictionary(url)
        func array(_ name: String) throws -> NumPyArray {
            guard let array = arrays[name] else { throw FileError(path, "the archive has no '\(name)' array", at: name) }
            return array
        }
        func doubles(_ name: String, shape: [Int]) throws -> [Double] {
            let array = try array(name)
            guard array.shape == shape else {
                throw FileError(path, "'\(name)' has shape \(describe(array.shape)), expected \(describe(shape))", at: name)
            }
            do {
                return try array.doubles()
            } catch {
                throw FileError(path, "'\(name)' does not hold numbers: \(error)", at: name)
            }
        }

        let meta = try readMeta(try array("meta"), path: path)
        let timeArray = try array("time")
        guard timeArray.rank == 1 else {
            throw FileError(path, "'time' has shape \(describe(timeArray.shape)), expected (T,)", at: "time")
        }
        let count = timeArray.shape[0]
        guard count > 0 else { throw FileError(path, "the archive holds no frames", at: "time") }
        let n = LandmarkSequence.pointCount
        let times = try doubles("time", shape: [count])
        let points = try doubles("points", shape: [count, n, 2])
        let confidence = try doubles("confidence", shape: [count, n])
        let validArray = try array("valid")
        guard validArray.shape == [count] else {
            throw FileError(path, "'valid' has shape \(describe(validArray.shape)), expected \(describe([count]))", at: "valid")
        }
        let valid: [Bool]
        do { valid = try validArray.bools() } catch { throw FileError(path, "'valid' does not hold booleans: \(error)", at: "valid") }
        let points3D = arrays["points3d"] == nil ? nil : try doubles("points3d", shape: [count, n, 3])

        let reasons = meta["invalid_reasons"]?.array ?? []
        guard reasons.isEmpty || reasons.count == count else {
            throw FileError(path, "meta lists \(reasons.count) invalid reasons for \(count) frames", at: "meta")
        }

        var order = FrameOrderCheck(path: path)
        var frames: [LandmarkFrame] = []
        frames.reserveCapacity(count)
        for index in 0..<count {
            let location = "frame \(index)"
            try order.check(time: times[index], frame: nil, at: location)
            let framePoints = (0..<n).map { SIMD2(points[(index * n + $0) * 2], points[(index * n + $0) * 2 + 1]) }
            let frame3D = points3D.map { values in
                (0..<n).map { SIMD3(values[(index * n + $0) * 3], values[(index * n + $0) * 3 + 1], values[(index * n + $0) * 3 + 2]) }
            }
            let frameConfidence = Array(confidence[(index * n)..<((index + 1) * n)])
            if let bad = frameConfidence.first(where: { !$0.isNaN && !(0...1).contains($0) }) {
                throw FileError(path, "a confidence of \(CSVNumber.format(bad)) is outside 0...1", at: location)
            }
            let reason = reasons.isEmpty ? nil : reasons[index].string
            let frame = LandmarkFrame(time: times[index], points: framePoints, points3D: frame3D, confidence: frameConfidence,
                                      isValid: valid[index], invalidReason: reason ?? (valid[index] ? nil : "marked invalid"))
            frames.append(frame.invalidatingMissingPoints())
        }

        var imageSize: SIMD2<Int>?
        if let size = meta["image_size"]?.array {
            guard size.count == 2, let w = size[0].number.flatMap(wholeNumber), let h = size[1].number.flatMap(wholeNumber), w > 0, h > 0 else {
                throw FileError(path, "meta 'image_size' is not [width, height]", at: "meta")
            }
            imageSize = SIMD2(w, h)
        }
        var sequence = LandmarkSequence(frames: frames, source: path, imageSize: imageSize)
        sequence.actionUnits = try columns("action_units", meta: meta, arrays: arrays, count: count, path: path)
        sequence.extraColumns = try columns("extra_columns", meta: meta, arrays: arrays, count: count, path: path)
        return sequence
    }

    /// The named columns of the (T, K) array `name`, named by meta's list of the same name.
    private static func columns(_ name: String, meta: JSONValue, arrays: [String: NumPyArray], count: Int, path: String) throws
        -> [String: [Double]] {
        let names = try (meta[name]?.array ?? []).map { value -> String in
            guard let text = value.string else { throw FileError(path, "meta '\(name)' holds \(value.kind), not a name", at: "meta") }
            return text
        }
        guard let array = arrays[name] else {
            if names.isEmpty { return [:] }
            throw FileError(path, "meta names \(names.count) columns but the archive has no '\(name)' array", at: name)
        }
        guard array.shape == [count, names.count] else {
            throw FileError(path, "'\(name)' has shape \(describe(array.shape)), expected \(describe([count, names.count]))", at: name)
        }
        guard Set(names).count == names.count else { throw FileError(path, "meta '\(name)' repeats a name", at: "meta") }
        let values: [Double]
        do { values = try array.doubles() } catch { throw FileError(path, "'\(name)' does not hold numbers: \(error)", at: name) }
        var result: [String: [Double]] = [:]
        for (column, columnName) in names.enumerated() {
            result[columnName] = (0..<count).map { values[$0 * names.count + column] }
        }
        return result
    }

    private static func readMeta(_ array: NumPyArray, path: String) throws -> JSONValue {
        let text: String
        do { text = try array.scalarString() } catch { throw FileError(path, "'meta' is not a string: \(error)", at: "meta") }
        let meta: JSONValue
        do {
            meta = try JSONValue.parse(Data(text.utf8), path: path)
        } catch let error as FileError {
            throw FileError(path, "'meta' is not JSON: \(error.problem)", at: "meta")
        }
        guard meta["format"]?.string == formatName else {
            throw FileError(path, "meta 'format' is not \"\(formatName)\"; this is not a FaceAtlas landmark archive", at: "meta")
        }
        guard meta["version"]?.number == Double(version) else {
            throw FileError(path, "unsupported landmark archive version (this reader knows \(version))", at: "meta")
        }
        return meta
    }

    static func write(_ sequence: LandmarkSequence, to url: URL) throws {
        let n = LandmarkSequence.pointCount
        let count = sequence.frames.count
        for (index, frame) in sequence.frames.enumerated() where frame.points.count != n {
            throw FileError(url, "cannot write frame \(index): it has \(frame.points.count) points, not \(n)")
        }
        let has3D = !sequence.frames.isEmpty && sequence.frames.allSatisfy { $0.points3D != nil }
        var arrays: [(name: String, array: NumPyArray)] = [
            ("time", NumPyArray(float64: sequence.frames.map(\.time), shape: [count])),
            ("points", NumPyArray(float64: sequence.frames.flatMap { $0.points.flatMap { [$0.x, $0.y] } }, shape: [count, n, 2])),
            ("confidence", NumPyArray(float64: sequence.frames.flatMap(\.confidence), shape: [count, n])),
            ("valid", NumPyArray(bool: sequence.frames.map(\.isValid), shape: [count])),
        ]
        if has3D {
            let values = sequence.frames.flatMap { $0.points3D!.flatMap { [$0.x, $0.y, $0.z] } }
            arrays.append(("points3d", NumPyArray(float64: values, shape: [count, n, 3])))
        }
        for (name, columns) in [("action_units", sequence.actionUnits), ("extra_columns", sequence.extraColumns)] where !columns.isEmpty {
            let names = columns.keys.sorted()
            for columnName in names where columns[columnName]!.count != count {
                throw FileError(url, "cannot write column '\(columnName)': it has \(columns[columnName]!.count) values for \(count) frames")
            }
            let values = (0..<count).flatMap { row in names.map { columns[$0]![row] } }
            arrays.append((name, NumPyArray(float64: values, shape: [count, names.count])))
        }
        var meta: [String: Any] = [
            "format": formatName,
            "version": version,
            "source": sequence.source,
            "image_size": sequence.imageSize.map { [$0.x, $0.y] as Any } ?? NSNull(),
            "invalid_reasons": sequence.frames.map { $0.invalidReason.map { $0 as Any } ?? NSNull() },
            "action_units": sequence.actionUnits.keys.sorted(),
            "extra_columns": sequence.extraColumns.keys.sorted(),
        ]
        if meta["source"] as? String == "" { meta["source"] = NSNull() }
        let json: Data
        do {
            json = try JSONSerialization.data(withJSONObject: meta, options: [.sortedKeys])
        } catch {
            throw FileError(url, "cannot encode the metadata: \(error.localizedDescription)", at: "meta")
        }
        arrays.append(("meta", NumPyArray(string: String(decoding: json, as: UTF8.self))))
        try NPZArchive.write(arrays, to: url)
    }

    /// A shape as Python writes it: "(3,)", "(2, 3)".
    private static func describe(_ shape: [Int]) -> String {
        shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    }
}
