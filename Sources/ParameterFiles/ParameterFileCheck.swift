import FaceAtlasCore
import Foundation
import NumPyFormat

/// The integrity check of one parameter file, as `faceatlas verify` runs it: the archive, the header
/// (schema name and version), every array against its SHA-256, and the content against schema v1.
///
/// Unlike `ParameterFile.read`, the check does not stop at the first fault: it reports every array
/// whose hash does not match, so a user learns everything that was changed.
public struct ParameterFileCheck: Sendable {
    /// Whether an array matches the SHA-256 the header records for it.
    public enum HashStatus: String, Sendable, Codable {
        /// The array's SHA-256 is the one in the header.
        case verified
        /// The array differs from the one the header describes: the file was changed or damaged.
        case mismatch
        /// The archive holds the array, but the header does not list it.
        case unlisted
        /// The header lists the array, but the archive lacks it.
        case missing
        /// The header could not be read, so nothing can be compared.
        case unverifiable

        /// What is wrong with `array` in this state, as a sentence; empty for `.verified`.
        public func problem(array: String) -> String {
            switch self {
            case .verified: return ""
            case .mismatch: return "array '\(array)' does not match its SHA-256 in the header: the file was changed or damaged"
            case .unlisted: return "array '\(array)' is not listed in the header"
            case .missing: return "array '\(array)' listed in the header is missing"
            case .unverifiable: return "array '\(array)' cannot be verified: the header is unreadable"
            }
        }
    }

    /// One array: its shape and dtype as stored (nil when missing) and its hash status.
    public struct ArrayReport: Sendable, Equatable {
        public var name: String
        public var shape: [Int]?
        public var dtype: String?
        public var status: HashStatus
    }

    /// The file checked.
    public var path: String
    /// The header, when it could be read.
    public var meta: ParameterFile.Meta?
    /// Every array with its hash status, by name.
    public var arrays: [ArrayReport]
    /// Every fault found, each naming the file and, where there is one, the array.
    public var problems: [FileError]
    /// The decoded content, when the header and the arrays' shapes are sound (even if a hash failed).
    public var content: ParameterFile?

    /// Whether the file passed: a readable header of a known schema, every hash matching, the content sound.
    public var isValid: Bool { problems.isEmpty }

    /// Checks the parameter file at `url`; never throws: every fault is in `problems`.
    public init(_ url: URL, limits: NPZLimits = .default) {
        path = url.path
        arrays = []
        problems = []
        let entries: [(name: String, array: NumPyArray)]
        do {
            entries = try NPZArchive.read(url, limits: limits)
        } catch let error as FileError {
            problems = [error]
            return
        } catch {
            problems = [FileError(url, "cannot read: \(error)")]
            return
        }
        let dictionary = Dictionary(entries.map { ($0.name, $0.array) }, uniquingKeysWith: { first, _ in first })
        do {
            meta = try ParameterFile.decodeMeta(dictionary, path: path)
        } catch let error as FileError {
            problems.append(error)
        } catch {
            problems.append(FileError(url, "\(error)", at: "meta"))
        }
        arrays = ParameterFile.hashReports(dictionary, meta: meta)
        guard let meta else { return }
        for report in arrays where report.status != .verified {
            problems.append(FileError(path, report.status.problem(array: report.name), at: report.name))
        }
        do {
            content = try ParameterFile.content(dictionary, meta: meta, path: path)
        } catch let error as FileError {
            if !problems.contains(where: { $0.location == error.location && error.location != nil }) { problems.append(error) }
        } catch {
            problems.append(FileError(url, "\(error)"))
        }
    }

    /// The arrays that failed their hash (or are missing or unlisted).
    public var failingArrays: [String] { arrays.filter { $0.status != .verified }.map(\.name) }
}
