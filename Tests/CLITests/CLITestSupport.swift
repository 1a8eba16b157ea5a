import Foundation
import XCTest

/// Repository root, from this file's path (Tests/CLITests/CLITestSupport.swift).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

let fixturesCLI = repositoryRoot.appendingPathComponent("Tests/Fixtures/cli").path
let tinyModel = fixturesCLI + "/tiny-unet.json"
let sharedData = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/data").path
let la2018Masks = sharedData + "/la2018/masks"
let hvsmrImages = sharedData + "/hvsmr2-mini/images"

struct RunResult {
    var status: Int32
    var stdout: Data
    var stderr: String
    var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    /// stderr lines, without the empty string after the last newline.
    var stderrLines: [Substring] { stderr.split(separator: "\n", omittingEmptySubsequences: true) }
}

/// Runs the real binary (`splineseg`, or another of the package's executables) with `arguments`,
/// feeding `stdin` (or nothing: /dev/null).
func runCLI(_ arguments: [String], stdin: Data? = nil, executable: String = "splineseg",
            file: StaticString = #filePath, line: UInt = #line) throws -> RunResult {
    let binary = try locateBinary(executable, file: file, line: line)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: binary)
    process.arguments = arguments
    process.currentDirectoryURL = repositoryRoot
    let outPipe = Pipe(), errPipe = Pipe()
    process.standardOutput = outPipe
    process.standardError = errPipe
    let inPipe = Pipe()
    process.standardInput = stdin == nil ? FileHandle(forReadingAtPath: "/dev/null") : inPipe
    try process.run()
    // Feed and drain concurrently so large outputs cannot deadlock on full pipes.
    let done = DispatchGroup()
    let errBox = DataBox()
    let input = inPipe.fileHandleForWriting
    DispatchQueue.global().async(group: done) {
        if let stdin { try? input.write(contentsOf: stdin) }
        try? input.close()
    }
    let errHandle = errPipe.fileHandleForReading
    DispatchQueue.global().async(group: done) { errBox.data = errHandle.readDataToEndOfFile() }
    let out = outPipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    done.wait()
    let errData = errBox.data
    return RunResult(status: process.terminationStatus, stdout: out, stderr: String(decoding: errData, as: UTF8.self))
}

private func locateBinary(_ name: String, file: StaticString, line: UInt) throws -> String {
    // On Linux the test runner is a plain executable in the build directory: look next to it too
    // (needed for any --scratch-path, e.g. the sanitizer builds in tools/ci-hardening).
    let runnerDir = Bundle.main.executableURL.map { [$0.deletingLastPathComponent().path] } ?? []
    let bundleDirs = Bundle.allBundles.map { $0.bundleURL.deletingLastPathComponent().path } + [Bundle.main.bundleURL.deletingLastPathComponent().path] + runnerDir
    for dir in bundleDirs {
        let c = dir + "/" + name
        if FileManager.default.isExecutableFile(atPath: c) { return c }
    }
    let fallback = repositoryRoot.appendingPathComponent(".build/debug/" + name).path
    if FileManager.default.isExecutableFile(atPath: fallback) { return fallback }
    XCTFail("\(name) binary not found next to the test bundle (\(bundleDirs)) or at \(fallback)", file: file, line: line)
    throw CocoaError(.fileNoSuchFile)
}

/// A fresh temporary directory, removed when the test ends.
func makeTempDir(_ test: XCTestCase) throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("splineseg-cli-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
    return dir
}

/// Files in `dir` (including hidden temporaries, which must not survive a failure).
func listing(_ dir: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
}

/// The error contract: exactly one line on stderr, prefixed, and the documented exit code.
func assertFails(
    _ r: RunResult, code: Int32, mentioning needle: String, file: StaticString = #filePath, line: UInt = #line
) {
    XCTAssertEqual(r.status, code, "stderr: \(r.stderr)", file: file, line: line)
    XCTAssertEqual(r.stderrLines.count, 1, "expected one stderr line, got: \(r.stderr)", file: file, line: line)
    XCTAssertTrue(r.stderr.hasPrefix("splineseg: error: "), r.stderr, file: file, line: line)
    XCTAssertTrue(r.stderr.contains(needle), "'\(needle)' not in: \(r.stderr)", file: file, line: line)
}

/// Copies the tiny model (spec + weights) into `dir` and returns the spec path.
func copyTinyModel(to dir: String) throws -> String {
    for name in ["tiny-unet.json", "tiny-unet.safetensors"] {
        try FileManager.default.copyItem(atPath: fixturesCLI + "/" + name, toPath: dir + "/" + name)
    }
    return dir + "/tiny-unet.json"
}

/// Raw stream frame bytes ("SSF1" header + pixels).
func rawFrame(width: Int, height: Int, type: UInt8 = 1, id: UInt64, pixels: [UInt8]? = nil, reserved: [UInt8] = [0, 0, 0]) -> [UInt8] {
    var b = Array("SSF1".utf8)
    func le<T: FixedWidthInteger>(_ v: T) { for i in 0..<MemoryLayout<T>.size { b.append(UInt8(truncatingIfNeeded: v >> (8 * i))) } }
    le(UInt32(width))
    le(UInt32(height))
    b.append(type)
    b += reserved
    le(id)
    let bpp = type == 1 ? 1 : type == 2 ? 2 : 4
    b += pixels ?? (0..<(width * height * bpp)).map { UInt8(truncatingIfNeeded: $0 &* 37) }
    return b
}

/// A PNG stream frame ("SSP1" + length + PNG bytes).
func pngFrame(_ png: [UInt8]) -> [UInt8] {
    var b = Array("SSP1".utf8)
    for i in 0..<4 { b.append(UInt8(truncatingIfNeeded: png.count >> (8 * i))) }
    return b + png
}

private final class DataBox: @unchecked Sendable {
    var data = Data()
}
