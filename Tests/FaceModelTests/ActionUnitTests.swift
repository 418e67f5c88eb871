import FaceModel
import Testing

/// Each action unit moves the landmarks its FACS description says it moves, in the direction
/// it says, and leaves alone those it must not move (head frame: x to the subject's left, y up, z forward).
@Suite struct ActionUnitTests {
    struct Motion {
        let neutral: [SIMD3<Float>]
        let moved: [SIMD3<Float>]
        func d(_ i: Int) -> SIMD3<Float> { moved[i] - neutral[i] }
        func length(_ i: Int) -> Float { distance(moved[i], neutral[i]) }
        func gap(_ a: Int, _ b: Int) -> (before: Float, after: Float) { (distance(neutral[a], neutral[b]), distance(moved[a], moved[b])) }
        func maxMotion(_ ids: some Sequence<Int>) -> Float { ids.map(length).max() ?? 0 }
    }

    func motion(_ settings: [String: Float]) throws -> Motion {
        let model = try DefaultModelFixture.model
        let p = try FaceParameters(model: model, settings: settings)
        return Motion(neutral: model.landmarkPositions(), moved: model.landmarkPositions(p))
    }

    static let rightSide = [17, 18, 19, 20, 21, 36, 37, 38, 39, 40, 41, 48, 49, 59, 60, 31]
    static let mouth = Array(48...67)
    static let brows = Array(17...26)
    static let eyes = Array(36...47)

    @Test func au1RaisesTheInnerBrow() throws {
        let m = try motion(["AU1L": 1])
        #expect(m.d(22).y > 1.5)                        // left inner brow up
        #expect(m.d(22).y > m.d(26).y)                  // inner more than outer
        #expect(m.maxMotion([17, 18, 19]) < 0.5)        // the right brow's outer part stays
        #expect(m.maxMotion(Self.mouth) < 0.2)
    }

    @Test func au2RaisesTheOuterBrow() throws {
        let m = try motion(["AU2L": 1])
        #expect(m.d(26).y > 1.5)
        #expect(m.d(26).y > m.d(22).y)
        #expect(m.maxMotion(Self.rightSide) < 0.2)
    }

    @Test func au4LowersAndDrawsTogetherTheBrows() throws {
        let m = try motion(["AU4": 1])
        #expect(m.d(22).y < -1 && m.d(21).y < -1)       // down
        #expect(m.d(22).x < 0 && m.d(21).x > 0)         // towards the midline
        #expect(m.maxMotion(Self.mouth) < 0.2)
    }

    @Test func au5RaisesTheUpperLid() throws {
        let m = try motion(["AU5L": 1])
        #expect(m.d(43).y > 0.5 && m.d(44).y > 0.5)
        #expect(m.gap(44, 46).after > m.gap(44, 46).before)  // eye opens
        #expect(m.maxMotion(Self.rightSide) < 0.2)
    }

    @Test func au6LiftsTheCheekAndNarrowsTheOuterEyeCorner() throws {
        let model = try DefaultModelFixture.model
        let p = try FaceParameters(model: model, settings: ["AU6L": 1])
        let before = model.vertices(), after = model.vertices(p)
        // Cheek: skin of region 11 (left cheek) moves up on average.
        let cheek = model.vertexRegions.indices.filter { model.vertexRegions[$0] == 11 }
        let lift = cheek.map { after[$0].y - before[$0].y }.reduce(0, +) / Float(cheek.count)
        #expect(lift > 0.5)
        let m = try motion(["AU6L": 1])
        #expect(m.d(46).y > 0.3)                        // lower lid pushed up at the outer side
        #expect(m.gap(44, 46).after < m.gap(44, 46).before)  // outer eye narrows
        #expect(m.maxMotion(Self.rightSide) < 0.3)
    }

    @Test func au7TightensTheLowerLid() throws {
        let m = try motion(["AU7L": 1])
        #expect(m.d(46).y > 0.3 && m.d(47).y > 0.3, "lower lid rises: 46 by \(m.d(46).y) mm, 47 by \(m.d(47).y) mm")
        #expect(m.gap(43, 47).after < m.gap(43, 47).before)
        #expect(m.maxMotion(Self.mouth) < 0.2)
    }

