import CPNGShim
import FileSupport

/// Samples straight out of libpng after expansion (palette -> RGB, gray
/// 1/2/4-bit -> 8-bit, interlace removed): `channels` samples per pixel, row-major.
struct RawPNG {
    var width: Int
    var height: Int
    var channels: Int  // 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA
    var samples: [UInt16]  // width * height * channels
    var bitDepth: Int  // of the source file
    var colorType: PNGColorType
    var sampleBits: Int  // 8 or 16
}

func decodeRaw(_ bytes: [UInt8], name: String, limits: PNGLimits) throws(PNGError) -> RawPNG {
    let (width, height) = try checkHeader(bytes, name: name, limits: limits)
    func clampU32(_ v: Int) -> UInt32 { UInt32(min(max(v, 1), 0x7fff_ffff)) }
    var cLimits = pngshim_limits(
        max_width: clampU32(limits.maxWidth), max_height: clampU32(limits.maxHeight),
        max_pixels: UInt64(max(limits.maxPixels, 1)), max_chunk_bytes: UInt64(max(limits.maxChunkBytes, 1)))
    var image = pngshim_image()
    var message = [CChar](repeating: 0, count: 512)
    let status = bytes.withUnsafeBufferPointer { buf in
        message.withUnsafeMutableBufferPointer { msg in
            pngshim_decode(buf.baseAddress, buf.count, &cLimits, &image, msg.baseAddress, msg.count)
        }
    }
    defer { pngshim_free(image.data) }
    let detail = cMessage(message)
    switch status {
    case PNGSHIM_OK: break
    case PNGSHIM_ERR_TRUNCATED: throw PNGError(name: name, kind: .truncated(detail: detail))
    case PNGSHIM_ERR_TOO_LARGE:
        throw PNGError(name: name, kind: .tooLarge(width: width, height: height, limit: detail))
    case PNGSHIM_ERR_ZERO_SIZE: throw PNGError(name: name, kind: .zeroSize(width: width, height: height))
    case PNGSHIM_ERR_UNSUPPORTED: throw PNGError(name: name, kind: .unsupported(detail: detail))
    case PNGSHIM_ERR_NO_MEMORY: throw PNGError(name: name, kind: .outOfMemory(detail: detail))
    default: throw PNGError(name: name, kind: .corrupt(detail: detail))
    }

    guard let data = image.data, let colorType = PNGColorType(rawValue: Int(image.src_color_type)),
        Int(image.width) == width, Int(image.height) == height,
        (1...4).contains(image.channels), image.bit_depth == 8 || image.bit_depth == 16
    else {
        throw PNGError(name: name, kind: .unsupported(detail: "libpng returned an unexpected layout"))
    }
    let channels = Int(image.channels)
    let bytesPerSample = Int(image.bit_depth) / 8
    // The shim already allocated image.size bytes, so these products fit; check anyway.
    let (count, o1) = (width * height).multipliedReportingOverflow(by: channels)
    let (byteCount, o2) = count.multipliedReportingOverflow(by: bytesPerSample)
    guard !o1, !o2, image.size == byteCount else {
        throw PNGError(name: name, kind: .unsupported(detail: "libpng returned \(image.size) bytes for a \(width)x\(height)x\(channels) image"))
    }
    let src = UnsafeBufferPointer(start: data, count: image.size)
    let samples = [UInt16](unsafeUninitializedCapacity: count) { out, initialized in
        if bytesPerSample == 1 {
            for i in 0..<count { out[i] = UInt16(src[i]) }
        } else {
            // PNG stores 16-bit samples big-endian.
            for i in 0..<count { out[i] = UInt16(src[2 * i]) << 8 | UInt16(src[2 * i + 1]) }
        }
        initialized = count
    }
    return RawPNG(
        width: width, height: height, channels: channels, samples: samples, bitDepth: Int(image.src_bit_depth),
        colorType: colorType, sampleBits: Int(image.bit_depth))
}

