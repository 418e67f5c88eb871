import FaceAtlasCore

/// The proportions of a participant split, "7:2" (training : test) or "7:2:1" (training : validation : test).
public struct SplitRatio: Sendable, Equatable, Codable, LosslessStringConvertible {
    /// The training share.
    public var training: Int
    /// The validation share (0 for a two-way split).
    public var validation: Int
    /// The test share.
    public var test: Int

    /// A ratio from its shares (training and test positive, validation ≥ 0).
    public init(training: Int, validation: Int = 0, test: Int) throws {
        guard training > 0, test > 0, validation >= 0 else {
            throw UsageError("a split ratio needs positive training and test shares, got \(training):\(validation):\(test)")
        }
        self.training = training
        self.validation = validation
        self.test = test
    }

    /// Parses "7:2" or "7:2:1"; nil when malformed.
    public init?(_ description: String) {
        let parts = description.split(separator: ":", omittingEmptySubsequences: false).map { Int($0) }
        guard parts.allSatisfy({ $0 != nil }) else { return nil }
        let shares = parts.compactMap { $0 }
        guard shares.count == 2 || shares.count == 3, shares.first! > 0, shares.last! > 0,
              shares.allSatisfy({ $0 >= 0 }) else { return nil }
        training = shares[0]
        validation = shares.count == 3 ? shares[1] : 0
        test = shares[shares.count - 1]
    }

    public var description: String {
        validation > 0 ? "\(training):\(validation):\(test)" : "\(training):\(test)"
    }
}
