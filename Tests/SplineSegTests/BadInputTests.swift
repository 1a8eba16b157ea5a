import Foundation
import XCTest

@testable import SplineSeg

/// One test per malformed spec / safetensors case: each must throw a ModelError saying what is
/// wrong (never trap).
final class BadInputTests: XCTestCase {
    /// A small valid UNet (d=1, b=2, f=2, I=8, O=4, p=1) and its weights.
    let good = randomModelFile(makeSpec("unet-implicit", input: 8, degree: 1, depth: 1, bottleneck: 2, filters: 2), seed: 7)

    func load(_ spec: ModelSpec, _ bytes: [UInt8]) throws(ModelError) {
        _ = try SplineSegModel.load(spec: spec, safetensors: bytes)
    }

    /// Loads bytes with the spec's sha256 updated, so the container checks are reached.
    func loadResigned(_ bytes: [UInt8]) throws(ModelError) {
        var s = good.spec
        s.sha256 = SHA256.hex(bytes)
        try load(s, bytes)
    }

    func testGoodModelLoads() throws {
        let m = try SplineSegModel.load(spec: good.spec, safetensors: good.bytes)
        XCTAssertEqual(m.spec.coefficients, 4)
    }

    func testTruncated() {
        assertModelError("truncated") { () throws(ModelError) in try loadResigned(Array(good.bytes.prefix(5))) }
        assertModelError("truncated") { () throws(ModelError) in try loadResigned(Array(good.bytes.dropLast(4))) }
    }

    func testHeaderLengthTooLarge() {
        var b = good.bytes
        for i in 0..<8 { b[i] = 0xFF }
        assertModelError("exceeds") { () throws(ModelError) in try loadResigned(b) }
        // Within the limit but past the end of the file.
        var c = good.bytes
        let n = UInt64(c.count)
        for i in 0..<8 { c[i] = UInt8(truncatingIfNeeded: n >> UInt64(8 * i)) }
        assertModelError("runs past the end") { () throws(ModelError) in try loadResigned(c) }
    }

    func testBadJSONHeader() {
        assertModelError("not a JSON object") { () throws(ModelError) in try loadResigned(withHeader(Array("{\"a\":".utf8), data: [])) }
        assertModelError("not a JSON object") { () throws(ModelError) in try loadResigned(withHeader(Array("[1,2]".utf8), data: [])) }
    }

