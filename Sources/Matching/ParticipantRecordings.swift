import Atlas
import FaceAtlasCore
import Foundation
import ParameterFiles

/// One participant's parameter files, one per stimulus, as the encoders read them.
public struct ParticipantRecordings: Sendable {
    /// One recording with its stimulus onset (s after the first frame).
    public struct Recording: Sendable {
        public var file: ParameterFile
        public var onset: Double
        public init(file: ParameterFile, onset: Double = 0) {
            self.file = file
            self.onset = onset
        }
    }

    /// The participant (pseudonym).
    public var participant: String
    /// The participant's group when known (training data), nil for a patient to classify.
    public var group: String?
    /// The recordings by stimulus.
    public var recordings: [String: Recording]

    public init(participant: String, group: String? = nil, recordings: [String: Recording]) {
        self.participant = participant
        self.group = group
        self.recordings = recordings
    }

    /// The participants of an atlas build's recordings (those with valid frames), in manifest order.
    public static func grouped(_ recordings: [AtlasBuilder.Recording]) -> [ParticipantRecordings] {
        var order: [String] = []
        var byParticipant: [String: ParticipantRecordings] = [:]
        for r in recordings where r.energies != nil {
            let subject = r.entry.subject
            if byParticipant[subject] == nil {
                order.append(subject)
                byParticipant[subject] = ParticipantRecordings(participant: subject, group: r.entry.group, recordings: [:])
            }
            byParticipant[subject]!.recordings[r.entry.stimulus] = Recording(file: r.file, onset: r.entry.onset)
        }
        return order.map { byParticipant[$0]! }
    }

    /// A patient's parameter files, each file's stimulus taken from its header.
    /// - Throws: `FileError` naming a file that cannot be read, or the second file of a stimulus.
    public static func read(_ urls: [URL], participant: String? = nil) throws -> ParticipantRecordings {
        var recordings: [String: Recording] = [:]
        var subject = participant
        for url in urls {
            let file = try ParameterFile.read(url)
            guard recordings[file.meta.stimulus] == nil else {
                throw FileError(url, "is a second recording of stimulus '\(file.meta.stimulus)' for one participant")
            }
            recordings[file.meta.stimulus] = Recording(file: file)
            if subject == nil { subject = file.meta.subject }
        }
        return ParticipantRecordings(participant: subject ?? "patient", recordings: recordings)
    }
}

extension ParticipantRecordings {
    /// Each group's standard face as a participant: its reference profile for every stimulus (aligned to onset).
    public static func standardFaces(_ result: AtlasBuilder.Result) -> [String: ParticipantRecordings] {
        var faces: [String: ParticipantRecordings] = [:]
        for (i, r) in result.index.references.enumerated() {
            faces[r.group, default: ParticipantRecordings(participant: "standard face \(r.group)", group: r.group, recordings: [:])]
                .recordings[r.stimulus] = Recording(file: result.referenceFiles[i])
        }
        return faces
    }

    /// Each group's standard face as a participant, read from an atlas folder.
    public static func standardFaces(_ atlas: Atlas) throws -> [String: ParticipantRecordings] {
        var faces: [String: ParticipantRecordings] = [:]
        for r in atlas.index.references {
            let face = try atlas.reference(group: r.group, stimulus: r.stimulus)
            faces[r.group, default: ParticipantRecordings(participant: "standard face \(r.group)", group: r.group, recordings: [:])]
                .recordings[r.stimulus] = Recording(file: face.profile)
        }
        return faces
    }
}
