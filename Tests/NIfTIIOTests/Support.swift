import Foundation
import NIfTIIO
import XCTest

/// Repository root: this file is <root>/Tests/NIfTIIOTests/Support.swift.
let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path
let fixtureDir = repoRoot + "/Tests/Fixtures/nifti"
let sharedDataDir = repoRoot + "/../shared/data"

/// The shared data set; a missing data directory is a test failure, never a skip.
func requireSharedData(file: StaticString = #filePath, line: UInt = #line) throws -> String {
    var isDir: ObjCBool = false
    guard FileManager.default.fileExists(atPath: sharedDataDir, isDirectory: &isDir), isDir.boolValue else {
        XCTFail("shared data not found at \(sharedDataDir); these tests need ../shared/data next to the repository (see DESIGN.md)",
                file: file, line: line)
        throw CocoaError(.fileNoSuchFile)
    }
    return sharedDataDir
}

// golden.json, written by tools/make_nifti_fixture.py.
struct Golden: Decodable {
    struct Sample: Decodable { let index: [Int]; let value: Double }
    struct Real: Decodable {
        let path: String
        let shape: [Int]
        let pixdim: [Double]
        let datatype: Int
        let scl_slope: Double?
        let scl_inter: Double?
        let qform_code: Int
        let sform_code: Int
        let sform: [[Double]]
        let sum: Double
        let sum_abs: Double
        let min: Double
        let max: Double
        let mean: Double
        let samples: [Sample]
    }
    struct Synthetic: Decodable {
        let file: String
        let datatype: Int
        let little_endian: Bool
        let gzip: Bool
        let shape: [Int]
        let spacing: [Double]
        let pixdim: [Double]
        let scl_slope: Double?
        let scl_inter: Double
        let qform_code: Int
        let quatern: [Double]
        let qoffset: [Double]
        let sform_code: Int
        let srow: [[Double]]
        let values: [Double]
    }
    let real: [Real]
    let synthetic: [Synthetic]
}

func loadGolden() throws -> Golden {
    let data = try Data(contentsOf: URL(fileURLWithPath: fixtureDir + "/golden.json"))
    return try JSONDecoder().decode(Golden.self, from: data)
}

func fixtureBytes(_ name: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: fixtureDir + "/" + name)))
}

/// |a - b| <= tol * max(|b|, floor): relative comparison that tolerates exact zeros.
func assertClose(_ a: Double, _ b: Double, rel tol: Double, floor: Double = 1e-30, _ what: @autoclosure () -> String,
                 file: StaticString = #filePath, line: UInt = #line) {
    let ok = abs(a - b) <= tol * max(abs(b), floor) || (a.isNaN && b.isNaN)
    XCTAssertTrue(ok, "\(what()): got \(a), expected \(b)", file: file, line: line)
}

/// Runs `body` and returns the NIfTIError it throws (failing if it does not throw one).
func expectError(_ body: () throws(NIfTIError) -> Void, file: StaticString = #filePath, line: UInt = #line) -> NIfTIError? {
    do {
        try body()
        XCTFail("expected a NIfTIError, none was thrown", file: file, line: line)
        return nil
    } catch {
        // Every message must name the file.
        XCTAssertTrue(error.description.contains(error.name), "message does not name the file: \(error)", file: file, line: line)
        return error
    }
}

/// A fresh empty directory, removed by the caller's tearDown.
func makeTempDir() throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nifti-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

/// Little-endian header bytes patching helpers for building bad inputs from a valid file.
extension Array where Element == UInt8 {
    mutating func putI16LE(_ v: Int16, at o: Int) {
        let u = UInt16(bitPattern: v)
        self[o] = UInt8(u & 0xFF); self[o + 1] = UInt8(u >> 8)
    }
    mutating func putF32LE(_ v: Float, at o: Int) {
        let u = v.bitPattern
        for k in 0..<4 { self[o + k] = UInt8((u >> (8 * UInt32(k))) & 0xFF) }
    }
}

/// Deterministic generator (SplitMix64) so randomised inputs are reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
