/// The FaceAtlas release recorded in audit logs and file headers written by this code.
public enum FaceAtlasVersion {
    /// The version string, e.g. "0.4.0".
    public static let current = "0.4.0"
}
