import Foundation

/// An error in reading or writing a file, naming the file and what is wrong with it.
///
/// Every reader in FaceAtlas reports bad input as a `FileError`, so that a user
/// always learns *which* file failed and *why*, and, where it is known, the line
/// or the entry inside the file.
public struct FileError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file that could not be read or written.
    public var path: String
    /// Where in the file the problem is (a line number, an array name, a ZIP entry), if known.
    public var location: String?
    /// What is wrong, in words a user understands.
    public var problem: String
    /// What kind of failure it is (the command-line tool's exit status follows it).
    public var kind: Kind

    /// The kinds of file failure, as `sysexits.h` tells them apart.
    public enum Kind: Sendable, Equatable {
        /// The file exists but its contents are wrong (EX_DATAERR, 65).
        case badData
        /// The file (or folder) is not there (EX_NOINPUT, 66).
        case missing
        /// An output file or folder cannot be created (EX_CANTCREAT, 73).
        case cannotCreate
        /// Reading or writing failed part-way (EX_IOERR, 74).
        case inputOutput
    }

    /// Creates an error for `path` describing `problem`, optionally at `location` inside the file.
    public init(_ path: String, _ problem: String, at location: String? = nil, kind: Kind = .badData) {
        self.path = path
        self.problem = problem
        self.location = location
        self.kind = kind
    }

    /// Creates an error for the file at `url`.
    public init(_ url: URL, _ problem: String, at location: String? = nil, kind: Kind = .badData) {
        self.init(url.path, problem, at: location, kind: kind)
    }

    /// The error for a file or folder that does not exist.
    public static func missing(_ url: URL, _ problem: String = "no such file") -> FileError {
        FileError(url, problem, kind: .missing)
    }

    public var description: String {
        if let location { return "\(path): \(location): \(problem)" }
        return "\(path): \(problem)"
    }
}

extension FileError: LocalizedError {
    public var errorDescription: String? { description }
}

/// An error in the values a user gave (an option, a setting), with what was expected.
public struct UsageError: Error, CustomStringConvertible, LocalizedError, Sendable {
    /// What is wrong and what would be right.
    public var message: String

    /// Creates a usage error with `message`.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
    public var errorDescription: String? { message }
}
