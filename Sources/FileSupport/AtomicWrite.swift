#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes `bytes` to `path` atomically: into a temporary file in the same
/// directory, flushed, then renamed over `path`. A failure at any point leaves
/// no partial file behind (the temporary is removed) and `path` untouched.
public func writeFileAtomically(_ bytes: [UInt8], to path: String) throws(FileError) {
    try withTemporaryFile(for: path) { fd, tmp throws(FileError) in
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileError(path: path, kind: .writeFailed(errno: errno))
            }
            offset += n
        }
    }
}

/// Creates a temporary file beside `path`, hands its descriptor and name to
/// `body`, then fsyncs and renames it to `path`. If `body` throws, or any step
/// fails, the temporary file is deleted and `path` is left as it was. Use this
/// for writers that need a descriptor or a path of their own (libpng, gzip).
public func withTemporaryFile(
    for path: String, _ body: (_ fd: Int32, _ tmpPath: String) throws(FileError) -> Void
) throws(FileError) {
    let dir: String
    let base: String
    if let slash = path.lastIndex(of: "/") {
        dir = String(path[..<slash]).isEmpty ? "/" : String(path[..<slash])
        base = String(path[path.index(after: slash)...])
    } else {
        dir = "."
        base = path
    }
    if base.isEmpty { throw FileError(path: path, kind: .isDirectory) }
    var template = Array("\(dir)/.\(base).tmp-XXXXXX".utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    if fd < 0 { throw FileError(path: path, kind: errnoKind(errno, reading: false)) }
    let tmp = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    var closed = false
    do throws(FileError) {
        // Output files are ordinary user files: 0644 less the umask, like `>`.
        let mask = umask(0)
        umask(mask)
        fchmod(fd, 0o644 & ~mask)
        try body(fd, tmp)
        if fsync(fd) != 0 { throw FileError(path: path, kind: .writeFailed(errno: errno)) }
        closed = true
        if close(fd) != 0 { throw FileError(path: path, kind: .writeFailed(errno: errno)) }
        if rename(tmp, path) != 0 { throw FileError(path: path, kind: errnoKind(errno, reading: false)) }
    } catch {
        if !closed { close(fd) }
        unlink(tmp)
        throw error
    }
}
