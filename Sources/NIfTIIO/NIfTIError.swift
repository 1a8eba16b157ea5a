import FileSupport

/// Why a NIfTI file could not be read or written. `name` is the path (or the name given to
/// `decode`); `description` names it, says what is wrong and what to do.
public struct NIfTIError: Error, Equatable, CustomStringConvertible, Sendable {
    public enum Kind: Equatable, Sendable {
        /// The file system refused (missing file, permissions, missing output directory...).
        case file(FileError)
        /// Not a NIfTI-1 single file: too short, sizeof_hdr not 348 in either byte order, or bad magic.
        case notNIfTI(reason: String)
        /// Magic "ni1": a .hdr/.img pair, which this reader does not support.
        case pairFormatUnsupported
        /// The file (or its decompressed stream) ends before `needed` bytes; `available` were there.
        case truncated(what: String, needed: Int, available: Int)
        /// zlib refused the gzip stream (its message, or our reason).
        case corruptGzip(message: String)
        /// A datatype code other than 2, 4, 8, 16, 64, 256, 512, 768.
        case unsupportedDatatype(code: Int)
        /// dim[0] outside 1...7, a dim < 1, or more than one volume along dims 4...7.
        case badDimensions(reason: String)
        /// Another inconsistent header field (vox_offset, ...), or a header given to the writer
        /// that cannot be written.
        case badHeader(reason: String)
        /// A size (`what`) is above `limit` (see `NIfTILimits`) or overflows Int.
        case tooLarge(what: String, limit: Int)
        /// writeNIfTIMask: mask.count differs from the header's voxel count.
        case maskSizeMismatch(expected: Int, got: Int)
        /// zlib could not compress (out of memory).
        case compressionFailed(message: String)
    }

    public let name: String
    public let kind: Kind

    public init(name: String, kind: Kind) {
        self.name = name
        self.kind = kind
    }

    public var description: String {
        switch kind {
        case .file(let e):
            return e.description
        case .notNIfTI(let reason):
            return "\(name): not a NIfTI-1 file (\(reason)); check that the path points to a .nii or .nii.gz image"
        case .pairFormatUnsupported:
            return "\(name): this is the header of a .hdr/.img pair (magic \"ni1\"), which is not supported; convert it to a single .nii/.nii.gz file (e.g. with nibabel or fslchfiletype)"
        case .truncated(let what, let needed, let available):
            return "\(name): file is truncated: \(what) needs \(needed) bytes but only \(available) are present; the file was probably cut off during copy or download, get a complete copy"
        case .corruptGzip(let message):
            return "\(name): the gzip stream is corrupt (\(message)); the file is damaged, get an intact copy (`gzip -t` confirms)"
        case .unsupportedDatatype(let code):
            return "\(name): NIfTI datatype \(code) (\(datatypeName(code))) is not supported; supported: uint8, int8, int16, uint16, int32, uint32, float32, float64. Convert the image to one of them"
        case .badDimensions(let reason):
            return "\(name): unsupported or invalid dimensions: \(reason)"
        case .badHeader(let reason):
            return "\(name): invalid NIfTI header: \(reason)"
        case .tooLarge(let what, let limit):
            return "\(name): \(what) exceeds the limit of \(limit); if the file is genuine, raise the limit in NIfTILimits"
        case .maskSizeMismatch(let expected, let got):
            return "\(name): mask has \(got) voxels but the reference header's dimensions need \(expected); pass the header of the image the mask was computed from"
        case .compressionFailed(let message):
            return "\(name): gzip compression failed (\(message)); retry, or write an uncompressed .nii"
        }
    }
}

/// Human name of a NIfTI-1 datatype code, for messages.
func datatypeName(_ code: Int) -> String {
    switch code {
    case 0: return "unknown"
    case 1: return "binary"
    case 2: return "uint8"
    case 4: return "int16"
    case 8: return "int32"
    case 16: return "float32"
    case 32: return "complex64"
    case 64: return "float64"
    case 128: return "RGB24"
    case 256: return "int8"
    case 512: return "uint16"
    case 768: return "uint32"
    case 1024: return "int64"
    case 1280: return "uint64"
    case 1536: return "float128"
    case 1792: return "complex128"
    case 2048: return "complex256"
    case 2304: return "RGBA32"
    default: return "not a NIfTI code"
    }
}
