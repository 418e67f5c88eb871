import Atlas
import FaceAtlasTestSupport
import FaceModel
import Foundation
import Testing

@Suite struct MotionEnergyTests {
    /// The RMS displacement of a feature's vertices, measured on the meshes.
    func measured(_ model: FaceModel, _ feature: BiomarkerFeature, _ p: FaceParameters) -> Double {
        let neutral = model.vertices(FaceParameters(identity: p.identity))
        let moved = model.vertices(p)
        let labels = feature.kind == .region ? model.vertexRegions : model.vertexOrgans
        var sum = 0.0, n = 0
        for v in 0..<model.vertexCount where Int(labels[v]) == feature.number {
            let d = moved[v] - neutral[v]
            sum += Double((d * d).sum())
            n += 1
        }
        return (sum / Double(max(n, 1))).squareRoot()
    }

    @Test func matchesTheMeshDisplacementForActionUnitsAndTheJaw() throws {
        let model = try AtlasFixture.model
        let energy = MotionEnergy(model: model)
        let identity: [Float] = [1.5, -1, 0.5]
        let expression = try FaceParameters(model: model, identity: identity, settings: ["AU6": 0.8, "AU1": 0.5, "AU12": 1]).expression
        // Action units alone: exact (the expression basis is linear and identity-independent).
        let p = FaceParameters(identity: identity, expression: expression)
        let computed = energy.energies(expression: expression, jaw: .zero)
        for (i, feature) in energy.features.enumerated() {
            #expect(abs(computed[i] - measured(model, feature, p)) < 1e-3 + 1e-4 * computed[i], "\(feature.column)")
        }
        // The jaw is linearised: within 3 % at 12°.
        let jaw = Jaw.opening(degrees: 12)
        let withJaw = FaceParameters(identity: [], expression: [], jaw: jaw)
        let jawEnergy = energy.energies(expression: [Float](repeating: 0, count: model.expressionCount), jaw: jaw)
        let chin = energy.features.firstIndex { $0.kind == .region && $0.number == FaceRegion.chin.rawValue }!
        let measuredChin = measured(model, energy.features[chin], withJaw)
        #expect(measuredChin > 2, "the chin must move when the jaw opens")
        #expect(abs(jawEnergy[chin] - measuredChin) / measuredChin < 0.03)
        // The right action units move the right places.
        let outerCorners = [FaceRegion.rightOuterEyeCorner, .leftOuterEyeCorner].map { r in computed[energy.features.firstIndex { $0.kind == .region && $0.number == r.rawValue }!] }
        let forehead = computed[energy.features.firstIndex { $0.kind == .region && $0.number == FaceRegion.centralForehead.rawValue }!]
        #expect(outerCorners.allSatisfy { $0 > 0.3 })
        #expect(forehead > 0.05)
    }

    @Test func aRecordingsEnergyIsTheRMSOverItsValidFrames() throws {
        let model = try AtlasFixture.model
        let energy = MotionEnergy(model: model)
        let e = model.expressionCount
        let a = try FaceParameters(model: model, settings: ["AU12": 1]).expression
        let zero = [Float](repeating: 0, count: e)
        // Frames: AU12 at 1, neutral, and an invalid frame with a huge value that must not count.
        let moment = energy.secondMoment(expression: [a, zero, a.map { $0 * 50 }], jaw: [[0, 0, 0], [0, 0, 0], [0, 0, 0]], confidence: [1, 1, 0])!
        let recording = energy.energies(secondMoment: moment)
        let single = energy.energies(expression: a, jaw: .zero)
        for i in recording.indices { #expect(abs(recording[i] - single[i] / 2.squareRoot()) < 1e-9 + 1e-9 * single[i]) }
        #expect(energy.secondMoment(expression: [a], jaw: [[0, 0, 0]], confidence: [0]) == nil)
    }
}
