import FaceModel

/// One explicit digital biomarker: the motion energy of a face region (16) or facial organ (9).
public struct BiomarkerFeature: Codable, Sendable, Hashable {
    /// Whether the feature is a region of the surface or an iBUG landmark organ.
    public enum Kind: String, Codable, Sendable {
        case region, organ
    }

    public var kind: Kind
    /// The region (1–16) or organ (1–9) number.
    public var number: Int
    /// The region's or organ's short name.
    public var name: String

    public init(kind: Kind, number: Int, name: String) {
        self.kind = kind
        self.number = number
        self.name = name
    }

    /// The column name in tables: `region05_right_outer_eye_corner`, `organ1_jaw`.
    public var column: String {
        switch kind {
        case .region: "region" + (number < 10 ? "0" : "") + "\(number)_\(name)"
        case .organ: "organ\(number)_\(name)"
        }
    }

    /// The 16 regions then the 9 organs, in number order.
    public static let all: [BiomarkerFeature] =
        FaceRegion.allCases.map { BiomarkerFeature(kind: .region, number: $0.rawValue, name: $0.name) }
        + FacialOrgan.allCases.map { BiomarkerFeature(kind: .organ, number: $0.rawValue, name: $0.name) }
}