/// Decodes a PNG held in memory to one gray channel. `name` appears in errors.
///
/// Conversion rule: gray samples are taken as stored (1/2/4-bit expanded to
/// 0...255); colour (RGB, RGBA, palette after lookup) becomes ITU-R BT.601 luma
/// 0.299 R + 0.587 G + 0.114 B computed on the stored values (no gamma
/// handling). Alpha is dropped, not composited over any background, and tRNS is
/// ignored. The result keeps the source scale (maxValue 255 or 65535).
/// The whole file must be valid up to IEND (CRCs of later chunks are checked,
/// a missing IEND is `.truncated`). Size limits are checked on IHDR before any
/// pixel memory is allocated.
public func decodePNG(_ bytes: [UInt8], name: String, limits: PNGLimits = .default) throws(PNGError) -> GrayImage {
    let raw = try decodeRaw(bytes, name: name, limits: limits)
    let n = raw.width * raw.height
    let s = raw.samples
    var pixels = [Float](repeating: 0, count: n)
    switch raw.channels {
    case 1, 2:
        for i in 0..<n { pixels[i] = Float(s[i * raw.channels]) }
    default:
        for i in 0..<n {
            let b = i * raw.channels
            let luma = 0.299 * Double(s[b]) + 0.587 * Double(s[b + 1]) + 0.114 * Double(s[b + 2])
            pixels[i] = Float(luma)
        }
    }
    return GrayImage(
        unchecked: raw.width, raw.height, pixels, raw.bitDepth, raw.colorType, raw.sampleBits == 16 ? 65535 : 255)
}

/// Decodes a PNG held in memory keeping colour: see `RGBImage`.
public func decodePNGRGB(_ bytes: [UInt8], name: String, limits: PNGLimits = .default) throws(PNGError) -> RGBImage {
    let raw = try decodeRaw(bytes, name: name, limits: limits)
    let n = raw.width * raw.height
    let s = raw.samples
    var rgb = [UInt16](repeating: 0, count: n * 3)
    let hasAlpha = raw.channels == 2 || raw.channels == 4
    var alpha = [UInt16](repeating: 0, count: hasAlpha ? n : 0)
    for i in 0..<n {
        let b = i * raw.channels
        if raw.channels <= 2 {
            rgb[3 * i] = s[b]
            rgb[3 * i + 1] = s[b]
            rgb[3 * i + 2] = s[b]
        } else {
            rgb[3 * i] = s[b]
            rgb[3 * i + 1] = s[b + 1]
            rgb[3 * i + 2] = s[b + 2]
        }
        if hasAlpha { alpha[i] = s[b + raw.channels - 1] }
    }
    return RGBImage(
        width: raw.width, height: raw.height, rgb: rgb, alpha: hasAlpha ? alpha : nil, bitDepth: raw.bitDepth,
        colorType: raw.colorType, maxValue: raw.sampleBits == 16 ? 65535 : 255)
}

/// Reads and decodes a PNG file to gray (see `decodePNG` for the rule).
public func readPNG(path: String, limits: PNGLimits = .default) throws(PNGError) -> GrayImage {
    try decodePNG(readBytes(path, limits), name: path, limits: limits)
}

/// Reads and decodes a PNG file keeping colour (see `RGBImage`).
public func readPNGRGB(path: String, limits: PNGLimits = .default) throws(PNGError) -> RGBImage {
    try decodePNGRGB(readBytes(path, limits), name: path, limits: limits)
}

private func readBytes(_ path: String, _ limits: PNGLimits) throws(PNGError) -> [UInt8] {
    do {
        return try readFile(path, maxBytes: max(limits.maxFileBytes, 0))
    } catch {
        throw PNGError(name: path, kind: .file(error))
    }
}

/// The NUL-terminated text the shim wrote into `buffer`.
func cMessage(_ buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
