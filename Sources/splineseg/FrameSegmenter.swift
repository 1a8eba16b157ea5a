/// What the stream worker needs from a segmenter. The library's `Segmenter` adapts to it (see
/// ModelLoading.swift); tests drive the pipeline with a double. Kept this narrow so the
/// pipeline does not depend on the runtime's types.
protocol FrameSegmenter: AnyObject {
    /// Segments one frame; `pixels` is row-major, width * height values.
    func segment(pixels: [Float], width: Int, height: Int) throws(CLIError) -> FrameResult
}

/// One frame's result as the stream writes it.
struct FrameResult {
    /// 0/1 per pixel, row-major, at the frame's own resolution.
    var mask: [UInt8]
    var foregroundPixels: Int
    /// Closed sub-pixel polylines, (x = column, y = row); holes run the other way (DESIGN.md).
    var contours: [[SIMD2<Double>]]
}
