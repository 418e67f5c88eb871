import ArgumentParser

@main
struct FaceAtlasCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "faceatlas",
        abstract: "3D digital face mapping for affective-disorder research and teaching.",
        subcommands: []
    )
}
