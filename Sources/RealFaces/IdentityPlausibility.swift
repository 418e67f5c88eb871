/// How plausible fitted identity coefficients β (standard-deviation units) are for a real person.
///
/// Under the model's Gaussian identity prior each β_k is N(0, 1), so ‖β‖ is about √K for K
/// components, and a coefficient beyond 4 SD is all but impossible (6 in 100,000 per coefficient).
/// An identity is plausible when every |β_k| ≤ `componentBound` (4) and ‖β‖ ≤ `normFactor` · √K (1.5 · √K).
public struct IdentityPlausibility: Sendable, Equatable, Codable {
    /// The largest |β_k| a plausible identity has.
    public static let componentBound = 4.0
    /// ‖β‖ of a plausible identity is at most this times √K.
    public static let normFactor = 1.5

    /// K, the number of identity coefficients.
    public var components: Int
    /// ‖β‖.
    public var norm: Double
    /// The largest |β_k|.
    public var maximumAbsolute: Double
    /// The k of the largest |β_k| (0-based).
    public var maximumComponent: Int
    /// How many |β_k| exceed 3.
    public var beyond3SD: Int
    /// How many |β_k| exceed 4.
    public var beyond4SD: Int
    /// The bound on ‖β‖: 1.5 · √K.
    public var normBound: Double
    /// Whether every |β_k| ≤ 4 and ‖β‖ ≤ 1.5 · √K.
    public var isPlausible: Bool

    /// Measures `identity` (β in SD units).
    public init(identity: [Double]) {
        components = identity.count
        norm = identity.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let magnitudes = identity.map(abs)
        maximumAbsolute = magnitudes.max() ?? 0
        maximumComponent = magnitudes.firstIndex(of: maximumAbsolute) ?? 0
        beyond3SD = magnitudes.filter { $0 > 3 }.count
        beyond4SD = magnitudes.filter { $0 > Self.componentBound }.count
        normBound = Self.normFactor * Double(identity.count).squareRoot()
        isPlausible = norm.isFinite && beyond4SD == 0 && norm <= normBound
    }
}
