import FaceModel
import Foundation
import ModelAuthoring
import Testing
@testable import RealFaces

/// The measures of `bench real` on hand-made numbers: label verdicts, left/right pooling and the jaw,
/// identity plausibility, landmark NME.
struct JudgingTests {
    static let label = ExpressionLabel(file: "a.jpg", expression: "surprise", mustBeActive: ["AU1", "AU26"],
                                       mustBeQuiet: ["AU4", "AU12"], line: 7)

    @Test func theBoundsThemselvesPass() {
        let verdict = ActionUnitCriteria().judge(Self.label, intensities: ["AU1": 0.35, "AU26": 1, "AU4": 0.15, "AU12": 0])
        #expect(verdict.passed && verdict.failures.isEmpty && verdict.line == 7 && verdict.expression == "surprise")
    }

    @Test func justOutsideTheBoundsFails() {
        let verdict = ActionUnitCriteria().judge(Self.label, intensities: ["AU1": 0.3499, "AU26": 0.9, "AU4": 0.1501, "AU12": 0.8])
        #expect(!verdict.passed)
        #expect(verdict.failures == [
            .init(actionUnit: "AU1", requirement: .active, value: 0.3499, threshold: 0.35),
            .init(actionUnit: "AU4", requirement: .quiet, value: 0.1501, threshold: 0.15),
            .init(actionUnit: "AU12", requirement: .quiet, value: 0.8, threshold: 0.15),
        ])
        #expect(verdict.failures.map(\.summary) == ["AU1 0.350 < 0.35", "AU4 0.150 > 0.15", "AU12 0.800 > 0.15"])
    }

    @Test func unmeasuredActionUnitsFail() {
        let verdict = ActionUnitCriteria().judge(Self.label, intensities: ["AU1": 0.9, "AU26": .nan, "AU4": 0])
        #expect(verdict.failures.map(\.actionUnit) == ["AU26", "AU12"])
        #expect(verdict.failures.allSatisfy { $0.value == nil })
        #expect(verdict.failures[0].summary == "AU26 not measured")
    }

    @Test func otherThresholds() {
        let criteria = ActionUnitCriteria(quietMaximum: 0.05, activeMinimum: 0.6)
        let verdict = criteria.judge(Self.label, intensities: ["AU1": 0.5, "AU26": 0.6, "AU4": 0.1, "AU12": 0.05])
        #expect(verdict.failures.map(\.actionUnit) == ["AU1", "AU4"])
    }

    @Test func verdictsEncodeWhetherTheyPassed() throws {
        let verdict = ActionUnitCriteria().judge(Self.label, intensities: ["AU1": 0.1, "AU26": 1, "AU4": 0, "AU12": 0])
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(verdict)) as? [String: Any]
        #expect(json?["passed"] as? Bool == false)
        let back = try JSONDecoder().decode(LabelVerdict.self, from: JSONEncoder().encode(verdict))
        #expect(back == verdict)
    }

    @Test func identityPlausibility() {
        let k = 40
        var beta = [Double](repeating: 0.5, count: k)
        var p = IdentityPlausibility(identity: beta)
        #expect(p.components == 40 && abs(p.norm - 0.5 * 40.0.squareRoot()) < 1e-12 && p.isPlausible)
        #expect(abs(p.normBound - 1.5 * 40.0.squareRoot()) < 1e-12)
        beta[7] = -4.5
        beta[9] = 3.2
        p = IdentityPlausibility(identity: beta)
        #expect(p.maximumAbsolute == 4.5 && p.maximumComponent == 7 && p.beyond3SD == 2 && p.beyond4SD == 1 && !p.isPlausible)
        // Every coefficient within 4 SD, but the norm beyond 1.5·√K.
        p = IdentityPlausibility(identity: [Double](repeating: 1.6, count: k))
        #expect(p.beyond4SD == 0 && p.norm > p.normBound && !p.isPlausible)
        p = IdentityPlausibility(identity: [4.0])
        #expect(p.beyond4SD == 0 && p.beyond3SD == 1 && p.normBound == 1.5 && !p.isPlausible)
    }

    @Test func landmarkNME() {
        var input = (0..<68).map { SIMD2(Double($0), 0) }
        input[36] = SIMD2(0, 0)
        input[45] = SIMD2(100, 0)
        let fitted = input.map { $0 + SIMD2(3, 4) }  // 5 px everywhere
        #expect(abs(LandmarkNME.of(fitted: fitted, input: input) - 0.05) < 1e-12)
        // Points without weight or NaN do not count.
        var moved = fitted
        moved[0] = SIMD2(.nan, .nan)
        moved[1] += SIMD2(1000, 0)
        var weights = [Double](repeating: 1, count: 68)
        weights[1] = 0
        #expect(abs(LandmarkNME.of(fitted: moved, input: input, weights: weights) - 0.05) < 1e-12)
        var blind = input
        blind[45] = SIMD2(.nan, .nan)
        #expect(LandmarkNME.of(fitted: fitted, input: blind).isNaN)
    }
}

/// Pooling on the default model (built by `scripts/bootstrap`).
struct PoolingTests {
    static let model: Result<FaceModel, Error> = Result {
        let templates = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Templates")
        return try FaceModelFile.read(DefaultModelBuilder.defaultModelURL(templates: templates)).model
    }

    @Test func leftAndRightPoolToTheLargerAndTheJawIsAU26() throws {
        let model = try Self.model.get()
        let pooling = ActionUnitPooling(model: model)
        #expect(pooling.labels.first == "AU1" && pooling.labels.suffix(2) == ["AU26", "AU27"])
        #expect(Set(pooling.labels).count == pooling.labels.count)
        var expression = [Double](repeating: 0, count: model.expressionCount)
        expression[try #require(model.expressionIndex(named: "AU1L"))] = 0.2
        expression[try #require(model.expressionIndex(named: "AU1R"))] = 0.6
        expression[try #require(model.expressionIndex(named: "AU17"))] = 0.3
        let jaw = try #require(model.jaw)
        let half = Double(jaw.jawDropDegrees) / 2 * .pi / 180
        let pooled = pooling.pool(expression: expression, jaw: SIMD3(half, 0, 0))
        #expect(pooled["AU1"] == 0.6 && pooled["AU17"] == 0.3 && pooled["AU12"] == 0)
        #expect(abs(pooled["AU26"]! - 0.5) < 1e-9)
        #expect(abs(pooled["AU27"]! - Double(jaw.jawDropDegrees) / 2 / Double(jaw.mouthStretchDegrees)) < 1e-9)
        #expect(pooled["AU1L"] == nil)
        // Beyond the AU26 angle the jaw counts as AU26 at 1.
        let wide = pooling.pool(expression: expression, jaw: SIMD3(0.6, 0, 0))
        #expect(wide["AU26"] == 1 && abs(ActionUnitPooling.jawDegrees(SIMD3(0.6, 0, 0)) - 0.6 * 180 / .pi) < 1e-9)
        // It is the inverse of how FaceParameters turns AU26 into a jaw angle.
        let parameters = try FaceParameters(model: model, settings: ["AU26": 0.4])
        let back = pooling.pool(expression: expression, jaw: SIMD3<Double>(parameters.jaw))
        #expect(abs(back["AU26"]! - 0.4) < 1e-6)
    }
}
