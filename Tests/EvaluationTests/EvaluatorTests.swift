import FaceAtlasCore
import Foundation
import Testing
@testable import Evaluation

@Suite struct EvaluatorTests {
    private let participants = (0..<30).map { "p\($0)" }
    private let labels = (0..<30).map { ["A", "B", "C"][$0 % 3] }

    @Test func theMethodNeverSeesATestParticipantInTraining() throws {
        let participants = self.participants
        let evaluator = Evaluator(method: "probe", classes: ["A", "B", "C"], design: .folds(3), seed: 1)
        let (summary, predictions) = try evaluator.evaluate(participants: participants, labels: labels) { training, test, labels in
            #expect(Set(training).isDisjoint(with: test))
            #expect(training.count == 20 && test.count == 10)
            // Predict the training majority (all tied: the first class), with uniform probabilities.
            return test.map { _ in MethodAnswer(predicted: "A", probabilities: [1.0 / 3, 1.0 / 3, 1.0 / 3]) }
        }
        #expect(summary.participants == 30 && abs(summary.accuracy.value - 1.0 / 3) < 1e-12)
        #expect(Set(predictions.map(\.participant)) == Set(participants) && predictions.allSatisfy { $0.predicted == "A" })
        #expect(summary.macroAUC?.value == 0.5)
        #expect(summary.permutationTest == nil)
    }

    @Test func unknownLabelsAreRejected() {
        let evaluator = Evaluator(method: "probe", classes: ["A", "B"], design: .folds(3), seed: 1)
        #expect(throws: UsageError.self) {
            try evaluator.evaluate(participants: participants, labels: labels) { _, test, _ in
                test.map { _ in MethodAnswer(predicted: "A", probabilities: [0.5, 0.5]) }
            }
        }
    }

    @Test func designDescriptions() {
        #expect(EvaluationDesign.folds(5).description.hasPrefix("5-fold cross-validation"))
        #expect(EvaluationDesign.split(SplitRatio("7:2:1")!).description.contains("7:2:1 split (training:validation:test)"))
    }
}
