/// How `stream` writes one result per frame (docs/cli.md has the byte layout).
enum StreamOutputFormat: String, Sendable {
    /// Length-prefixed little-endian records:
    ///   "SSR1" | payload length u32 (bytes after this field) | frame id u64 | width u32 |
    ///   height u32 | mask (width*height bytes, 0/1, row-major) | contour count u32 |
    ///   per contour: point count u32, then point count x (x f32, y f32)
    case binary
    /// One JSON object per line: {"frame", "width", "height", "area_px", "contours",
    /// "latency_ms", "dropped"}.
    case ndjson
}

let resultMagic: [UInt8] = Array("SSR1".utf8)

/// Appends little-endian integers and floats; the output buffer is reused across frames.
private extension Array where Element == UInt8 {
    mutating func appendLE<T: FixedWidthInteger>(_ v: T) {
        for i in 0..<MemoryLayout<T>.size { append(UInt8(truncatingIfNeeded: v >> (8 * i))) }
    }
}

/// Encodes a binary record into `out` (cleared first). Throws if a count does not fit its u32.
func encodeBinaryResult(id: UInt64, width: Int, height: Int, result: FrameResult, into out: inout [UInt8]) throws(CLIError) {
    out.removeAll(keepingCapacity: true)
    var payload = 8 + 4 + 4 + result.mask.count + 4
    for c in result.contours { payload += 4 + 8 * c.count }
    guard payload <= Int(UInt32.max), result.contours.count <= Int(UInt32.max) else {
        throw CLIError(.segmentation, "frame \(id): result of \(payload) bytes does not fit a u32-length record")
    }
    out.reserveCapacity(8 + payload)
    out.append(contentsOf: resultMagic)
    out.appendLE(UInt32(payload))
    out.appendLE(id)
    out.appendLE(UInt32(width))
    out.appendLE(UInt32(height))
    out.append(contentsOf: result.mask)
    out.appendLE(UInt32(result.contours.count))
    for c in result.contours {
        out.appendLE(UInt32(c.count))
        for p in c {
            out.appendLE(Float(p.x).bitPattern)
            out.appendLE(Float(p.y).bitPattern)
        }
    }
}

/// Encodes one NDJSON line (with its newline) into `out` (cleared first).
func encodeNDJSONResult(
    id: UInt64, width: Int, height: Int, result: FrameResult, latencyMilliseconds: Double, dropped: Int,
    into out: inout [UInt8]
) {
    out.removeAll(keepingCapacity: true)
    var s = "{\"frame\":\(id),\"width\":\(width),\"height\":\(height),\"area_px\":\(result.foregroundPixels),\"contours\":["
    for (k, c) in result.contours.enumerated() {
        if k > 0 { s += "," }
        s += "["
        for (i, p) in c.enumerated() {
            if i > 0 { s += "," }
            // Float precision (~1e-4 px at 1000 px) is plenty for drawing and keeps lines short.
            s += "[\(jsonFloat(p.x)),\(jsonFloat(p.y))]"
        }
        s += "]"
    }
    s += "],\"latency_ms\":\(fixed(latencyMilliseconds, 3)),\"dropped\":\(dropped)}\n"
    out.append(contentsOf: s.utf8)
}

private func jsonFloat(_ v: Double) -> String {
    let f = Float(v)
    return f.isFinite ? "\(f)" : "null"
}
