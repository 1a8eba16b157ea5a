// libFuzzer target: the `stream` wire protocol (Sources/splineseg/StreamProtocol.swift and
// FrameReader.swift, compiled into this target: the CLI is an executable target). The first input
// byte picks the reader's mode (skip-bad or strict) and the read chunk size (short pipe reads);
// the rest is the byte stream. PNG frames go through PNGIO + libpng (libpng not instrumented).

let limits = StreamLimits(maxSide: 1024, maxPixels: 1 << 18, maxPNGBytes: 1 << 20)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzStream(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard size >= 1, let data else { return 0 }
    let mode = data[0]
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))

    // The pure header parser on every prefix length up to a header: needMore/header/malformed
    // must be consistent (a decision never changes once made with enough bytes).
    bytes.withUnsafeBytes { b in
        var decided: HeaderParse?
        for n in 0...min(b.count, rawHeaderBytes) {
            let r = parseFrameHeader(UnsafeRawBufferPointer(rebasing: b[0..<n]), limits: limits)
            switch r {
            case .needMore(let k): precondition(k > n && decided == nil, "needMore(\(k)) after \(n) bytes")
            case .header(let h):
                precondition(h.headerBytes <= n && h.payloadBytes > 0)
                if let d = decided { precondition(d == r) }
                decided = r
            case .malformed:
                if case .header? = decided { preconditionFailure("malformed after a header") }
                decided = r
            }
        }
    }

    // The whole reader over the stream.
    let chunk = [Int.max, 1, 3, 7, 24, 100, 4096, 5][Int(mode & 7)]
    let skipBad = mode & 8 != 0
    var reader = FrameReader(source: MemorySource(bytes, chunk: chunk), name: "fuzz", limits: limits, skipBad: skipBad)
    var pixels: [Float] = []
    var frames = 0
    do {
        while let f = try reader.next(into: &pixels) {
            precondition(f.width >= 1 && f.height >= 1 && pixels.count == f.width * f.height)
            precondition(pixels.allSatisfy { $0.isFinite })
            frames += 1
            precondition(frames <= bytes.count, "more frames than bytes")
        }
        precondition(reader.bytesRead == bytes.count, "reader stopped before the end of input")
    } catch {
        precondition(!skipBad || isSourceError(error), "skip-bad reader threw: \(error)")
    }
    // The payload buffer follows the bytes that arrived, not the sizes headers announced.
    let bound = max(2 * reader.bytesRead, reader.bytesRead + FrameReader<MemorySource>.payloadStep) + 4096
    precondition(reader.payloadCapacity <= bound, "payload buffer \(reader.payloadCapacity) bytes after \(reader.bytesRead) read")
    return 0
}

func isSourceError(_ e: CLIError) -> Bool {
    e.status == .inputMissing
}
