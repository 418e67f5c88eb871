import ArgumentParser
import FaceAtlasCore
import Fitting
import Foundation
import Tracking

/// A failure while a command runs (not a usage error): one line on standard error and an exit status by kind,
/// following `sysexits.h`: 65 bad input data, 66 missing input, 73 cannot create an output, 74 a read or write
/// that failed part-way, 1 anything else.
struct CommandFailure: Error, CustomStringConvertible {
    /// What went wrong, naming the file or option.
    var message: String
    /// The process exit status.
    var status: Int32

    /// EX_DATAERR: the input's contents are wrong.
    static let badData: Int32 = 65
    /// EX_NOINPUT: an input file is missing.
    static let missingInput: Int32 = 66
    /// EX_CANTCREAT: an output cannot be created.
    static let cannotCreate: Int32 = 73
    /// EX_IOERR: reading or writing failed.
    static let inputOutput: Int32 = 74

    init(message: String, status: Int32) {
        self.message = message
        self.status = status
    }

    /// The failure for any error a library call threw.
    init(_ error: Error) {
        switch error {
        case let failure as CommandFailure:
            self = failure
        case let error as FileError:
            let status: Int32
            switch error.kind {
            case .badData: status = Self.badData
            case .missing: status = Self.missingInput
            case .cannotCreate: status = Self.cannotCreate
            case .inputOutput: status = Self.inputOutput
            }
            self.init(message: error.description, status: status)
        case is FittingError, is TrackingError:
            self.init(message: "\(error)", status: Self.badData)
        default:
            self.init(message: "\(error)", status: EXIT_FAILURE)
        }
    }

    var description: String { message }

    /// Prints the message on standard error and exits with the status.
    func report() -> Never {
        FileHandle.standardError.write(Data("Error: \(message)\n".utf8))
        exit(status)
    }
}

/// The release of this build (`faceatlas --version`).
enum FaceAtlasVersion {
    static let string = "0.9.0"
}
