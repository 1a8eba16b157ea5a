/// Colour type as stored in the PNG's IHDR (raw values are the PNG codes).
public enum PNGColorType: Int, Equatable, Sendable {
    case gray = 0
    case rgb = 2
    case palette = 3
    case grayAlpha = 4
    case rgba = 6
}

/// A single-channel image. `pixels` is row-major, `pixels[y * width + x]`,
/// row 0 = the first row stored in the file; shape (height, width).
///
/// Values are the stored sample values, not normalised: 0...255 for bit depths
/// 1, 2, 4 (expanded to the 8-bit scale: v * 255 / (2^depth - 1)) and 8;
/// 0...65535 for 16. `maxValue` is 255 or 65535 accordingly.
public struct GrayImage: Equatable, Sendable {
    public let width: Int
    public let height: Int
    public let pixels: [Float]
    /// Bit depth of the source file (1, 2, 4, 8, 16); 8 or 16 for images built in memory.
    public let bitDepth: Int
    /// Colour type of the source file (`.gray` for images built in memory).
    public let colorType: PNGColorType
    /// 255 or 65535: the largest value a sample of this bit depth can hold.
    public let maxValue: Float

    /// Builds an image in memory (e.g. for `makeOverlay`); checks that
    /// `pixels.count == width * height` and that both sides are positive.
    public init(
        width: Int, height: Int, pixels: [Float], bitDepth: Int = 8, colorType: PNGColorType = .gray,
        maxValue: Float = 255
    ) throws(PNGError) {
        let count = try checkedPixelCount(width: width, height: height, name: "GrayImage")
        guard pixels.count == count else {
            throw PNGError(
                name: "GrayImage",
                kind: .invalidArgument(
                    detail: "pixels has \(pixels.count) values but width * height is \(count); pass one value per pixel"))
        }
        self.init(unchecked: width, height, pixels, bitDepth, colorType, maxValue)
    }

    init(unchecked width: Int, _ height: Int, _ pixels: [Float], _ bitDepth: Int, _ colorType: PNGColorType, _ maxValue: Float) {
        self.width = width
        self.height = height
        self.pixels = pixels
        self.bitDepth = bitDepth
        self.colorType = colorType
        self.maxValue = maxValue
    }
}

/// Colour samples of a PNG, for callers that need colour (multiclass masks).
/// `rgb` is row-major interleaved R, G, B: `rgb[(y * width + x) * 3 + c]`,
/// shape (height, width, 3). Gray sources are replicated into R = G = B;
/// palette entries are looked up. Values as stored: 0...255 or 0...65535.
/// `alpha` holds the alpha channel (shape (height, width)) when the file has
/// one (gray+alpha, RGBA), else nil; tRNS chunks are ignored.
public struct RGBImage: Equatable, Sendable {
    public let width: Int
    public let height: Int
    public let rgb: [UInt16]
    public let alpha: [UInt16]?
    public let bitDepth: Int
    public let colorType: PNGColorType
    public let maxValue: UInt16
}

/// width * height, both positive, without overflow.
func checkedPixelCount(width: Int, height: Int, name: String) throws(PNGError) -> Int {
    guard width > 0, height > 0 else {
        throw PNGError(name: name, kind: .zeroSize(width: width, height: height))
    }
    let (count, overflow) = width.multipliedReportingOverflow(by: height)
    guard !overflow else {
        throw PNGError(name: name, kind: .invalidArgument(detail: "width * height overflows (\(width)x\(height))"))
    }
    return count
}
