#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Default ceiling for any single input file: 2 GiB. Larger inputs are refused
/// before allocation rather than risking an out-of-memory kill.
public let defaultMaxFileBytes = 1 << 31

/// Reads a whole regular file into memory, refusing anything over `maxBytes`.
public func readFile(_ path: String, maxBytes: Int = defaultMaxFileBytes) throws(FileError) -> [UInt8] {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    if fd < 0 { throw FileError(path: path, kind: errnoKind(errno, reading: true)) }
    defer { close(fd) }
    var st = stat()
    if fstat(fd, &st) != 0 { throw FileError(path: path, kind: .readFailed(errno: errno)) }
    if (st.st_mode & S_IFMT) == S_IFDIR { throw FileError(path: path, kind: .isDirectory) }
    let size = Int(st.st_size)
    if size > maxBytes { throw FileError(path: path, kind: .tooLarge(limit: maxBytes)) }
    var out = [UInt8]()
    out.reserveCapacity(size)
    // Read in chunks so pipes and files whose size changes still work.
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n < 0 {
            if errno == EINTR { continue }
            throw FileError(path: path, kind: .readFailed(errno: errno))
        }
        if n == 0 { break }
        if out.count + n > maxBytes { throw FileError(path: path, kind: .tooLarge(limit: maxBytes)) }
        out.append(contentsOf: chunk[0..<n])
    }
    return out
}

func errnoKind(_ e: Int32, reading: Bool) -> FileError.Kind {
    switch e {
    case ENOENT: return .notFound
    case EACCES, EPERM: return .permissionDenied
    case EISDIR: return .isDirectory
    default: return reading ? .readFailed(errno: e) : .writeFailed(errno: e)
    }
}
