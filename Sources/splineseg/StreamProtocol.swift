import PNGIO

// The `stream` wire format (full description in docs/cli.md). Input frames, all integers
// little-endian:
//   raw: "SSF1" | width u32 | height u32 | pixel type u8 (1 u8, 2 u16, 3 f32) | 3 reserved
//        bytes (0) | frame id u64 | width*height pixels, row-major, row 0 first  (24-byte header)
//   PNG: "SSP1" | length u32 | length bytes of PNG  (8-byte header; the frame id is the frame's
//        position in the input, counting from 0)
// These functions are pure (bytes in, value out) so they can be fuzzed without a pipe.

enum PixelType: UInt8 {
    case u8 = 1, u16 = 2, f32 = 3
    var bytes: Int { self == .u8 ? 1 : self == .u16 ? 2 : 4 }
}

/// Ceilings checked on the header, before any payload memory is allocated.
struct StreamLimits: Sendable {
    var maxSide = 16384
    var maxPixels = 1 << 26
    var maxPNGBytes = 1 << 28
}

let rawMagic: [UInt8] = Array("SSF1".utf8)
let pngMagic: [UInt8] = Array("SSP1".utf8)
/// The magics as little-endian u32, compared without building an array per header.
private let rawMagicWord: UInt32 = 0x3146_5353  // "SSF1"
private let pngMagicWord: UInt32 = 0x3150_5353  // "SSP1"
let rawHeaderBytes = 24
let pngHeaderBytes = 8

struct FrameHeader: Equatable, Sendable {
    enum Kind: Equatable, Sendable {
        case raw(PixelType)
        case png
    }
    var kind: Kind
    /// Raw frames only; PNG frames learn their size from IHDR.
    var width: Int
    var height: Int
    /// From the header (raw) or nil (PNG: the caller numbers it).
    var id: UInt64?
    var headerBytes: Int
    var payloadBytes: Int
}

enum HeaderParse: Equatable {
    /// At least this many bytes (counted from the frame start) are needed to decide.
    case needMore(Int)
    case header(FrameHeader)
    /// Not a valid header; `message` says what is wrong.
    case malformed(HeaderProblem)
}

/// What is wrong with a frame header, as plain values: `--skip-bad` resynchronisation parses a
/// header at every dropped byte, so a parse must not build text; `message` is built only for a
/// problem that is reported.
enum HeaderProblem: Equatable, Sendable {
    /// The first `count` (1...4) bytes, little-endian in `bytes`.
    case badMagic(bytes: UInt32, count: Int)
    case unknownPixelType(UInt8)
    case reservedNotZero
    case emptySize(width: Int, height: Int)
    case sizeOverLimit(width: Int, height: Int, maxSide: Int, maxPixels: Int)
    case pngLengthZero
    case pngLengthOverLimit(length: Int, limit: Int)

    var message: String {
        switch self {
        case .badMagic(let bytes, let count):
            let b = (0..<count).map { UInt8(truncatingIfNeeded: bytes >> (8 * UInt32($0))) }
            return "bad magic \(describeMagic(b)) (expected SSF1 raw or SSP1 PNG frame)"
        case .unknownPixelType(let code):
            return "unknown pixel type \(code) (expected 1 = u8, 2 = u16, 3 = f32)"
        case .reservedNotZero:
            return "reserved header bytes 13-15 are not zero"
        case .emptySize(let w, let h):
            return "frame size \(w)x\(h) is empty"
        case .sizeOverLimit(let w, let h, let maxSide, let maxPixels):
            return "frame size \(w)x\(h) exceeds the limit (\(maxSide) per side, \(maxPixels) pixels)"
        case .pngLengthZero:
            return "PNG frame length is 0"
        case .pngLengthOverLimit(let length, let limit):
            return "PNG frame length \(length) exceeds the \(limit)-byte limit"
        }
    }
}

@inline(__always)
func readLE<T: FixedWidthInteger>(_ b: UnsafeRawBufferPointer, _ offset: Int, as: T.Type) -> T {
    var v: T = 0
    for i in 0..<MemoryLayout<T>.size { v |= T(b[offset + i]) << (8 * i) }
    return v
}

