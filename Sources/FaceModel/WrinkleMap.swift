import Foundation

/// A UV-space displacement map for the wrinkles an action unit produces.
///
/// The map is a 16-bit greyscale PNG in the model's UV layout: a value of 32768 means no
/// displacement, and each step of 1 displaces the surface along its normal by
/// `millimetresPerUnit` (negative values fold inwards: furrows). At an action-unit
/// intensity `a` the displacement is `a` times the map.
public struct WrinkleMap: Sendable, Equatable {
    /// The action unit's FACS number (1 for AU1 forehead lines, 4 for glabellar lines, ...).
    public var actionUnit: Int
    /// What the wrinkles are, e.g. "horizontal forehead lines".
    public var summary: String
    /// Millimetres of displacement per PNG unit away from 32768.
    public var millimetresPerUnit: Float
    /// The PNG file bytes (16-bit greyscale).
    public var png: Data

    /// Creates a wrinkle map.
    public init(actionUnit: Int, summary: String, millimetresPerUnit: Float, png: Data) {
        self.actionUnit = actionUnit
        self.summary = summary
        self.millimetresPerUnit = millimetresPerUnit
        self.png = png
    }

    /// The displacement in millimetres for a 16-bit sample.
    public func displacement(sample: UInt16) -> Float {
        (Float(sample) - 32768) * millimetresPerUnit
    }
}
