import FaceModel
import Foundation
import Mesh
import Testing

/// The embedded default model: its size, semantics and proportions.
@Suite struct DefaultModelTests {
    @Test func sizeAndComponents() throws {
        let model = try DefaultModelFixture.model
        #expect(model.vertexCount >= 4000)
        #expect(model.identityCount >= 30)
        #expect(model.identityStandardDeviations == model.identityStandardDeviations.sorted(by: >), "identity components ordered by variance")
        let labels = Set(model.expressions.map(\.facsLabel))
        for au in [1, 2, 4, 5, 6, 7, 9, 10, 12, 14, 15, 17, 20, 23, 24, 25, 45] {
            #expect(labels.contains("AU\(au)"), "AU\(au) missing")
        }
        #expect(model.jaw != nil, "AU26/AU27 need the articulated jaw")
        // Left/right split where FACS scores unilateral action.
        for au in [1, 2, 4, 5, 6, 7, 9, 10, 12, 14, 15, 20, 45] {
            let sides = Set(model.expressions.filter { $0.actionUnit == au }.map(\.side))
            #expect(sides == [.left, .right], "AU\(au) should have left and right components")
        }
        // ARKit names map in (for MediaPipe's blendshape scores).
        for name in ["mouthSmileLeft", "eyeBlinkRight", "browInnerUp", "jawOpen"] where name != "jawOpen" {
            #expect(!model.expressionIndices(named: name).isEmpty, "\(name) has no component")
        }
        #expect(model.expressionIndices(named: "browInnerUp").count == 2)
    }

    @Test func identityComponentsAreOrthogonal() throws {
        let model = try DefaultModelFixture.model
        let n3 = 3 * model.vertexCount
        for (a, b) in [(0, 1), (0, 5), (3, 17), (10, 29)] {
            var dot: Double = 0, na: Double = 0, nb: Double = 0
            for r in 0..<n3 {
                let x = Double(model.identityBasis[a * n3 + r]), y = Double(model.identityBasis[b * n3 + r])
                dot += x * y; na += x * x; nb += y * y
            }
            #expect(abs(dot) / (na * nb).squareRoot() < 1e-3, "components \(a) and \(b) are not orthogonal")
            #expect(abs(na.squareRoot() - Double(model.identityStandardDeviations[a])) < 1e-2 * na.squareRoot())
        }
    }

    @Test func semanticsAreComplete() throws {
        let model = try DefaultModelFixture.model
        #expect((0..<68).allSatisfy { model.landmarks.isDefined($0) })
        #expect(model.landmarks.contourCandidates.count == 17)
        #expect(model.landmarks.contourCandidates.allSatisfy { $0.count >= 5 })
        for r in FaceRegion.allCases {
            #expect(model.vertexRegions.contains(UInt8(r.rawValue)), "region \(r.rawValue) \(r.name) is empty")
        }
        for o in FacialOrgan.allCases {
            #expect(model.vertexOrgans.contains(UInt8(o.rawValue)), "organ \(o.name) is empty")
        }
        // Symmetry: nearly every vertex has a mirror, mirrors are mutual, and regions mirror 5↔8, 6↔7.
        let mirrored = model.symmetry.filter { $0 >= 0 }.count
        #expect(Double(mirrored) / Double(model.vertexCount) > 0.95)
        var mutual = 0, regionPairs = 0, regionMatches = 0
        let mirrorRegion: [UInt8: UInt8] = [5: 8, 8: 5, 6: 7, 7: 6, 1: 3, 3: 1, 9: 11, 11: 9, 14: 15, 15: 14]
        for (v, m) in model.symmetry.enumerated() where m >= 0 {
            if model.symmetry[Int(m)] == Int32(v) { mutual += 1 }
            if let expected = mirrorRegion[model.vertexRegions[v]], abs(model.mesh.positions[v].x) > 3 {
                regionPairs += 1
                if model.vertexRegions[Int(m)] == expected { regionMatches += 1 }
            }
        }
        #expect(Double(mutual) / Double(mirrored) > 0.98)
        #expect(Double(regionMatches) / Double(regionPairs) > 0.95)
        // Regions 5 and 8 are lateral of 6 and 7 (outer vs inner eye corners).
        func meanX(_ r: UInt8) -> Float {
            let xs = model.vertexRegions.indices.filter { model.vertexRegions[$0] == r }.map { model.mesh.positions[$0].x }
            return xs.reduce(0, +) / Float(xs.count)
        }
        #expect(meanX(5) < meanX(6) && meanX(6) < 0 && 0 < meanX(7) && meanX(7) < meanX(8))
    }

