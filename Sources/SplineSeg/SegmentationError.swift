/// Why a segmentation call was refused. Checked once at the public entry points.
public enum SegmentationError: Error, CustomStringConvertible, Equatable, Sendable {
    /// width or height < 1.
    case emptyImage(width: Int, height: Int)
    /// pixels.count != width * height.
    case pixelCount(expected: Int, got: Int, width: Int, height: Int)
    /// A NaN or infinite pixel at (row, column).
    case nonFinitePixel(row: Int, column: Int, value: Float)
    /// threads < 1.
    case invalidThreads(Int)
    /// An image too large to process (width * height or a derived buffer overflows the limit).
    case imageTooLarge(width: Int, height: Int)
    /// A refinement scale < 1 or too large for the image.
    case invalidScale(Int)
    /// A network input of the wrong size (layer-by-layer tool).
    case inputCount(expected: Int, got: Int)
    /// The requested engine needs something this model does not have (the message says what).
    case engineUnavailable(String)

    public var description: String {
        switch self {
        case .emptyImage(let w, let h):
            return "image is \(w) x \(h) pixels; width and height must be >= 1"
        case .pixelCount(let e, let g, let w, let h):
            return "got \(g) pixel values for a \(w) x \(h) image, expected width*height = \(e) (row-major, height rows of width values)"
        case .nonFinitePixel(let r, let c, let v):
            return "pixel at row \(r), column \(c) is \(v); fix or exclude the image (all pixels must be finite)"
        case .invalidThreads(let t):
            return "threads = \(t); use 1 or more"
        case .imageTooLarge(let w, let h):
            return "image \(w) x \(h) is too large (limit \(Segmenter.maxPixels) pixels and \(Segmenter.maxSide) per side)"
        case .invalidScale(let s):
            return "refinement scale \(s) is invalid; use 1 or more (the refined grid is limited to \(Segmenter.maxPixels) points)"
        case .inputCount(let e, let g):
            return "network input has \(g) values, expected I*I = \(e) (use Segmenter.preprocess first)"
        case .engineUnavailable(let m):
            return m
        }
    }
}
