import Atlas
import FaceAtlasTestSupport
import FaceAtlasCore
import Foundation
import Testing

@Suite struct CohortManifestTests {
    func write(_ text: String, files: [String] = ["a.npz", "b.npz", "c.npz"]) throws -> URL {
        let folder = AtlasFixture.temporaryFolder()
        for f in files { try Data("x".utf8).write(to: folder.appendingPathComponent(f)) }
        let url = folder.appendingPathComponent("manifest.csv")
        try Data(text.utf8).write(to: url)
        return url
    }

    func expectError(_ url: URL, line: Int?, _ fragment: String) {
        do {
            _ = try CohortManifest.read(url)
            Issue.record("expected an error containing '\(fragment)'")
        } catch let error as FileError {
            #expect(error.path == url.path)
            #expect(error.location == line.map { "line \($0)" })
            #expect(error.problem.contains(fragment), "\(error.problem)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func readsColumnsInAnyOrderWithScoresCommentsAndRelativePaths() throws {
        let url = try write("""
        # a hand-written manifest
        Group, Subject, stimulus, file, weight, onset, HAMD, YMRS
        MDD, S1, happiness, a.npz, 2, 0.5, 24,
        MDD, S1, sadness, b.npz, , , 24, 3

        BD, S2, happiness, c.npz, 1, 0, 12, 20
        """)
        let m = try CohortManifest.read(url)
        #expect(m.entries.count == 3)
        #expect(m.scoreNames == ["HAMD", "YMRS"])
        #expect(m.entries[0].subject == "S1" && m.entries[0].group == "MDD" && m.entries[0].weight == 2 && m.entries[0].onset == 0.5)
        #expect(m.entries[1].weight == 1 && m.entries[1].onset == 0)
        #expect(m.entries[0].file.path == url.deletingLastPathComponent().appendingPathComponent("a.npz").path)
        #expect(m.entries[0].line == 3 && m.entries[2].line == 6)
        #expect(m.entries[0].scores["YMRS"]!.isNaN)
        #expect(m.score("YMRS", ofSubject: "S1") == 3)
        #expect(m.groups == ["MDD", "BD"])
        #expect(m.stimuli == ["happiness", "sadness"])
        // Written and read back.
        let copy = url.deletingLastPathComponent().appendingPathComponent("copy.csv")
        try m.write(to: copy)
        let again = try CohortManifest.read(copy)
        #expect(again.entries.map(\.file) == m.entries.map(\.file))
        #expect(again.entries.map(\.weight) == m.entries.map(\.weight))
        #expect(again.score("HAMD", ofSubject: "S2") == 12)
    }

    @Test func refusesBadManifestsNamingTheLine() throws {
        expectError(try write("subject,group,stimulus,file\nS1,MDD,happiness,missing.npz\n"), line: 2, "does not exist")
        expectError(try write("subject,group,stimulus,file\nS1,MDD,happiness,a.npz\nS1,MDD,happiness,b.npz\n"), line: 3, "appear twice")
        expectError(try write("subject,group,stimulus,file\nS1,MDD,happiness,a.npz\nS1,BD,sadness,b.npz\n"), line: 3, "belongs to one group")
        expectError(try write("subject,group,file\nS1,MDD,a.npz\n"), line: 1, "no 'stimulus' column")
        expectError(try write("subject,group,stimulus,file,weight\nS1,MDD,happiness,a.npz,-1\n"), line: 2, "weight")
        expectError(try write("subject,group,stimulus,file,HAMD\nS1,MDD,happiness,a.npz,high\n"), line: 2, "not a number")
        expectError(try write("subject,group,stimulus,file\nS1,MDD,happiness\n"), line: 2, "truncated")
        expectError(try write("subject,group,stimulus,file\n"), line: 1, "no entries")
        expectError(try write("subject,group,stimulus,file,HAMD\nS1,MDD,happiness,a.npz,20\nS1,MDD,sadness,b.npz,21\n"), line: 3, "a score belongs to the subject")
        expectError(try write("subject,group,stimulus,file\nS1,,happiness,a.npz\n"), line: 2, "'group' cell is empty")
    }
}
