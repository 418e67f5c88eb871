import NeuralNet

/// Maps the state names of other ResNet-18 code onto torchvision's.
enum StateNames {
    /// Self-Cure Network (and the Emoface code built on it) keeps the backbone as
    /// `features = nn.Sequential(*list(resnet.children())[:-1])`, so its names are `features.0.` (conv1),
    /// `features.1.` (bn1) and `features.4.`–`features.7.` (layer1–layer4).
    static let sequentialBackbone: [String: String] = [
        "features.0.": "conv1.", "features.1.": "bn1.",
        "features.4.": "layer1.", "features.5.": "layer2.", "features.6.": "layer3.", "features.7.": "layer4.",
    ]

    /// `state` with `module.` prefixes removed and sequential backbone names made torchvision's.
    static func normalized(_ state: StateDictionary) -> StateDictionary {
        state.map { entry in
            var name = entry.name
            if name.hasPrefix("module.") { name.removeFirst("module.".count) }
            for (from, to) in sequentialBackbone where name.hasPrefix(from) {
                name = to + name.dropFirst(from.count)
                break
            }
            return (name, entry.tensor)
        }
    }
}