    /// Adult anthropometric norms (Farkas, Anthropometry of the Head and Face, 1994; North American
    /// Caucasian adults, mean ± SD for men / women). The model must lie within the range from three
    /// SD below the women's mean to three SD above the men's.
    @Test(arguments: [
        ("inner canthal width en-en", 39, 42, 33.3, 2.7, 31.8, 2.3),
        ("outer canthal width ex-ex", 36, 45, 91.2, 3.2, 87.8, 3.2),
        ("mouth width ch-ch", 48, 54, 53.3, 3.3, 50.2, 3.2),
        ("nose height n-sn", 27, 33, 53.0, 3.4, 50.4, 3.0),
        ("face height n-gn", 27, 8, 121.3, 6.8, 112.0, 5.2),
    ] as [(String, Int, Int, Double, Double, Double, Double)])
    func proportionsWithinAdultNorms(name: String, a: Int, b: Int, maleMean: Double, maleSD: Double, femaleMean: Double, femaleSD: Double) throws {
        let model = try DefaultModelFixture.model
        let l = model.landmarkPositions()
        let value = Double(distance(l[a], l[b]))
        let low = femaleMean - 3 * femaleSD, high = maleMean + 3 * maleSD
        #expect(value >= low && value <= high, "\(name) = \(value) mm, outside [\(low), \(high)]")
    }

    @Test func noseWidthWithinAdultNorms() throws {
        // al-al: the alar landmarks 31 and 35 sit 3 mm inside the alare (Templates/tools/author_landmarks.py).
        let model = try DefaultModelFixture.model
        let l = model.landmarkPositions()
        let width = abs(l[35].x - l[31].x) + 6
        #expect(width >= 31.4 - 3 * 2.0 && width <= 34.9 + 3 * 2.1, "al-al = \(width) mm")
    }

    @Test func meshIsOrientedAndMostlyManifold() throws {
        let model = try DefaultModelFixture.model
        var directed: [SIMD2<UInt32>: Int] = [:]
        let skin = UInt8(model.mesh.partNames.firstIndex(of: "skin")!)
        for (t, tri) in model.mesh.triangles.enumerated() where model.mesh.triangleParts[t] == skin {
            for (a, b) in [(tri.x, tri.y), (tri.y, tri.z), (tri.z, tri.x)] { directed[SIMD2(a, b), default: 0] += 1 }
        }
        // Consistent orientation: no directed edge is used twice; every interior edge appears once each way.
        #expect(directed.values.allSatisfy { $0 == 1 })
        let boundary = directed.keys.filter { directed[SIMD2($0.y, $0.x)] == nil }.count
        #expect(Double(boundary) / Double(directed.count) < 0.05, "\(boundary) boundary edges")
        // Outward: normals on the face front point forwards (+z).
        let normals = model.mesh.vertexNormals()
        let l = model.landmarkPositions()
        let tip = model.mesh.positions.indices.min { distance(model.mesh.positions[$0], l[30]) < distance(model.mesh.positions[$1], l[30]) }!
        #expect(normals[tip].z > 0.5)
    }

    @Test func uvLayoutDoesNotOverlap() throws {
        let model = try DefaultModelFixture.model
        let mesh = model.mesh
        let size = 1024
        var owner = [Int32](repeating: -1, count: size * size)
        var overlapping = 0, covered = 0
        for (t, ut) in mesh.uvTriangles.enumerated() {
            let p = [mesh.uvs[Int(ut.x)], mesh.uvs[Int(ut.y)], mesh.uvs[Int(ut.z)]].map { $0 * Float(size) }
            #expect(p.allSatisfy { $0.x >= 0 && $0.y >= 0 && $0.x <= Float(size) && $0.y <= Float(size) })
            let area = (p[1].x - p[0].x) * (p[2].y - p[0].y) - (p[2].x - p[0].x) * (p[1].y - p[0].y)
            guard abs(area) > 1e-6 else { continue }
            let xs = p.map(\.x), ys = p.map(\.y)
            for y in max(Int(ys.min()!), 0)...min(Int(ys.max()!), size - 1) {
                for x in max(Int(xs.min()!), 0)...min(Int(xs.max()!), size - 1) {
                    let q = SIMD2(Float(x) + 0.5, Float(y) + 0.5)
                    let w1 = ((q.x - p[0].x) * (p[2].y - p[0].y) - (p[2].x - p[0].x) * (q.y - p[0].y)) / area
                    let w2 = ((p[1].x - p[0].x) * (q.y - p[0].y) - (q.x - p[0].x) * (p[1].y - p[0].y)) / area
                    // Strictly inside (away from shared edges) only.
                    guard w1 > 0.02, w2 > 0.02, 1 - w1 - w2 > 0.02 else { continue }
                    covered += 1
                    if owner[y * size + x] >= 0 { overlapping += 1 } else { owner[y * size + x] = Int32(t) }
                }
            }
        }
        #expect(covered > size * size / 10, "the UV layout uses little of the texture")
        #expect(Double(overlapping) / Double(covered) < 0.001, "\(overlapping) of \(covered) texels overlap")
    }
}
