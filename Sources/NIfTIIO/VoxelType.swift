/// The voxel datatypes this reader decodes, keyed by NIfTI-1 datatype code.
enum VoxelType: Int16, Sendable {
    case uint8 = 2, int16 = 4, int32 = 8, float32 = 16, float64 = 64
    case int8 = 256, uint16 = 512, uint32 = 768

    var byteCount: Int {
        switch self {
        case .uint8, .int8: return 1
        case .int16, .uint16: return 2
        case .int32, .uint32, .float32: return 4
        case .float64: return 8
        }
    }
}
