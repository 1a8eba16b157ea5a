// libFuzzer target: the PNG reader (PNGIO's Swift wrapper + the C shim + libpng).
// libpng itself comes from the system and is NOT instrumented (no coverage, no ASan checks inside
// libpng); the shim and the Swift code are.
import PNGIO

/// Limits small enough that the fuzzer's 2 GB RSS limit is never the finding.
let limits = PNGLimits(maxWidth: 2048, maxHeight: 2048, maxPixels: 1 << 20, maxChunkBytes: 1 << 20, maxFileBytes: 1 << 22)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPNG(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = size == 0 || data == nil ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    var gray: GrayImage?
    do {
        let g = try decodePNG(bytes, name: "fuzz", limits: limits)
        precondition(g.width >= 1 && g.height >= 1 && g.width * g.height <= limits.maxPixels)
        precondition(g.pixels.count == g.width * g.height)
        precondition(g.pixels.allSatisfy { $0 >= 0 && $0 <= g.maxValue })
        gray = g
    } catch {
        _ = error.description  // every error must render
    }
    do {
        let c = try decodePNGRGB(bytes, name: "fuzz", limits: limits)
        precondition(gray != nil, "decodePNGRGB accepted what decodePNG refused")
        precondition(c.rgb.count == 3 * c.width * c.height)
        precondition(c.width == gray!.width && c.height == gray!.height)
    } catch {
        precondition(gray == nil, "decodePNGRGB refused what decodePNG accepted: \(error)")
    }
    // Round trip through the writer: a decoded image re-encoded as 16-bit gray decodes to itself.
    if let g = gray, g.width * g.height <= 1 << 16 {
        let px = g.pixels.map { UInt16($0.rounded()) }
        do {
            let png = try encodeGray16PNG(width: g.width, height: g.height, pixels: px)
            let back = try decodePNG(png, name: "roundtrip", limits: limits)
            precondition(back.width == g.width && back.height == g.height)
            precondition(back.pixels == px.map { Float($0) }, "16-bit gray round trip changed pixels")
        } catch {
            preconditionFailure("re-encoding a decoded image failed: \(error)")
        }
    }
    return 0
}
