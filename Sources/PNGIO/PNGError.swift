import FileSupport

/// Why a PNG could not be read or written. `name` is the file path (or the
/// name the caller gave in-memory bytes); `description` names it, says what
/// is wrong and what to do.
public struct PNGError: Error, Equatable, CustomStringConvertible, Sendable {
    public enum Kind: Equatable, Sendable {
        /// Opening, reading or writing the file failed.
        case file(FileError)
        /// The bytes do not start with the PNG signature (or there are none).
        case notPNG(detail: String)
        /// The data ends before the image is complete.
        case truncated(detail: String)
        /// Structure, CRC or zlib error; `detail` is libpng's message.
        case corrupt(detail: String)
        /// Width, height or pixel count over a `PNGLimits` value.
        case tooLarge(width: Int, height: Int, limit: String)
        /// IHDR declares width or height 0.
        case zeroSize(width: Int, height: Int)
        /// A valid PNG feature this reader does not handle (e.g. an unknown critical chunk).
        case unsupported(detail: String)
        /// Arguments that cannot describe an image (buffer size mismatch, bad size).
        case invalidArgument(detail: String)
        /// Memory for the decoded or encoded image could not be allocated.
        case outOfMemory(detail: String)
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
        case .notPNG(let d):
            return "\(name): not a PNG file (\(d)); check that the path points at a PNG image"
        case .truncated(let d):
            return "\(name): truncated PNG (\(d)); the file is incomplete, copy or export it again"
        case .corrupt(let d):
            return "\(name): corrupt PNG (\(d)); the file is damaged, copy or export it again"
        case .tooLarge(let w, let h, let limit):
            return "\(name): image \(w)x\(h) exceeds the limit (\(limit)); "
                + "if the file is genuine, raise the value in PNGLimits"
        case .zeroSize(let w, let h):
            return "\(name): image has zero size (\(w)x\(h)); the file is damaged or empty, export it again"
        case .unsupported(let d):
            return "\(name): unsupported PNG (\(d)); convert it to a plain 8- or 16-bit PNG"
        case .invalidArgument(let d):
            return "\(name): \(d)"
        case .outOfMemory(let d):
            return "\(name): \(d); free memory or lower the image size"
        }
    }
}
