import Foundation
import PNGIO
import XCTest

/// Repository root: this file is <root>/Tests/PNGIOTests/TestSupport.swift.
let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path
let fixturesDir = repoRoot + "/Tests/Fixtures/png"
/// Shared data set (see ../shared/data/README.md); never copied into the repo.
let hvsmrDir = repoRoot + "/../shared/data/hvsmr2-mini"

/// Fails (does not skip) when the shared data is absent.
func requireSharedData(file: StaticString = #filePath, line: UInt = #line) -> Bool {
    var isDir: ObjCBool = false
    if FileManager.default.fileExists(atPath: hvsmrDir, isDirectory: &isDir), isDir.boolValue { return true }
    XCTFail(
        "shared data missing at \(hvsmrDir); these tests need ../shared/data/hvsmr2-mini beside the repository",
        file: file, line: line)
    return false
}

func fixtureBytes(_ name: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: fixturesDir + "/" + name)))
}

/// expected.json written by tools/make_png_fixtures.py.
func expectedJSON() throws -> [String: Any] {
    let data = try Data(contentsOf: URL(fileURLWithPath: fixturesDir + "/expected.json"))
    guard let obj = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
        throw NSError(domain: "PNGIOTests", code: 1, userInfo: [NSLocalizedDescriptionKey: "expected.json is not an object"])
    }
    return obj
}

/// The PNGError that decoding `bytes` throws, or nil (after an XCTFail) if it succeeds.
func decodeError(_ bytes: [UInt8], name: String = "test.png", limits: PNGLimits = .default,
                 file: StaticString = #filePath, line: UInt = #line) -> PNGError? {
    do {
        _ = try decodePNG(bytes, name: name, limits: limits)
        XCTFail("decoding succeeded but an error was expected", file: file, line: line)
        return nil
    } catch {
        return error
    }
}

/// Chunks of a PNG: (offset of the length field, data length, type).
func chunks(_ png: [UInt8]) -> [(offset: Int, length: Int, type: String)] {
    var out: [(Int, Int, String)] = []
    var at = 8
    while at + 8 <= png.count {
        let len = Int(png[at]) << 24 | Int(png[at + 1]) << 16 | Int(png[at + 2]) << 8 | Int(png[at + 3])
        out.append((at, len, String(decoding: png[(at + 4)..<(at + 8)], as: UTF8.self)))
        at += 12 + len
    }
    return out
}

/// CRC-32 (PNG/zlib polynomial), for building malformed files with valid CRCs.
func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
    var crc: UInt32 = 0xffff_ffff
    for b in bytes {
        crc ^= UInt32(b)
        for _ in 0..<8 { crc = (crc >> 1) ^ (crc & 1 == 1 ? 0xedb8_8320 : 0) }
    }
    return crc ^ 0xffff_ffff
}

/// A fresh temporary directory, removed by the caller.
func makeTempDir() throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pngio-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}
