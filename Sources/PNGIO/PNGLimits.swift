/// Ceilings checked against IHDR before any pixel memory is allocated, so a
/// tiny file that claims a huge image (a decompression bomb) is refused cheaply.
public struct PNGLimits: Equatable, Sendable {
    /// Largest accepted width in pixels.
    public var maxWidth: Int
    /// Largest accepted height in pixels.
    public var maxHeight: Int
    /// Largest accepted width * height.
    public var maxPixels: Int
    /// Largest single chunk libpng may allocate (text, ICC profile...): png_set_chunk_malloc_max.
    public var maxChunkBytes: Int
    /// Largest file `readPNG` reads into memory.
    public var maxFileBytes: Int

    public init(
        maxWidth: Int = 32768, maxHeight: Int = 32768, maxPixels: Int = 1 << 26,
        maxChunkBytes: Int = 8_000_000, maxFileBytes: Int = 1 << 30
    ) {
        self.maxWidth = maxWidth
        self.maxHeight = maxHeight
        self.maxPixels = maxPixels
        self.maxChunkBytes = maxChunkBytes
        self.maxFileBytes = maxFileBytes
    }

    public static let `default` = PNGLimits()
}