    /// Hostile JSON: deep nesting, huge or fractional numbers, wrong types.
    func testHostileHeaders() {
        let deep = "{\"x\":" + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}"
        assertModelError("weights (safetensors)") { () throws(ModelError) in try loadResigned(withHeader(Array(deep.utf8), data: [])) }
        for h in ["{\"x\":{\"dtype\":\"F32\",\"shape\":[1e999],\"data_offsets\":[0,4]}}",
                  "{\"x\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}",
                  "{\"x\":{\"dtype\":\"F32\",\"shape\":\"1\",\"data_offsets\":[0,4]}}",
                  "{\"x\":{\"dtype\":7,\"shape\":[1],\"data_offsets\":[0,4]}}",
                  "{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}",
                  "{\"x\":[]}", "\u{0}\u{0}"] {
            assertModelError("weights (safetensors)") { () throws(ModelError) in
                try loadResigned(withHeader(Array(h.utf8), data: [0, 0, 0, 0]))
            }
        }
    }

    func testOffsetsOutOfRange() {
        let h = "{\"head.bias\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4000000]}}"
        assertModelError("run past") { () throws(ModelError) in try loadResigned(withHeader(Array(h.utf8), data: [0, 0, 0, 0])) }
        let wrongSize = "{\"head.bias\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}"
        assertModelError("expected 8") { () throws(ModelError) in try loadResigned(withHeader(Array(wrongSize.utf8), data: [0, 0, 0, 0])) }
        let overflow = "{\"x\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,4]}}"
        assertModelError("too large") { () throws(ModelError) in try loadResigned(withHeader(Array(overflow.utf8), data: [0, 0, 0, 0])) }
        let negative = "{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}}"
        assertModelError("data_offsets") { () throws(ModelError) in try loadResigned(withHeader(Array(negative.utf8), data: [0, 0, 0, 0])) }
        let overlap = "{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"y\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}"
        assertModelError("overlap") { () throws(ModelError) in try loadResigned(withHeader(Array(overlap.utf8), data: [UInt8](repeating: 0, count: 8))) }
    }

    func testWrongDtype() throws {
        let s = String(decoding: good.bytes, as: UTF8.self)
        XCTAssert(s.contains("\"F32\""))
        // Same length: F16 is a dtype the reader refuses; U8 parses but is not a weight type.
        let f16 = Array(s.replacingOccurrences(of: "\"F32\"", with: "\"F16\"").utf8)
        assertModelError("dtype F16 is not supported") { () throws(ModelError) in try loadResigned(f16) }
        let h = "{\"encoder.0.conv1.conv.weight\":{\"dtype\":\"U8\",\"shape\":[1,1,3,3],\"data_offsets\":[0,9]}}"
        assertModelError("'encoder.0.conv1.conv.weight' has dtype U8, expected F32") { () throws(ModelError) in
            var spec = makeSpec("unet-implicit", input: 1, degree: 0, depth: 0, bottleneck: 1, filters: 1)
            let b = withHeader(Array(h.utf8), data: [UInt8](repeating: 0, count: 9))
            spec.sha256 = SHA256.hex(b)
            try load(spec, b)
        }
    }

    func testMissingTensor() {
        let tensors = NetworkBuilder.manifest(spec: good.spec).filter { $0.name != "decoder.0.upconv.weight" }
            .map { (name: $0.name, shape: $0.shape, values: [Float](repeating: 0.5, count: $0.shape.reduce(1, *))) }
        assertModelError("'decoder.0.upconv.weight' (shape [4, 2, 2, 2]) is missing") { () throws(ModelError) in
            try loadResigned(safetensorsBytes(tensors))
        }
    }

    func testWrongShape() {
        let tensors = NetworkBuilder.manifest(spec: good.spec).map { t -> (name: String, shape: [Int], values: [Float]) in
            let shape = t.name == "head.weight" ? [1, 2, 1] : t.shape
            return (t.name, shape, [Float](repeating: 0.5, count: shape.reduce(1, *)))
        }
        assertModelError("'head.weight' has shape [1, 2, 1]") { () throws(ModelError) in try loadResigned(safetensorsBytes(tensors)) }
    }

    func testNonFiniteWeight() {
        let tensors = NetworkBuilder.manifest(spec: good.spec).map { t -> (name: String, shape: [Int], values: [Float]) in
            (t.name, t.shape, [Float](repeating: t.name == "head.bias" ? .nan : 0.5, count: t.shape.reduce(1, *)))
        }
        assertModelError("'head.bias' contains NaN") { () throws(ModelError) in try loadResigned(safetensorsBytes(tensors)) }
    }

    func testShaMismatch() {
        var b = good.bytes
        b[b.count - 1] ^= 1
        assertModelError("weights file does not match the spec: re-export") { () throws(ModelError) in try load(good.spec, b) }
    }

    func testUnknownArchitecture() {
        var s = good.spec
        s.architecture = "resnet"
        assertModelError("unknown architecture 'resnet'") { () throws(ModelError) in try load(s, good.bytes) }
    }

    func testInconsistentSpecs() {
        var s = good.spec
        s.coefficients = 5
        assertModelError("gives O = 4") { () throws(ModelError) in try load(s, good.bytes) }
        s = good.spec
        s.degree = 4
        assertModelError("0 <= p < O") { () throws(ModelError) in try load(s, good.bytes) }
        s = good.spec
        s.input = 10
        s.preprocessing.parameters.input = 10
        assertModelError("divisible by 2^d*b = 4") { () throws(ModelError) in try load(s, good.bytes) }
        s = good.spec
        s.preprocessing.parameters.input = 16
        assertModelError("preprocessing.parameters.input = 16 differs") { () throws(ModelError) in try load(s, good.bytes) }
        s = good.spec
        s.format = "splineseg-model/2"
        assertModelError("format 'splineseg-model/2'") { () throws(ModelError) in try load(s, good.bytes) }
        s = good.spec
        s.filters = nil
        assertModelError("needs integer depth, bottleneck and filters") { () throws(ModelError) in try load(s, good.bytes) }
        s = good.spec
        s.preprocessing.parameters.intensity = "window"
        assertModelError("needs window [lo, hi]") { () throws(ModelError) in try load(s, good.bytes) }
        s = good.spec
        s.preprocessing.parameters.geometry = "crop"
        assertModelError("unknown geometry 'crop'") { () throws(ModelError) in try load(s, good.bytes) }
        s = good.spec
        s.sha256 = "xyz"
        assertModelError("64 lower-case hex") { () throws(ModelError) in try load(s, good.bytes) }
        assertModelError("input size I = 4096") { () throws(ModelError) in try load(makeSpec("vgg-implicit1", input: 4096, degree: 1), []) }
    }

    func testSpecJSONErrors() {
        assertModelError("not valid JSON") { () throws(ModelError) in _ = try ModelSpec.decode(json: Array("{".utf8)) }
        assertModelError("field 'sha256' is missing") { () throws(ModelError) in
            _ = try ModelSpec.decode(json: Array("""
            {"format": "splineseg-model/1", "name": "x", "architecture": "vgg-implicit1", "input": 8,
             "coefficients": 2, "degree": 1, "preprocessing": {"parameters": {"input": 8,
             "intensity": "zscore-slice", "std_floor": 1e-6, "geometry": "pad-square"}}}
            """.utf8))
        }
        assertModelError("field 'input' has the wrong type") { () throws(ModelError) in
            _ = try ModelSpec.decode(json: Array("{\"format\": \"x\", \"name\": \"x\", \"architecture\": \"x\", \"input\": \"8\"}".utf8))
        }
    }

    func testHostileSpecJSON() {
        let deep = "{\"training\":" + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}"
        assertModelError("model spec") { () throws(ModelError) in _ = try ModelSpec.decode(json: Array(deep.utf8)) }
        assertModelError("model spec") { () throws(ModelError) in _ = try ModelSpec.decode(json: [0xFF, 0xFE, 0x00]) }
    }

    func testMissingFiles() {
        assertModelError("no such file") { () throws(ModelError) in _ = try SplineSegModel.load(specPath: "/nonexistent/m.json") }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("splineseg-\(getpid())-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let spec = dir.appendingPathComponent("m.json")
        try? JSONEncoder().encode(good.spec).write(to: spec)
        assertModelError("m.safetensors: no such file") { () throws(ModelError) in _ = try SplineSegModel.load(specPath: spec.path) }
        try? Data(good.bytes).write(to: dir.appendingPathComponent("m.safetensors"))
        XCTAssertNoThrow(try SplineSegModel.load(specPath: spec.path))
    }

    /// Random byte flips and truncations of a good file never trap (a tiny in-test fuzzer).
    func testMutationsNeverTrap() {
        var g = SeededGenerator(seed: 42)
        var accepted = 0
        for _ in 0..<300 {
            var b = good.bytes
            switch Int.random(in: 0..<3, using: &g) {
            case 0: b = Array(b.prefix(Int.random(in: 0...b.count, using: &g)))
            case 1: for _ in 0..<4 { let i = Int.random(in: 0..<min(b.count, 600), using: &g); b[i] = UInt8.random(in: 0...255, using: &g) }
            default: b[Int.random(in: 0..<8, using: &g)] = UInt8.random(in: 0...255, using: &g)
            }
            if (try? loadResigned(b)) != nil { accepted += 1 }
        }
        print("mutation fuzz: \(accepted)/300 mutated files loaded, the rest were refused with a ModelError")
    }
}
