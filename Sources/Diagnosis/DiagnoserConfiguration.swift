/// What a diagnoser is: its classes, backbone width, input size, dropout and input normalization.
/// Stored in the `meta` of its weight file.
public struct DiagnoserConfiguration: Codable, Sendable, Equatable {
    /// The class names, in output order (the paper's MDD, BD, HC by default).
    public var classes: [String]
    /// The ResNet-18 base width (64 as torchvision; smaller for tests).
    public var baseWidth: Int
    /// The side of the square network input, in pixels (224 as the paper).
    public var inputSize: Int
    /// Dropout on the pooled features before the head (0: none).
    public var dropout: Float
    /// Per-channel RGB mean subtracted after scaling to [0, 1] (ImageNet's by default).
    public var mean: [Float]
    /// Per-channel RGB standard deviation divided by (ImageNet's by default).
    public var standardDeviation: [Float]

    /// The paper's diagnoser: MDD/BD/HC, ResNet-18 width 64, 224×224 input, ImageNet normalization.
    public init(classes: [String] = ["MDD", "BD", "HC"], baseWidth: Int = 64, inputSize: Int = 224, dropout: Float = 0,
                mean: [Float] = [0.485, 0.456, 0.406], standardDeviation: [Float] = [0.229, 0.224, 0.225]) {
        self.classes = classes
        self.baseWidth = baseWidth
        self.inputSize = inputSize
        self.dropout = dropout
        self.mean = mean
        self.standardDeviation = standardDeviation
    }

    /// The length of the feature vector the head reads (8 × base width; 512 as the paper).
    public var featureCount: Int { baseWidth * 8 }
}
