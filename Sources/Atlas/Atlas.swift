import FaceAtlasCore
import FaceModel
import Foundation
import NumPyFormat
import ParameterFiles

/// An atlas folder: the index, the reference faces and the biomarker tables (layout in `AtlasIndex`).
public struct Atlas: Sendable {
    /// The folder.
    public let folder: URL
    public let index: AtlasIndex

    /// Opens the atlas in `folder`.
    /// - Throws: `FileError` naming `atlas.json` when it is missing, unreadable or of another format.
    public static func read(_ folder: URL) throws -> Atlas {
        let url = folder.appendingPathComponent("atlas.json")
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw FileError(folder, "is not an atlas folder (no atlas.json; build one with `faceatlas atlas build`)")
        }
        let data = try AtomicFile.read(url)
        let index: AtlasIndex
        do {
            index = try JSONDecoder().decode(AtlasIndex.self, from: data)
        } catch {
            throw FileError(url, "is not a valid atlas index: \(error)")
        }
        guard index.format == AtlasIndex.formatName, index.version == AtlasIndex.formatVersion else {
            throw FileError(url, "has format '\(index.format)' version \(index.version); this FaceAtlas reads '\(AtlasIndex.formatName)' version \(AtlasIndex.formatVersion)")
        }
        return Atlas(folder: folder, index: index)
    }

    /// The index entry of a group's reference for a stimulus.
    /// - Throws: `UsageError` listing what the atlas has when there is no such reference.
    public func entry(group: String, stimulus: String) throws -> AtlasIndex.Reference {
        guard let r = index.references.first(where: { $0.group == group && $0.stimulus == stimulus }) else {
            throw UsageError("the atlas in \(folder.path) has no reference for group '\(group)' and stimulus '\(stimulus)'; "
                             + "groups: \(index.groups.map(\.name).joined(separator: ", ")); stimuli: \(index.stimuli.joined(separator: ", "))")
        }
        return r
    }

    /// Loads a group's reference face for a stimulus.
    public func reference(group: String, stimulus: String) throws -> ReferenceFace {
        let entry = try entry(group: group, stimulus: stimulus)
        let file = try ParameterFile.read(folder.appendingPathComponent(entry.file))
        return ReferenceFace(group: group, stimulus: stimulus, identity: file.shape,
                             peakExpression: entry.peakExpression.map(Float.init),
                             peakJaw: SIMD3(Float(entry.peakJaw[0]), Float(entry.peakJaw[1]), Float(entry.peakJaw[2])),
                             profile: file, motionEnergy: entry.motionEnergy)
    }

    /// Writes a built atlas into `folder` as a whole (replacing an earlier atlas there only when complete).
    public static func write(_ result: AtlasBuilder.Result, to folder: URL) throws {
        var seen = Set<String>()
        for r in result.index.references where !seen.insert(r.file).inserted {
            throw UsageError("two groups or stimuli map to the same file name '\(r.file)'; rename the labels in the manifest")
        }
        try AtomicFile.writeFolder(at: folder) { staging in
            for (i, reference) in result.index.references.enumerated() {
                try AtomicFile.createFolder(staging.appendingPathComponent(reference.file).deletingLastPathComponent())
                try result.referenceFiles[i].write(to: staging.appendingPathComponent(reference.file))
                try NPZArchive.write(result.spreads[i], to: staging.appendingPathComponent(reference.spreadFile), compressed: true)
            }
            let tables = staging.appendingPathComponent("biomarkers")
            try AtomicFile.write(Data(BiomarkerTables.participants(result).utf8), to: tables.appendingPathComponent("participants.csv"))
            try AtomicFile.write(Data(BiomarkerTables.groups(result).utf8), to: tables.appendingPathComponent("groups.csv"))
            try AtomicFile.write(Data(BiomarkerTables.differences(result.comparisons).utf8), to: tables.appendingPathComponent("differences.csv"))
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try AtomicFile.write(try encoder.encode(result.index), to: staging.appendingPathComponent("atlas.json"))
        }
    }
}
