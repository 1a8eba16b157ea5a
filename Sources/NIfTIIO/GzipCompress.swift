import CZlib

/// Compresses `bytes` into a single gzip member (deflateInit2, windowBits 15 + 16) at zlib level
/// `level` (0...9). `name` is used in errors only.
public func gzipCompress(_ bytes: [UInt8], level: Int32 = 6, name: String = "<memory>") throws(NIfTIError) -> [UInt8] {
    let strm = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    strm.initialize(to: z_stream())
    defer { strm.deinitialize(count: 1); strm.deallocate() }
    let lvl = max(0, min(9, level))
    let ret = deflateInit2_(strm, lvl, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                            zlibVersion(), Int32(MemoryLayout<z_stream>.size))
    guard ret == Z_OK else {
        throw NIfTIError(name: name, kind: .compressionFailed(message: "deflateInit2 returned \(ret)"))
    }
    defer { deflateEnd(strm) }

    var out: [UInt8] = []
    // deflateBound covers the gzip wrapper; still loop in case it is exceeded.
    out.reserveCapacity(Int(deflateBound(strm, uLong(min(bytes.count, Int(UInt32.max))))) + 64)
    var chunk = [UInt8](repeating: 0, count: 1 << 18)
    var status: Int32 = Z_OK
    bytes.withUnsafeBytes { src in
        var fed = 0
        repeat {
            if strm.pointee.avail_in == 0 && fed < src.count, let b = src.baseAddress {
                let n = min(src.count - fed, 1 << 30)
                strm.pointee.next_in = UnsafeMutablePointer(mutating: (b + fed).assumingMemoryBound(to: Bytef.self))
                strm.pointee.avail_in = uInt(n)
                fed += n
            }
            let flush = (fed == src.count) ? Z_FINISH : Z_NO_FLUSH
            chunk.withUnsafeMutableBytes { c in
                strm.pointee.next_out = c.baseAddress!.assumingMemoryBound(to: Bytef.self)
                strm.pointee.avail_out = uInt(c.count)
                status = deflate(strm, flush)
                let produced = c.count - Int(strm.pointee.avail_out)
                out.append(contentsOf: c[0..<produced])
            }
        } while status == Z_OK || status == Z_BUF_ERROR
    }
    guard status == Z_STREAM_END else {
        throw NIfTIError(name: name, kind: .compressionFailed(message: "deflate returned \(status)"))
    }
    return out
}
