import Fitting
import Foundation
import Testing

@Suite struct LandmarkNoiseTests {
    @Test func byFeatureTrustsEyesAndLipsMoreThanTheJawline() {
        let noise = LandmarkNoise.byFeature
        #expect(noise.weight(of: 40) == 4)                       // a lower lid: half a noise unit
        #expect(abs(noise.weight(of: 8) - 0.5) < 1e-12)          // the chin: √2 units
        #expect(abs(noise.weight(of: 54) - 2) < 1e-12)           // a lip corner: 1/√2 units
        #expect(noise.weight(of: 19) == 1 && noise.weight(of: 30) == 1)
        #expect((0..<68).allSatisfy { LandmarkNoise.uniform.weight(of: $0) == 1 })
    }

    /// When the eye points disagree with the rest of the face, the by-feature fit follows the eyes more
    /// closely than the uniform one: the weights reach the solver.
    @Test func theFitFollowsThePreciseLandmarks() throws {
        let rows = ToyModel.rows()
        let options = SyntheticSequenceGenerator.Options.exact(frames: 6, activeActionUnits: 1)
        var (observed, _) = SyntheticSequenceGenerator(rows: rows, options: options).make(seed: 5)
        for t in 0..<observed.count {
            for i in 36..<48 { observed.points[t][i].y -= 6 }       // the eyes sit 6 px higher than the model can follow
        }
        func residuals(_ noise: LandmarkNoise) throws -> (eyes: Double, others: Double) {
            var settings = FitSettings()
            settings.landmarkNoise = noise
            let seq = try SequenceFitter(rows: rows, settings: settings).fit([observed]).sequences[0]
            var eyes = 0.0, others = 0.0
            for t in 0..<observed.count {
                for i in 0..<68 {
                    let d = seq.landmarks[t][i] - observed.points[t][i]
                    let e = (d.x * d.x + d.y * d.y).squareRoot()
                    if (36..<48).contains(i) { eyes += e / 12 } else { others += e / 56 }
                }
            }
            return (eyes / Double(observed.count), others / Double(observed.count))
        }
        let uniform = try residuals(.uniform), byFeature = try residuals(.byFeature)
        #expect(byFeature.eyes < 0.8 * uniform.eyes, "eye residual \(byFeature.eyes) px by feature, \(uniform.eyes) px uniform")
    }
}

@Suite struct SmoothingIntervalTests {
    @Test func smoothingWeightsFollowTheFrameStep() {
        let settings = FitSettings()
        #expect(settings.smoothingScale(timeStep: 0.2) == 1)              // the study's 5 FPS
        #expect(abs(settings.smoothingScale(timeStep: 0.5) - 0.4) < 1e-12) // 2 FPS: half a second between frames
        #expect(settings.smoothingScale(timeStep: 1.0 / 30) == 1)          // closer frames keep the 5 FPS weights
        #expect(settings.smoothingScale(timeStep: 10) == 0.1)              // at least a tenth
        #expect(settings.smoothingScale(timeStep: 0) == 1 && settings.smoothingScale(timeStep: .nan) == 1)
    }

    /// The same motion sampled at 2 and at 5 FPS is smoothed alike: with one weight per frame pair, the
    /// 2 FPS fit lags a turning head much more.
    @Test func aTurningHeadIsFollowedAtLowFrameRates() throws {
        let rows = ToyModel.rows()
        func yawLag(fps: Double, scaled: Bool) throws -> Double {
            var options = SyntheticSequenceGenerator.Options.exact(frames: Int(4 * fps), activeActionUnits: 1)
            options.fps = fps
            options.maxYawDegrees = 30
            let (observed, truth) = SyntheticSequenceGenerator(rows: rows, options: options).make(seed: 7)
            var settings = FitSettings()
            settings.identityFrames = 0
            if !scaled { settings.smoothingInterval = 0 }
            let seq = try SequenceFitter(rows: rows, settings: settings).fit([observed]).sequences[0]
            var total = 0.0
            for t in 0..<observed.count {
                let err = (Rotation3(axisAngle: seq.rotation[t]) * truth.rotation[t].transposed).axisAngle
                total += (err * err).sum().squareRoot() * 180 / .pi
            }
            return total / Double(observed.count)
        }
        let scaled = try yawLag(fps: 2, scaled: true), perPair = try yawLag(fps: 2, scaled: false)
        #expect(scaled < perPair, "2 FPS rotation error \(scaled)° scaled, \(perPair)° per pair")
    }
}
