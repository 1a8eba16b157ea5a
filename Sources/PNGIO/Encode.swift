import CPNGShim
import FileSupport

/// Name used in errors from the in-memory encoders.
let memoryName = "(PNG in memory)"

/// Encodes an 8-bit gray PNG; `mask` is row-major, shape (height, width),
/// values written as given (e.g. 0/255). Throws if `mask.count != width * height`.
public func encodeMaskPNG(width: Int, height: Int, mask: [UInt8]) throws(PNGError) -> [UInt8] {
    try encode(mask, width: width, height: height, channels: 1, colorType: 0, bitDepth: 8, name: memoryName)
}

/// Encodes a 16-bit gray PNG; `pixels` row-major, shape (height, width).
public func encodeGray16PNG(width: Int, height: Int, pixels: [UInt16]) throws(PNGError) -> [UInt8] {
    try encode16(pixels, width: width, height: height, name: memoryName)
}

/// Encodes an 8-bit RGB PNG; `rgb` row-major interleaved R, G, B, shape (height, width, 3).
public func encodeRGBPNG(width: Int, height: Int, rgb: [UInt8]) throws(PNGError) -> [UInt8] {
    try encode(rgb, width: width, height: height, channels: 3, colorType: 2, bitDepth: 8, name: memoryName)
}

/// Writes an 8-bit gray PNG atomically (temporary file + rename): on any
/// failure no file, not even a partial one, is left at `path`.
public func writeMaskPNG(path: String, width: Int, height: Int, mask: [UInt8]) throws(PNGError) {
    let bytes = try encode(mask, width: width, height: height, channels: 1, colorType: 0, bitDepth: 8, name: path)
    try write(bytes, to: path)
}

/// Writes a 16-bit gray PNG atomically.
public func writeGray16PNG(path: String, width: Int, height: Int, pixels: [UInt16]) throws(PNGError) {
    let bytes = try encode16(pixels, width: width, height: height, name: path)
    try write(bytes, to: path)
}

/// Writes an 8-bit RGB PNG atomically (e.g. the output of `makeOverlay`).
public func writeRGBPNG(path: String, width: Int, height: Int, rgb: [UInt8]) throws(PNGError) {
    let bytes = try encode(rgb, width: width, height: height, channels: 3, colorType: 2, bitDepth: 8, name: path)
    try write(bytes, to: path)
}

private func write(_ bytes: [UInt8], to path: String) throws(PNGError) {
    do {
        try writeFileAtomically(bytes, to: path)
    } catch {
        throw PNGError(name: path, kind: .file(error))
    }
}

private func encode16(_ pixels: [UInt16], width: Int, height: Int, name: String) throws(PNGError) -> [UInt8] {
    try checkSize(pixels.count, width: width, height: height, channels: 1, name: name)
    var bytes = [UInt8](repeating: 0, count: pixels.count * 2)
    for (i, v) in pixels.enumerated() {  // PNG wants big-endian samples
        bytes[2 * i] = UInt8(v >> 8)
        bytes[2 * i + 1] = UInt8(v & 0xff)
    }
    return try encode(bytes, width: width, height: height, channels: 1, colorType: 0, bitDepth: 16, name: name)
}

/// Checks width, height (positive, at most 2^31 - 1 as PNG requires) and that
/// `count` is width * height * channels, without overflow.
private func checkSize(_ count: Int, width: Int, height: Int, channels: Int, name: String) throws(PNGError) {
    let pixels = try checkedPixelCount(width: width, height: height, name: name)
    guard width <= 0x7fff_ffff, height <= 0x7fff_ffff else {
        throw PNGError(name: name, kind: .invalidArgument(detail: "PNG sides are at most 2^31-1, got \(width)x\(height)"))
    }
    let (expected, overflow) = pixels.multipliedReportingOverflow(by: channels)
    guard !overflow, count == expected else {
        throw PNGError(
            name: name,
            kind: .invalidArgument(
                detail: "buffer has \(count) values but \(width)x\(height)x\(channels) needs "
                    + "\(overflow ? "more than Int.max" : String(expected)); pass one value per pixel and channel"))
    }
}

private func encode(
    _ samples: [UInt8], width: Int, height: Int, channels: Int, colorType: Int32, bitDepth: Int32, name: String
) throws(PNGError) -> [UInt8] {
    if bitDepth == 8 { try checkSize(samples.count, width: width, height: height, channels: channels, name: name) }
    var out = pngshim_buffer()
    var message = [CChar](repeating: 0, count: 512)
    let status = samples.withUnsafeBufferPointer { buf in
        message.withUnsafeMutableBufferPointer { msg in
            pngshim_encode(
                buf.baseAddress, buf.count, UInt32(width), UInt32(height), colorType, bitDepth, &out,
                msg.baseAddress, msg.count)
        }
    }
    defer { pngshim_free(out.data) }
    switch status {
    case PNGSHIM_OK: break
    case PNGSHIM_ERR_NO_MEMORY: throw PNGError(name: name, kind: .outOfMemory(detail: cMessage(message)))
    default: throw PNGError(name: name, kind: .invalidArgument(detail: "encoding failed: \(cMessage(message))"))
    }
    guard let data = out.data else {
        throw PNGError(name: name, kind: .outOfMemory(detail: "the encoder returned no data"))
    }
    return Array(UnsafeBufferPointer(start: data, count: out.size))
}
