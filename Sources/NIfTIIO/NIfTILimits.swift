/// Ceilings checked before any allocation, so a hostile or broken header cannot make the reader
/// allocate without bound.
public struct NIfTILimits: Sendable, Equatable {
    /// Most voxels in one volume (product of dims). Default 2^30.
    public var maxVoxels: Int
    /// Most bytes a .nii.gz may inflate to (header + extensions + data), and most bytes of a
    /// file read from disk. Default 2 GiB.
    public var maxBytes: Int

    public init(maxVoxels: Int = 1 << 30, maxBytes: Int = 1 << 31) {
        self.maxVoxels = maxVoxels
        self.maxBytes = maxBytes
    }
}
