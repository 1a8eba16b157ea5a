// Activation layout shared by every kernel (see KERNELS.md).
//
// NCHWc8 with a zero halo: a tensor of C channels and H x W pixels is stored as
//   [CB = ceil(C / 8)][H + 2][W + 2][8] Float32
// i.e. blocks of 8 channels, each pixel's 8 channels contiguous (one SIMD8<Float>),
// with a one-pixel border of zeros around every plane so a 3x3 / padding-1 conv
// reads its neighbours without bounds checks. Channels past C in the last block
// and the halo are always zero; kernels that write a tensor write its interior
// only and must leave the halo and the padding channels at zero.

/// Shape of one activation tensor in the padded NCHWc8 layout (batch 1).
public struct ActShape: Equatable, Hashable, Sendable, CustomStringConvertible {
    public let channels: Int
    public let height: Int
    public let width: Int

    public init(channels: Int, height: Int, width: Int) {
        precondition(channels > 0 && height > 0 && width > 0, "empty activation shape")
        self.channels = channels
        self.height = height
        self.width = width
    }

    /// Number of 8-channel blocks.
    @inlinable public var blocks: Int { (channels + 7) / 8 }
    /// Floats between vertically adjacent pixels.
    @inlinable public var rowStride: Int { (width + 2) * 8 }
    /// Floats between channel blocks.
    @inlinable public var blockStride: Int { (height + 2) * (width + 2) * 8 }
    /// Total floats, halo and padding channels included.
    @inlinable public var count: Int { blocks * blockStride }
    /// Float offset of channel c, pixel (y, x) (0-based interior coordinates).
    @inlinable public func offset(channel c: Int, y: Int, x: Int) -> Int {
        (c >> 3) * blockStride + (y + 1) * rowStride + (x + 1) * 8 + (c & 7)
    }

    public var description: String { "\(channels)x\(height)x\(width)" }
}

/// Packs a plain CHW tensor into the padded NCHWc8 layout (zero halo and padding).
public func packNCHWc8(_ chw: [Float], _ shape: ActShape) -> [Float] {
    precondition(chw.count == shape.channels * shape.height * shape.width)
    var out = [Float](repeating: 0, count: shape.count)
    for c in 0..<shape.channels {
        for y in 0..<shape.height {
            for x in 0..<shape.width {
                out[shape.offset(channel: c, y: y, x: x)] = chw[(c * shape.height + y) * shape.width + x]
            }
        }
    }
    return out
}

/// Unpacks the padded NCHWc8 layout back to plain CHW.
public func unpackNCHWc8(_ packed: [Float], _ shape: ActShape) -> [Float] {
    precondition(packed.count == shape.count)
    var out = [Float](repeating: 0, count: shape.channels * shape.height * shape.width)
    for c in 0..<shape.channels {
        for y in 0..<shape.height {
            for x in 0..<shape.width {
                out[(c * shape.height + y) * shape.width + x] = packed[shape.offset(channel: c, y: y, x: x)]
            }
        }
    }
    return out
}

/// The 1-channel network input as the `conv3x3c1` kernels read it (layout `p1` in kernel
/// names): a dense padded plane
///   [H + 2][W + 2] Float32, zero halo
/// one float per pixel. Its NCHWc8 form (1 block, lanes 1...7 zero) was 8x larger, and the
/// first conv, 9 FMAs per output vector, streamed 32 bytes per pixel for 4 useful ones
/// (128 x 128: 68 KB instead of 541 KB; 512 x 512: 1.06 MB instead of 8.5 MB).
public struct PlaneShape: Equatable, Hashable, Sendable, CustomStringConvertible {
    public let height: Int
    public let width: Int

    public init(height: Int, width: Int) {
        precondition(height > 0 && width > 0, "empty plane shape")
        self.height = height
        self.width = width
    }

    /// Floats between vertically adjacent pixels.
    @inlinable public var rowStride: Int { width + 2 }
    /// Total floats, halo included.
    @inlinable public var count: Int { (height + 2) * (width + 2) }
    /// Float offset of pixel (y, x) (0-based interior coordinates).
    @inlinable public func offset(y: Int, x: Int) -> Int { (y + 1) * rowStride + x + 1 }

    public var description: String { "plane \(height)x\(width)" }
}

/// Packs a plain H x W image into the padded plane layout (zero halo).
public func packPlane(_ hw: [Float], _ shape: PlaneShape) -> [Float] {
    precondition(hw.count == shape.height * shape.width)
    var out = [Float](repeating: 0, count: shape.count)
    for y in 0..<shape.height {
        for x in 0..<shape.width { out[shape.offset(y: y, x: x)] = hw[y * shape.width + x] }
    }
    return out
}
