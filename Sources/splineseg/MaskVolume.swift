import NIfTIIO
import PNGIO

/// A binary mask volume ready for SegMetrics: x fastest, then y, then slice; 0/1 values.
struct MaskVolume {
    var name: String
    /// [nx, ny, nz] (nz = 1 for a single slice).
    var shape: [Int]
    var spacing: [Double]
    var mask: [UInt8]

    /// Shape and spacing as SegMetrics wants them: a single slice is evaluated in 2-D, so its
    /// pixels are not all "surface" just because there is no slice above or below.
    var metricShape: [Int] { shape[2] == 1 ? Array(shape.prefix(2)) : shape }
    var metricSpacing: [Double] { shape[2] == 1 ? Array(spacing.prefix(2)) : spacing }

    var shapeText: String { shape.map(String.init).joined(separator: "x") }
}

/// Turns stored values into 0/1. The rule: 0 is background, nonzero is foreground, and a mask
/// holds at most one nonzero value (0/1, 0/255). A second distinct nonzero value (a label map,
/// a probability map, an image passed by mistake) is refused unless `anyNonzero` is set, so a
/// wrong file never yields plausible-looking numbers.
struct Binarizer {
    let anyNonzero: Bool
    let path: String
    private var foreground: Float?

    init(path: String, anyNonzero: Bool) {
        self.path = path
        self.anyNonzero = anyNonzero
    }

    mutating func append(_ values: [Float], to out: inout [UInt8]) throws(CLIError) {
        out.reserveCapacity(out.count + values.count)
        for v in values {
            if v == 0 {
                out.append(0)
                continue
            }
            if !anyNonzero {
                guard !v.isNaN else { throw nonBinary("NaN") }
                if let f = foreground {
                    if v != f { throw nonBinary("\(shortText(f)) and \(shortText(v))") }
                } else {
                    foreground = v
                }
            }
            out.append(1)
        }
    }

    private func nonBinary(_ found: String) -> CLIError {
        .inputCorrupt("\(path): not a binary mask (found nonzero values \(found)); the rule is 0 = background, one nonzero value = foreground; pass --binarize to count every nonzero value as foreground")
    }
}

private func shortText(_ v: Float) -> String {
    v == v.rounded() && abs(v) < 1e9 ? String(Int(v)) : "\(v)"
}

func loadNIfTIMask(_ path: String, name: String, anyNonzero: Bool) throws(CLIError) -> MaskVolume {
    let volume: NIfTIVolume
    do { volume = try NIfTIVolume.read(path: path) } catch { throw CLIError(reading: error) }
    // The reader refuses several volumes along dims 4...7, so only the first three can exceed 1.
    let shape = Array(volume.shape.prefix(3))
    var b = Binarizer(path: path, anyNonzero: anyNonzero)
    var mask = [UInt8]()
    try b.append(volume.voxels, to: &mask)
    return MaskVolume(name: name, shape: shape, spacing: Array(volume.spacing.prefix(3)), mask: mask)
}

/// Stacks PNG slices (one file each, all the same size) into a volume: x = column, y = row,
/// z = position in `files`.
func loadPNGStack(
    directory: String?, files: [String], name: String, spacing: [Double], anyNonzero: Bool
) throws(CLIError) -> MaskVolume {
    var mask = [UInt8]()
    var width = 0, height = 0
    var b = Binarizer(path: directory ?? files[0], anyNonzero: anyNonzero)
    for file in files {
        let path = directory.map { joinPath($0, file) } ?? file
        let image: GrayImage
        do { image = try readPNG(path: path) } catch { throw CLIError(reading: error) }
        if mask.isEmpty {
            width = image.width
            height = image.height
            mask.reserveCapacity(width * height * files.count)
        } else if image.width != width || image.height != height {
            throw .inputCorrupt("\(path): slice is \(image.width)x\(image.height) but \(files[0]) is \(width)x\(height); all slices of a volume must have the same size")
        }
        b = Binarizer(path: path, anyNonzero: anyNonzero, continuing: b)
        try b.append(image.pixels, to: &mask)
    }
    return MaskVolume(name: name, shape: [width, height, files.count], spacing: spacing, mask: mask)
}

extension Binarizer {
    /// Same foreground value across slices, error messages naming the current slice.
    init(path: String, anyNonzero: Bool, continuing previous: Binarizer) {
        self.init(path: path, anyNonzero: anyNonzero)
        self.foreground = previous.foreground
    }
}
