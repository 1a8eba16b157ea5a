/// What went wrong reading or writing a file, with the path it concerns.
/// Decoders (PNG, NIfTI) have their own error types; this one covers the
/// file system itself.
public struct FileError: Error, Equatable, CustomStringConvertible, Sendable {
    public enum Kind: Equatable, Sendable {
        case notFound
        case permissionDenied
        case isDirectory
        case tooLarge(limit: Int)
        case readFailed(errno: Int32)
        case writeFailed(errno: Int32)
    }

    public let path: String
    public let kind: Kind

    public init(path: String, kind: Kind) {
        self.path = path
        self.kind = kind
    }

    public var description: String {
        switch kind {
        case .notFound: return "\(path): no such file; check the path"
        case .permissionDenied: return "\(path): permission denied; check the file's permissions"
        case .isDirectory: return "\(path): is a directory, expected a file"
        case .tooLarge(let limit):
            return "\(path): file is larger than the \(limit)-byte limit; is it the right file?"
        case .readFailed(let e): return "\(path): read failed (\(String(cString: strerror(e))))"
        case .writeFailed(let e):
            return "\(path): write failed (\(String(cString: strerror(e)))); check the directory exists and is writable"
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
