// libFuzzer target: the model spec JSON + safetensors weights loader, and one inference with
// whatever model loads. Input layout: spec JSON, one 0x00 byte, safetensors bytes (JSON cannot
// hold a raw NUL, so the split is unambiguous). Without a NUL the whole input is tried as both.
// The spec's sha256 is replaced by the weights' real digest so the fuzzer gets past the checksum
// (a mismatch is refused before parsing; that refusal is covered by the unit tests).
@testable import SplineModel
@testable import SplineSeg

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzModel(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = size == 0 || data == nil ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    let specBytes: [UInt8], weights: [UInt8]
    if let nul = bytes.firstIndex(of: 0) {
        specBytes = Array(bytes[..<nul])
        weights = Array(bytes[(nul + 1)...])
    } else {
        specBytes = bytes
        weights = bytes
    }
    // The safetensors container on its own.
    if let st = try? SafeTensors(bytes: weights) {
        for (name, e) in st.entries {
            precondition(e.range.lowerBound >= 8 && e.range.upperBound <= weights.count)
            if let f = st.floats(name) { precondition(f.count == e.count) }
            if let u = st.uint8s(name) { precondition(u.count == e.count) }
        }
    }
    var spec: ModelSpec
    do {
        spec = try ModelSpec.decode(json: specBytes)
    } catch {
        _ = error.description
        return 0
    }
    // Keep the fuzzer's time on parsing: big networks only cost time (their weights would have
    // to be in the input anyway).
    guard spec.input <= 64, (spec.filters ?? 1) <= 64 else { return 0 }
    spec.sha256 = SHA256.hex(weights)
    let model: SplineSegModel
    do {
        model = try SplineSegModel.load(spec: spec, safetensors: weights)
    } catch {
        _ = error.description
        return 0
    }
    // Weights may be anything finite; inference must still not trap.
    do {
        let seg = try Segmenter(model: model, threads: 1)
        let (w, h) = (13, 9)
        let pixels = (0..<(w * h)).map { Float(($0 * 37) % 101) }
        let s = try seg.segment(pixels: pixels, width: w, height: h)
        precondition(s.mask.count == w * h && s.values.count == w * h)
        precondition(s.coefficients.count == spec.coefficients * spec.coefficients)
        _ = s.contours()
    } catch {
        _ = error.description
    }
    return 0
}
