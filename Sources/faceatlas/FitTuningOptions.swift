import ArgumentParser
import Fitting

/// Fitter weights the benchmarks can be rerun with (for tuning; unset options keep `faceatlas fit`'s defaults).
struct FitTuningOptions: ParsableArguments {
    @Option(help: "Tuning: the identity prior weight (default: as 'faceatlas fit').") var identityPrior: Double?
    @Option(help: "Tuning: the expression L1 sparsity weight (default: as 'faceatlas fit').") var sparsity: Double?
    @Option(help: "Tuning: the weight of MediaPipe's dense points against the 68 iBUG points (default: as 'faceatlas fit').") var denseWeight: Double?
    @Option(help: "Tuning: the expression L2 prior weight (default: as 'faceatlas fit').") var expressionPrior: Double?
    @Option(help: "Tuning: landmark precision, 'by-feature' (eyes and lips more precise than the jawline; the default) or 'uniform'.")
    var landmarkNoise: LandmarkNoise?

    /// Applies the options that are set to `settings`.
    func apply(to settings: inout FitSettings) {
        if let identityPrior { settings.identityPrior = identityPrior }
        if let sparsity { settings.expressionSparsity = sparsity }
        if let denseWeight { settings.denseLandmarkWeight = denseWeight }
        if let expressionPrior { settings.expressionPrior = expressionPrior }
        if let landmarkNoise { settings.landmarkNoise = landmarkNoise }
    }
}
