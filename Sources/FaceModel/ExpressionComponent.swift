/// Which side of the face an expression component acts on (the subject's own left and right).
public enum FacialSide: String, Codable, Sendable, CaseIterable {
    /// Both sides at once (midline actions, or a model without a left/right split).
    case bilateral
    /// The subject's left side (+x in the head frame).
    case left
    /// The subject's right side (−x in the head frame).
    case right
}

/// How an expression coefficient is to be read.
public enum ExpressionKind: String, Codable, Sendable {
    /// A FACS action unit; the coefficient is an intensity, 0 = neutral, 1 = maximal.
    case actionUnit
    /// A statistical (PCA) expression component, as in FLAME or the Surrey model;
    /// the coefficient is in standard-deviation units and has no natural bounds.
    case statistical
}

/// One column of a model's expression basis.
public struct ExpressionComponent: Codable, Sendable, Equatable {
    /// The component's name, e.g. `AU12L` (AU 12 on the subject's left) or `exp07`.
    public var name: String
    /// The FACS action-unit number, for action-unit components.
    public var actionUnit: Int?
    /// The side the component acts on.
    public var side: FacialSide
    /// How its coefficient is read.
    public var kind: ExpressionKind
    /// What the component does, in FACS words for action units.
    public var summary: String
    /// Other names that map onto this component with a weight, e.g. ARKit/MediaPipe blendshape
    /// names (`mouthSmileLeft` → `AU12L` with weight 1).
    public var aliases: [String]

    /// Creates a component description.
    public init(name: String, actionUnit: Int? = nil, side: FacialSide = .bilateral, kind: ExpressionKind = .actionUnit,
                summary: String = "", aliases: [String] = []) {
        self.name = name
        self.actionUnit = actionUnit
        self.side = side
        self.kind = kind
        self.summary = summary
        self.aliases = aliases
    }

    /// The FACS label, e.g. `AU12` for `AU12L`, or the name for non-AU components.
    public var facsLabel: String {
        actionUnit.map { "AU\($0)" } ?? name
    }
}
