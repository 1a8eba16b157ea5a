import CZlib

/// Streaming gzip inflation with zlib (inflateInit2, windowBits 15 + 32: gzip or zlib header
/// auto-detected), pulling exactly as many output bytes as the caller asks for. The caller asks
/// for the header, then the data size the header announces, then checks the stream ends there;
/// so output never exceeds what the header justifies and a decompression bomb is refused after
/// at most one extra small read.
///
/// Concatenated gzip members (as written by bgzip/pigz) are supported: after one member ends, a
/// following member starting with 1f 8b is inflated on. Any other bytes after the last member
/// are refused as corrupt.
///
/// The z_stream lives on the heap: zlib keeps a back pointer to it and refuses a moved stream.
/// Use within the lifetime of `input`; call `end()` exactly once.
struct GzipInflater {
    private let strm: UnsafeMutablePointer<z_stream>
    private let input: UnsafeRawBufferPointer
    /// Bytes of `input` not yet handed to zlib.
    private var fed = 0
    private var finished = false
    private let name: String

    init(input: UnsafeRawBufferPointer, name: String) throws(NIfTIError) {
        self.input = input
        self.name = name
        strm = .allocate(capacity: 1)
        strm.initialize(to: z_stream())
        let ret = inflateInit2_(strm, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard ret == Z_OK else {
            strm.deinitialize(count: 1)
            strm.deallocate()
            throw NIfTIError(name: name, kind: .corruptGzip(message: "zlib inflateInit2 failed (\(ret))"))
        }
    }

    func end() {
        inflateEnd(strm)
        strm.deinitialize(count: 1)
        strm.deallocate()
    }

    /// Inflates into `dst` until it is full or the last member ends; returns the bytes written.
    /// Fewer than `dst.count` means the stream ended (cleanly, or cut off: see `cutOff`).
    mutating func read(into dst: UnsafeMutableRawBufferPointer) throws(NIfTIError) -> Int {
        guard let base = dst.baseAddress else { return 0 }
        var produced = 0
        while produced < dst.count && !finished {
            if strm.pointee.avail_in == 0 {
                let remaining = input.count - fed
                guard remaining > 0, let inBase = input.baseAddress else { cutOff = true; break }
                // avail_in is 32-bit: feed at most 1 GiB at a time.
                let chunk = min(remaining, 1 << 30)
                // zlib's next_in is not const-qualified in older headers; it never writes there.
                strm.pointee.next_in = UnsafeMutablePointer(mutating: (inBase + fed).assumingMemoryBound(to: Bytef.self))
                strm.pointee.avail_in = uInt(chunk)
                fed += chunk
            }
            let want = min(dst.count - produced, 1 << 30)
            strm.pointee.next_out = (base + produced).assumingMemoryBound(to: Bytef.self)
            strm.pointee.avail_out = uInt(want)
            let ret = inflate(strm, Z_NO_FLUSH)
            produced += want - Int(strm.pointee.avail_out)
            switch ret {
            case Z_OK, Z_BUF_ERROR:
                // Z_BUF_ERROR: no progress possible with the current buffers; the loop refills
                // input or returns with a full output buffer.
                continue
            case Z_STREAM_END:
                try nextMemberOrFinish()
            default:
                throw NIfTIError(name: name, kind: .corruptGzip(message: zlibMessage(ret)))
            }
        }
        return produced
    }

    /// True once the input ran out before the last gzip member ended (file cut off).
    private(set) var cutOff = false

    /// After a member ends: start the next one if more input follows, else finish.
    private mutating func nextMemberOrFinish() throws(NIfTIError) {
        let unread = Int(strm.pointee.avail_in) + (input.count - fed)
        if unread == 0 { finished = true; return }
        let at = input.count - unread
        guard unread >= 2, input[at] == 0x1F, input[at + 1] == 0x8B else {
            throw NIfTIError(name: name, kind: .corruptGzip(message: "\(unread) unexpected bytes after the end of the gzip stream"))
        }
        guard inflateReset(strm) == Z_OK else {
            throw NIfTIError(name: name, kind: .corruptGzip(message: "zlib inflateReset failed"))
        }
    }

    /// Reads `count` bytes and throws `truncated` (naming `what`) if the stream ends sooner.
    mutating func readExactly(into dst: UnsafeMutableRawBufferPointer, what: String, neededTotal: Int, before: Int) throws(NIfTIError) {
        let got = try read(into: dst)
        if got < dst.count {
            throw NIfTIError(name: name, kind: .truncated(what: what, needed: neededTotal, available: before + got))
        }
    }

    /// Confirms the stream ends here (so its CRC is checked) and holds no more output: more output
    /// than the header announced is refused as a likely decompression bomb.
    mutating func expectEnd(expectedTotal: Int) throws(NIfTIError) {
        var probe: UInt8 = 0
        let extra = try withUnsafeMutableBytes(of: &probe) { (b) throws(NIfTIError) -> Int in try read(into: b) }
        if extra > 0 {
            // More output than announced: a bomb, or a corrupted stream. Inflate a bounded amount
            // further (1 MiB, into a reused scratch buffer) so corruption is reported as such when
            // zlib detects it soon; otherwise refuse as too large.
            var scratch = [UInt8](repeating: 0, count: 1 << 16)
            for _ in 0..<16 {
                let n = try withMutableBytes(&scratch) { (b) throws(NIfTIError) -> Int in try read(into: b) }
                if n < scratch.count { break }
            }
            throw NIfTIError(name: name, kind: .tooLarge(
                what: "the decompressed stream (more than the \(expectedTotal) bytes its header announces; possible decompression bomb)",
                limit: expectedTotal))
        }
        if cutOff {
            throw NIfTIError(name: name, kind: .truncated(
                what: "the gzip stream (its end and checksum are missing)", needed: input.count + 8, available: input.count))
        }
    }

    private func zlibMessage(_ ret: Int32) -> String {
        if let m = strm.pointee.msg { return String(cString: m) }
        switch ret {
        case Z_NEED_DICT: return "needs a preset dictionary"
        case Z_MEM_ERROR: return "out of memory"
        case Z_DATA_ERROR: return "invalid data"
        default: return "zlib error \(ret)"
        }
    }
}

/// The largest expansion deflate can achieve is 1032:1 (a 258-byte match coded in 2 bits), so a
/// stream of `compressed` bytes cannot inflate to more than this many bytes. Used to refuse, before
/// allocating, a header that announces more data than the file could possibly hold.
func maximumInflatedSize(compressed: Int) -> Int {
    let (p, o) = compressed.multipliedReportingOverflow(by: 1032)
    return o ? Int.max : p
}
