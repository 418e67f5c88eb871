import FaceAtlasCore
import FaceModel

/// The action units of a face model as the response model names them: each expression component
/// answers to its own name (`AU6L`) and its FACS label (`AU6`), and `AU26` / `AU27` open the jaw.
public struct SyntheticCohortActionUnits: Sendable {
    /// Per expression component: its name (`AU6L`).
    public let names: [String]
    /// Per expression component: its FACS label (`AU6`).
    public let labels: [String]
    /// Per expression component: whether it acts on one side (left or right) only.
    public let unilateralSide: [FacialSide?]
    /// Jaw opening (degrees) of AU26 and AU27 at intensity 1; nil for a model without a jaw.
    public let jawDegrees: (drop: Double, stretch: Double)?
    /// The FACS labels of the model's action units and of the jaw, by action-unit number: one gain is drawn per label.
    public let allLabels: [String]
    /// The components of AU45 (blinks).
    public let blinkComponents: [Int]

    /// The action units of `model`.
    public init(model: FaceModel) {
        names = model.expressions.map(\.name)
        labels = model.expressions.map(\.facsLabel)
        unilateralSide = model.expressions.map { $0.side == .bilateral ? nil : $0.side }
        jawDegrees = model.jaw.map { (Double($0.jawDropDegrees), Double($0.mouthStretchDegrees)) }
        var all = Set(model.expressions.filter { $0.kind == .actionUnit }.map(\.facsLabel))
        if jawDegrees != nil { all.formUnion(["AU26", "AU27"]) }
        allLabels = all.sorted { (Int($0.dropFirst(2)) ?? .max, $0) < (Int($1.dropFirst(2)) ?? .max, $1) }
        blinkComponents = model.expressions.indices.filter { model.expressions[$0].actionUnit == 45 }
    }

    /// The number of expression components.
    public var count: Int { names.count }

    /// Whether `key` names component `c` (by name or FACS label, case-insensitively).
    public func key(_ key: String, names c: Int) -> Bool {
        let k = key.uppercased()
        return names[c].uppercased() == k || labels[c].uppercased() == k
    }

    /// Whether `key` names the jaw action unit `label` (AU26 or AU27).
    public func key(_ key: String, namesJaw label: String) -> Bool {
        jawDegrees != nil && key.uppercased() == label
    }

    /// The product of the values in `table` whose keys name component `c` (1 when none does).
    public func factor(_ table: [String: Double], component c: Int) -> Double {
        table.reduce(1) { key($1.key, names: c) ? $0 * $1.value : $0 }
    }

    /// The sum of the values in `table` whose keys name component `c` (0 when none does).
    public func sum(_ table: [String: Double], component c: Int) -> Double {
        table.reduce(0) { key($1.key, names: c) ? $0 + $1.value : $0 }
    }

    /// The product of the values in `table` whose keys name the jaw action unit `label`.
    public func factor(_ table: [String: Double], jaw label: String) -> Double {
        table.reduce(1) { key($1.key, namesJaw: label) ? $0 * $1.value : $0 }
    }

    /// The sum of the values in `table` whose keys name the jaw action unit `label`.
    public func sum(_ table: [String: Double], jaw label: String) -> Double {
        table.reduce(0) { key($1.key, namesJaw: label) ? $0 + $1.value : $0 }
    }

    /// The FACS labels that `response` names (directly, or through a component name), in `allLabels` order.
    public func labels(namedBy response: SyntheticCohortResponseModel) -> [String] {
        let named = response.actionUnitNames
        return allLabels.filter { label in
            named.contains { name in key(name, namesJaw: label) || names.indices.contains { labels[$0] == label && key(name, names: $0) } }
        }
    }

    /// Checks that every action unit `response` names exists in the model.
    /// - Throws: `UsageError` naming the first unknown action unit.
    public func check(_ response: SyntheticCohortResponseModel) throws {
        for name in response.actionUnitNames {
            let known = names.indices.contains { key(name, names: $0) } || key(name, namesJaw: "AU26") || key(name, namesJaw: "AU27")
            guard known else {
                throw UsageError("response model '\(response.name)': the face model has no action unit '\(name)' "
                                 + "(it has \(allLabels.joined(separator: ", ")), and component names such as \(names.prefix(3).joined(separator: ", ")))")
            }
        }
        if blinkComponents.isEmpty && response.blinks.ratePerMinute > 0 {
            throw UsageError("response model '\(response.name)': blinks need AU45, which the face model lacks (set blinks.ratePerMinute to 0)")
        }
    }
}
