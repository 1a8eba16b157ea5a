/// Renders `gray` as 8-bit RGB with `contours` drawn on top; returns
/// row-major interleaved R, G, B, shape (gray.height, gray.width, 3), ready for
/// `writeRGBPNG`.
///
/// Windowing: the finite pixel values' 1st and 99th percentiles (nearest rank
/// on the sorted values, index round(p * (n - 1))) map linearly to 0 and 255,
/// values outside are clamped. Percentiles rather than min-max so that a few
/// hot pixels do not wash out MRI/CT contrast. If the 1st and 99th percentiles
/// are equal the window falls back to min-max; a constant image renders black.
/// Non-finite pixels render black.
///
/// Contours: each is a closed polyline in pixel coordinates (x = column,
/// y = row, pixel centres at integers); the last point joins the first.
/// Segments are drawn with Xiaolin Wu's anti-aliased line algorithm: every
/// pixel accumulates coverage from all segments (clamped to 1, so shared
/// vertices, each half-covered by Wu's end-point rule, come out fully
/// covered), then colour = (1 - c) * gray + c * `color`. Segments are clipped to
/// the image (one pixel of margin for the anti-aliasing fringe); segments with
/// non-finite end points are skipped. A one-point contour marks one pixel.
public func makeOverlay(
    gray: GrayImage, contours: [[SIMD2<Double>]], color: (UInt8, UInt8, UInt8)
) -> [UInt8] {
    let w = gray.width
    let h = gray.height
    let n = min(w * h, gray.pixels.count)  // equal for any GrayImage; min guards anyway
    let background = windowTo8Bit(Array(gray.pixels.prefix(n)))

    var coverage = [Float](repeating: 0, count: n)
    for contour in contours {
        guard let first = contour.first else { continue }
        if contour.count == 1 {
            drawWuLine(first, first, width: w, height: h, into: &coverage)
            continue
        }
        for i in 0..<contour.count {
            drawWuLine(contour[i], contour[(i + 1) % contour.count], width: w, height: h, into: &coverage)
        }
    }

    let c = (Float(color.0), Float(color.1), Float(color.2))
    var rgb = [UInt8](repeating: 0, count: n * 3)
    for i in 0..<n {
        let a = min(coverage[i], 1)
        let g = Float(background[i])
        rgb[3 * i] = UInt8(((1 - a) * g + a * c.0).rounded())
        rgb[3 * i + 1] = UInt8(((1 - a) * g + a * c.1).rounded())
        rgb[3 * i + 2] = UInt8(((1 - a) * g + a * c.2).rounded())
    }
    return rgb
}

/// Percentile window to 0...255 (rule in `makeOverlay`'s comment).
func windowTo8Bit(_ values: [Float]) -> [UInt8] {
    let finite = values.filter { $0.isFinite }.sorted()
    guard let minV = finite.first, let maxV = finite.last else {
        return [UInt8](repeating: 0, count: values.count)
    }
    func percentile(_ p: Double) -> Float {
        finite[Int((p * Double(finite.count - 1)).rounded())]
    }
    var lo = percentile(0.01)
    var hi = percentile(0.99)
    if !(hi > lo) {
        lo = minV
        hi = maxV
    }
    let scale: Float = hi > lo ? 255 / (hi - lo) : 0
    return values.map { v in
        guard v.isFinite, scale > 0 else { return 0 }
        return UInt8(min(max((v - lo) * scale, 0), 255).rounded())
    }
}
