/// The 8-byte PNG signature.
let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

/// Checks the signature and the IHDR chunk's size fields against `limits`
/// before libpng sees the data, so that each failure gets its own error kind
/// and a bomb is refused before any allocation. Layout: signature (8 bytes),
/// then IHDR: length (4, = 13), "IHDR", width (4), height (4), ... all big-endian.
/// Returns (width, height). The IHDR's CRC and remaining fields are left to libpng.
func checkHeader(_ bytes: [UInt8], name: String, limits: PNGLimits) throws(PNGError) -> (Int, Int) {
    if bytes.isEmpty { throw PNGError(name: name, kind: .notPNG(detail: "the file is empty")) }
    let prefix = min(bytes.count, 8)
    guard bytes[0..<prefix].elementsEqual(pngSignature[0..<prefix]) else {
        throw PNGError(name: name, kind: .notPNG(detail: "the first bytes are not the PNG signature"))
    }
    guard bytes.count >= 8 + 8 + 13 + 4 else {
        throw PNGError(name: name, kind: .truncated(detail: "only \(bytes.count) bytes, the IHDR header is incomplete"))
    }
    func be32(_ at: Int) -> Int {
        Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3])
    }
    guard be32(8) == 13, bytes[12..<16].elementsEqual(Array("IHDR".utf8)) else {
        throw PNGError(name: name, kind: .corrupt(detail: "the first chunk is not a 13-byte IHDR"))
    }
    let width = be32(16)
    let height = be32(20)
    if width == 0 || height == 0 { throw PNGError(name: name, kind: .zeroSize(width: width, height: height)) }
    // PNG caps each side at 2^31 - 1; anything above is a damaged header, not a big image.
    if width > 0x7fff_ffff || height > 0x7fff_ffff {
        throw PNGError(name: name, kind: .corrupt(detail: "IHDR size \(width)x\(height) is over the PNG maximum 2^31-1"))
    }
    if width > limits.maxWidth {
        throw PNGError(name: name, kind: .tooLarge(width: width, height: height, limit: "maxWidth \(limits.maxWidth)"))
    }
    if height > limits.maxHeight {
        throw PNGError(name: name, kind: .tooLarge(width: width, height: height, limit: "maxHeight \(limits.maxHeight)"))
    }
    // Both sides are < 2^31, so the product fits in Int (64-bit).
    if width * height > limits.maxPixels {
        throw PNGError(name: name, kind: .tooLarge(width: width, height: height, limit: "maxPixels \(limits.maxPixels)"))
    }
    return (width, height)
}
