import Foundation

/// A `NumPyArray` used in a way its contents do not allow, such as asking a string
/// array for numbers or an array of 3.5 for integers.
public struct NumPyArrayError: Error, CustomStringConvertible, LocalizedError, Sendable, Equatable {
    /// What is wrong, in words a user understands.
    public var problem: String

    /// Creates an error describing `problem`.
    public init(_ problem: String) { self.problem = problem }

    public var description: String { problem }
    public var errorDescription: String? { problem }
}

/// A `descr` that FaceAtlas cannot read.
public struct NumPyDTypeError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Why a type string is refused.
    public enum Reason: Sendable, Equatable {
        /// An object array ("|O"): reading it would need pickle.
        case object
        /// A type string FaceAtlas does not know or support.
        case unknown
        /// A unicode type wider than FaceAtlas accepts.
        case tooWide
    }

    /// The type string as found.
    public var descr: String
    /// Why it is refused.
    public var reason: Reason

    public var description: String {
        let quoted = "'\(descr.count > 40 ? String(descr.prefix(40)) + "…" : descr)'"
        switch reason {
        case .object:
            return "the array has dtype \(quoted): object arrays need pickle, which FaceAtlas never runs"
        case .unknown:
            return "unsupported dtype \(quoted) (FaceAtlas reads bool, int8 to int64, uint8 to uint64, "
                + "float32, float64 and fixed-width unicode)"
        case .tooWide:
            return "unsupported dtype \(quoted): unicode strings wider than \(NumPyDType.maxUnicodeLength) characters"
        }
    }
}