/// Parses the frame header at the start of `b` (which may hold fewer bytes than a header).
func parseFrameHeader(_ b: UnsafeRawBufferPointer, limits: StreamLimits) -> HeaderParse {
    guard b.count >= 4 else {
        // Fail fast on a wrong first byte, so garbage is reported without waiting for more input.
        for i in 0..<b.count where b[i] != rawMagic[i] && b[i] != pngMagic[i] {
            return .malformed(badMagic(b))
        }
        return .needMore(4)
    }
    let magic = readLE(b, 0, as: UInt32.self)
    if magic == rawMagicWord {
        guard b.count >= rawHeaderBytes else { return .needMore(rawHeaderBytes) }
        let w = Int(readLE(b, 4, as: UInt32.self)), h = Int(readLE(b, 8, as: UInt32.self))
        let code = b[12]
        guard let type = PixelType(rawValue: code) else { return .malformed(.unknownPixelType(code)) }
        guard b[13] == 0 && b[14] == 0 && b[15] == 0 else { return .malformed(.reservedNotZero) }
        if let problem = checkSize(w, h, limits) { return .malformed(problem) }
        return .header(FrameHeader(
            kind: .raw(type), width: w, height: h, id: readLE(b, 16, as: UInt64.self),
            headerBytes: rawHeaderBytes, payloadBytes: w * h * type.bytes))
    }
    if magic == pngMagicWord {
        guard b.count >= pngHeaderBytes else { return .needMore(pngHeaderBytes) }
        let length = Int(readLE(b, 4, as: UInt32.self))
        guard length > 0 else { return .malformed(.pngLengthZero) }
        guard length <= limits.maxPNGBytes else {
            return .malformed(.pngLengthOverLimit(length: length, limit: limits.maxPNGBytes))
        }
        return .header(FrameHeader(kind: .png, width: 0, height: 0, id: nil, headerBytes: pngHeaderBytes, payloadBytes: length))
    }
    return .malformed(badMagic(b))
}

private func badMagic(_ b: UnsafeRawBufferPointer) -> HeaderProblem {
    let count = min(b.count, 4)
    var bytes: UInt32 = 0
    for i in 0..<count { bytes |= UInt32(b[i]) << (8 * UInt32(i)) }
    return .badMagic(bytes: bytes, count: count)
}

private func checkSize(_ w: Int, _ h: Int, _ limits: StreamLimits) -> HeaderProblem? {
    if w < 1 || h < 1 { return .emptySize(width: w, height: h) }
    if w > limits.maxSide || h > limits.maxSide || w * h > limits.maxPixels {
        return .sizeOverLimit(width: w, height: h, maxSide: limits.maxSide, maxPixels: limits.maxPixels)
    }
    return nil
}

private func describeMagic(_ bytes: [UInt8]) -> String {
    if bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) { return "'" + String(decoding: bytes, as: UTF8.self) + "'" }
    return bytes.map { b in "0x" + (b < 16 ? "0" : "") + String(b, radix: 16) }.joined(separator: " ")
}

/// Decodes a frame's payload into `pixels` (replacing its contents, keeping its capacity so a
/// long stream allocates nothing per raw frame). Returns the frame size or what is wrong.
func decodeFramePayload(
    _ header: FrameHeader, _ payload: UnsafeRawBufferPointer, name: String, limits: StreamLimits,
    into pixels: inout [Float]
) -> Result<(width: Int, height: Int), FrameDecodeError> {
    precondition(payload.count == header.payloadBytes)
    pixels.removeAll(keepingCapacity: true)
    switch header.kind {
    case .raw(let type):
        let n = header.width * header.height
        pixels.reserveCapacity(n)
        switch type {
        case .u8:
            for i in 0..<n { pixels.append(Float(payload[i])) }
        case .u16:
            for i in 0..<n { pixels.append(Float(readLE(payload, 2 * i, as: UInt16.self))) }
        case .f32:
            for i in 0..<n {
                let v = Float(bitPattern: readLE(payload, 4 * i, as: UInt32.self))
                // A NaN would silently poison per-slice normalisation: refuse it here.
                guard v.isFinite else {
                    return .failure(FrameDecodeError("pixel \(i) (row \(i / header.width), column \(i % header.width)) is \(v); f32 pixels must be finite"))
                }
                pixels.append(v)
            }
        }
        return .success((header.width, header.height))
    case .png:
        let pngLimits = PNGLimits(
            maxWidth: limits.maxSide, maxHeight: limits.maxSide, maxPixels: limits.maxPixels,
            maxFileBytes: limits.maxPNGBytes)
        do {
            let image = try decodePNG(Array(payload), name: name, limits: pngLimits)
            pixels.append(contentsOf: image.pixels)
            return .success((image.width, image.height))
        } catch {
            return .failure(FrameDecodeError(pngErrorText(error)))
        }
    }
}

struct FrameDecodeError: Error, Equatable {
    let message: String
    init(_ m: String) { message = m }
}

/// PNGError's text without its leading name (the caller names the frame itself).
private func pngErrorText(_ e: PNGError) -> String {
    let d = e.description
    let prefix = e.name + ": "
    return d.hasPrefix(prefix) ? String(d.dropFirst(prefix.count)) : d
}
