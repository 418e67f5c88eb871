/// The nine facial "organs": the iBUG 68-landmark groups used by the Emoface study.
public enum FacialOrgan: Int, CaseIterable, Codable, Sendable {
    case jaw = 1, rightBrow, leftBrow, noseBridge, lowerNose, rightEye, leftEye, outerLip, innerLip

    /// The landmarks of the organ (iBUG indices, 0-based).
    public var landmarks: ClosedRange<Int> {
        switch self {
        case .jaw: 0...16
        case .rightBrow: 17...21
        case .leftBrow: 22...26
        case .noseBridge: 27...30
        case .lowerNose: 31...35
        case .rightEye: 36...41
        case .leftEye: 42...47
        case .outerLip: 48...59
        case .innerLip: 60...67
        }
    }

    /// A short name for tables and files.
    public var name: String {
        switch self {
        case .jaw: "jaw"
        case .rightBrow: "right_brow"
        case .leftBrow: "left_brow"
        case .noseBridge: "nose_bridge"
        case .lowerNose: "lower_nose"
        case .rightEye: "right_eye"
        case .leftEye: "left_eye"
        case .outerLip: "outer_lip"
        case .innerLip: "inner_lip"
        }
    }

    /// The organ a landmark belongs to.
    public static func of(landmark i: Int) -> FacialOrgan {
        allCases.first { $0.landmarks.contains(i) }!
    }
}

/// The 16 numbered face regions of FaceAtlas (after the Emoface paper's Fig. 2d).
///
/// The numbering runs row by row from the top of the face, from the subject's right to
/// left (as a viewer sees the face, left to right): 1–4 forehead and glabella, 5–8 the eye
/// corners (5 and 8 outer, 6 and 7 inner, as in the paper), 9–12 cheeks, nose and upper lip,
/// 13 chin, 14 and 15 the mouth corners, 16 the lower lip. `Templates/regions.json` documents the seeds
/// from which the partition of a model surface is computed.
public enum FaceRegion: Int, CaseIterable, Codable, Sendable {
    case rightForehead = 1, centralForehead, leftForehead, glabella
    case rightOuterEyeCorner, rightInnerEyeCorner, leftInnerEyeCorner, leftOuterEyeCorner
    case rightCheek, nose, leftCheek, upperLip
    case chin, rightMouthCorner, leftMouthCorner, lowerLip

    /// A short name for tables and files.
    public var name: String {
        switch self {
        case .rightForehead: "right_forehead"
        case .centralForehead: "central_forehead"
        case .leftForehead: "left_forehead"
        case .glabella: "glabella"
        case .rightOuterEyeCorner: "right_outer_eye_corner"
        case .rightInnerEyeCorner: "right_inner_eye_corner"
        case .leftInnerEyeCorner: "left_inner_eye_corner"
        case .leftOuterEyeCorner: "left_outer_eye_corner"
        case .rightCheek: "right_cheek"
        case .nose: "nose"
        case .leftCheek: "left_cheek"
        case .upperLip: "upper_lip"
        case .chin: "chin"
        case .rightMouthCorner: "right_mouth_corner"
        case .leftMouthCorner: "left_mouth_corner"
        case .lowerLip: "lower_lip"
        }
    }
}