    @Test func au9WrinklesTheNoseAndLiftsTheWing() throws {
        let m = try motion(["AU9L": 1])
        #expect(m.d(35).y > 0.3)
        #expect(m.maxMotion(Self.rightSide.filter { $0 != 31 }) < 0.3)
    }

    @Test func au10RaisesTheUpperLip() throws {
        let m = try motion(["AU10": 1])
        #expect(m.d(50).y > 1 && m.d(52).y > 1)
        #expect(m.maxMotion(Self.brows) < 0.2)
    }

    @Test func au12PullsTheLipCornerUpBackAndOut() throws {
        let m = try motion(["AU12L": 1])
        #expect(m.d(54).y > 2)                          // up
        #expect(m.d(54).x > 2)                          // out (subject's left is +x)
        #expect(m.d(54).z < -1)                         // back
        #expect(m.length(48) < 0.3 * m.length(54))      // unilateral
        #expect(m.maxMotion(Self.brows) < 0.2)
    }

    @Test func au14DimplesTheCorner() throws {
        let m = try motion(["AU14L": 1])
        #expect(m.d(54).z < -1 && m.d(54).x > 1)
    }

    @Test func au15PullsTheCornerDown() throws {
        let m = try motion(["AU15L": 1])
        #expect(m.d(54).y < -1.5)
        #expect(m.length(48) < 0.3 * m.length(54))
    }

    @Test func au17PushesTheChinAndLowerLipUp() throws {
        let m = try motion(["AU17": 1])
        #expect(m.d(57).y > 1)
        #expect(m.maxMotion(Self.brows) < 0.2)
    }

    @Test func au20StretchesTheLipsSideways() throws {
        let m = try motion(["AU20": 1])
        #expect(m.gap(48, 54).after > m.gap(48, 54).before + 4)
    }

    @Test func au23And24NarrowOrPressTheLips() throws {
        for au in ["AU23", "AU24"] {
            let m = try motion([au: 1])
            #expect(m.gap(51, 57).after < m.gap(51, 57).before - 0.5, "\(au) should narrow the lips")
            #expect(m.maxMotion(Self.brows) < 0.2)
        }
    }

    @Test func au25PartsTheLips() throws {
        let m = try motion(["AU25": 1])
        #expect(m.gap(62, 66).after > m.gap(62, 66).before + 1)
        #expect(m.length(8) < 1.5, "AU25 parts the lips without dropping the jaw")
    }

    @Test func au26And27OpenTheJaw() throws {
        let drop = try motion(["AU26": 1])
        #expect(drop.d(8).y < -5)                       // chin down
        #expect(drop.gap(62, 66).after > drop.gap(62, 66).before + 5)
        #expect(drop.length(51) < 0.3 * drop.length(57))  // upper lip stays with the skull
        #expect(drop.maxMotion(Self.brows + Self.eyes) < 0.05)
        let stretch = try motion(["AU27": 1])
        #expect(stretch.d(8).y < drop.d(8).y)           // wider than AU26
    }

    @Test func au45ClosesTheEye() throws {
        let m = try motion(["AU45L": 1])
        // Vertical lid opening (the closed lid bulges forward over the eyeball, so depth is left out).
        let before = m.neutral[44].y - m.neutral[46].y, after = m.moved[44].y - m.moved[46].y
        #expect(after < 0.25 * before, "upper lid should meet the lower lid: \(before) → \(after) mm")
        #expect(m.maxMotion(Self.rightSide) < 0.2)
        // ARKit alias drives the same component.
        let alias = try motion(["eyeBlinkLeft": 1])
        #expect(alias.moved == m.moved)
    }

    @Test func bilateralLabelDrivesBothSides() throws {
        let both = try motion(["AU12": 1])
        #expect(both.d(54).y > 2 && both.d(48).y > 2)
        #expect(abs(both.d(54).x + both.d(48).x) < 0.5)  // mirror-symmetric
    }

    @Test func unknownNamesAreRefused() throws {
        let model = try DefaultModelFixture.model
        #expect(throws: FaceModelError.self) { try FaceParameters(model: model, settings: ["AU99": 1]) }
    }
}
