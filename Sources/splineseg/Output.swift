import FileSupport
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One line to stderr, unbuffered, so it is never lost to a later exit().
func printError(_ line: String) {
    let bytes = Array((line + "\n").utf8)
    bytes.withUnsafeBytes { _ = writeAll(fd: 2, $0) }
}

/// Writes all of `bytes` to a descriptor, retrying short writes and EINTR. Returns errno on
/// failure (EPIPE when the reader went away: SIGPIPE is ignored, see `ignoreSIGPIPE`).
@discardableResult
func writeAll(fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32 {
    var offset = 0
    while offset < bytes.count {
        let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
        if n < 0 {
            if errno == EINTR { continue }
            return errno
        }
        offset += n
    }
    return 0
}

/// Writes a text report to `path` atomically, or to stdout when `path` is nil or "-".
func emit(_ text: String, to path: String?) throws(CLIError) {
    let bytes = Array(text.utf8)
    if let path, path != "-" {
        do { try writeFileAtomically(bytes, to: path) } catch { throw CLIError(writing: error) }
    } else {
        fflush(nil)  // anything print()ed must come first
        let e = bytes.withUnsafeBytes { writeAll(fd: 1, $0) }
        if e != 0 { throw .output("stdout: write failed (\(String(cString: strerror(e))))") }
    }
}

/// A broken stdout pipe must surface as a write error (exit 5), not kill us silently.
func ignoreSIGPIPE() {
    signal(SIGPIPE, SIG_IGN)
}

/// Fixed-point text for a metric; infinite values print "inf" and NaN "nan" (e.g. a standard
/// deviation over one volume).
func fixed(_ v: Double, _ digits: Int) -> String {
    if v.isNaN { return "nan" }
    if v.isInfinite { return v > 0 ? "inf" : "-inf" }
    return String(format: "%.\(digits)f", v)
}

/// Shortest round-trip text for CSV ("inf"/"nan" for non-finite values).
func exact(_ v: Double) -> String {
    if v.isNaN { return "nan" }
    if v.isInfinite { return v > 0 ? "inf" : "-inf" }
    return "\(v)"
}

/// A JSON number, or null for a non-finite value (JSON has no infinity).
func jsonNumber(_ v: Double) -> String { v.isFinite ? "\(v)" : "null" }

/// A JSON string literal.
func jsonString(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
        switch u {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            if u.value < 0x20 {
                let hex = String(u.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            } else {
                out.unicodeScalars.append(u)
            }
        }
    }
    return out + "\""
}

/// True when stderr is a terminal (progress bars only then, unless asked for).
var stderrIsTTY: Bool { isatty(2) == 1 }

/// `withUnsafeBytes` for bodies that throw CLIError (the standard one only rethrows `any Error`).
func withBytes<R>(_ bytes: [UInt8], _ body: (UnsafeRawBufferPointer) throws(CLIError) -> R) throws(CLIError) -> R {
    try bytes.withUnsafeBytes { b in Result { () throws(CLIError) -> R in try body(b) } }.get()
}

/// The process exit, named so that commands' own `exit` members do not shadow it.
func terminate(_ code: Int32) -> Never {
    exit(code)
}

/// Fails early (exit 5) when `path`'s directory does not exist or is not writable, so a long
/// run does not end in an unwritable output.
func checkOutputFile(_ path: String) throws(CLIError) {
    var isDir: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue {
        throw .output("\(path): is a directory; give a file name for the output")
    }
    let dir = (path as NSString).deletingLastPathComponent
    try checkOutputDirectory(dir.isEmpty ? "." : dir)
}

/// Fails early (exit 5) unless `dir` is an existing writable directory.
func checkOutputDirectory(_ dir: String) throws(CLIError) {
    var isDir: ObjCBool = false
    guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
        throw .output("\(dir): no such directory; create it first")
    }
    guard access(dir, W_OK) == 0 else {
        throw .output("\(dir): directory is not writable; check its permissions")
    }
}
