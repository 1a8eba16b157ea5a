import Foundation
import SplineCore
import XCTest

@testable import SplineSeg

/// Golden fixtures (format v1, tools/splineseg_train/golden.py): weights regenerated from the
/// splitmix64 generator and checked by sha256; preprocessing, every layer, coefficients,
/// native-grid values and mask compared with PyTorch.
final class GoldenTests: XCTestCase {
    struct Index: Decodable {
        struct Model: Decodable {
            let architecture: String, input: Int, coefficients: Int, degree: Int
            let depth: Int?, bottleneck: Int?, filters: Int?
            let preprocessing: ModelSpec.Preprocessing
        }
        struct Weights: Decodable {
            struct Tensor: Decodable { let name: String, shape: [Int], lo: Double, hi: Double }
            let seed: UInt64, sha256: String, tensors: [Tensor]
        }
        struct Layer: Decodable { let name: String, tensor: String, shape: [Int] }
        let format: String
        let model: Model
        let weights: Weights
        let layers: [Layer]
        let raw_shape: [Int]
    }

    static let directory = repositoryRoot().appendingPathComponent("Tests/Fixtures/golden")

    static func fixtureNames() throws -> [String] {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path)
        return files.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }

    func testFixturesPresent() throws {
        XCTAssertGreaterThanOrEqual(try Self.fixtureNames().count, 4, "golden fixtures missing in \(Self.directory.path)")
    }

    func testUNetD2B2F4() throws { try check(fixture: "unet-d2b2f4-i32-p1") }
    func testUNetD3B2F8() throws { try check(fixture: "unet-d3b2f8-i64-p3") }
    func testVGG1() throws { try check(fixture: "vgg1-i28-p2") }
    func testVGG2() throws { try check(fixture: "vgg2-i24-p1") }

    /// Fixtures added later are checked too.
    func testOtherFixtures() throws {
        let known: Set = ["unet-d2b2f4-i32-p1", "unet-d3b2f8-i64-p3", "vgg1-i28-p2", "vgg2-i24-p1"]
        for name in try Self.fixtureNames() where !known.contains(name) { try check(fixture: name) }
    }

    /// (spec, safetensors bytes) of a fixture's regenerated weights; checks weights.sha256.
    static func regenerate(_ idx: Index, _ name: String) throws -> (ModelSpec, [UInt8]) {
        var k: UInt64 = 0
        var tensors: [(name: String, shape: [Int], values: [Float])] = []
        for t in idx.weights.tensors {
            var v = [Float](repeating: 0, count: t.shape.reduce(1, *))
            let (seed, lo, span) = (idx.weights.seed, t.lo, t.hi - t.lo)
            v.withUnsafeMutableBufferPointer { b in
                for i in b.indices {
                    k &+= 1
                    b[i] = Float(lo + span * splitmixUniform(seed: seed, k: k))
                }
            }
            tensors.append((t.name, t.shape, v))
        }
        let bytes = safetensorsBytes(tensors)
        let data = Array(bytes[(bytes.count - tensors.reduce(0) { $0 + 4 * $1.values.count })...])
        XCTAssertEqual(SHA256.hex(data), idx.weights.sha256, "\(name): regenerated weights differ from golden.py's")
        let m = idx.model
        var spec = ModelSpec(name: name, architecture: m.architecture, input: m.input, coefficients: m.coefficients,
                             degree: m.degree, depth: m.depth, bottleneck: m.bottleneck, filters: m.filters,
                             preprocessing: m.preprocessing, sha256: "")
        spec.sha256 = SHA256.hex(bytes)
        // The library's own list of tensors for the architecture equals PyTorch's state_dict.
        let manifest = NetworkBuilder.manifest(spec: spec)
        XCTAssertEqual(manifest.map(\.name), idx.weights.tensors.map(\.name), "\(name): tensor names/order")
        XCTAssertEqual(manifest.map(\.shape), idx.weights.tensors.map(\.shape), "\(name): tensor shapes")
        return (spec, bytes)
    }

    func check(fixture name: String) throws {
        let idx = try JSONDecoder().decode(Index.self, from: Data(contentsOf: Self.directory.appendingPathComponent(name + ".json")))
        XCTAssertEqual(idx.format, "splineseg-golden/1")
        let golden = try SafeTensors(bytes: Array(try Data(contentsOf: Self.directory.appendingPathComponent(name + ".safetensors"))))
        func ref(_ n: String) throws -> [Float] { try XCTUnwrap(golden.floats(n), "\(name): tensor \(n) missing") }
        let t0 = Date()
        let (spec, bytes) = try Self.regenerate(idx, name)
        let t1 = Date()
        let model = try SplineSegModel.load(spec: spec, safetensors: bytes)
        print(String(format: "%@: weights regenerated in %.2f s, loaded in %.2f s", name, t1.timeIntervalSince(t0), Date().timeIntervalSince(t1)))
        let seg = try Segmenter(model: model, threads: 2, engine: .reference)
        let h = idx.raw_shape[0], w = idx.raw_shape[1]
        let raw = try ref("raw")

        // Preprocessing.
        let x = try seg.preprocess(pixels: raw, width: w, height: h)
        let input = try ref("input")
        let dIn = maxDiff(x, input)
        print("\(name): preprocessing max abs diff \(dIn.diff)")
        XCTAssertLessThanOrEqual(dIn.diff, 1e-5, "\(name): preprocessing")

        // Every layer, fed the fixture's own input.
        let layers = try seg.layerOutputs(networkInput: input)
        XCTAssertEqual(layers.map(\.name), idx.layers.map(\.name), "\(name): layer names / order")
        for (mine, l) in zip(layers, idx.layers) {
            XCTAssertEqual(mine.shape, l.shape, "\(name): \(l.name) shape")
            let d = maxDiff(mine.values, try ref(l.tensor))
            let rel = d.diff / max(d.ref, 1e-30)
            print(String(format: "%@: layer %-22@ shape %@ max abs diff %.3g (relative %.3g)",
                         name, l.name, "\(l.shape)", d.diff, rel))
            XCTAssertLessThanOrEqual(rel, 1e-4, "\(name): layer \(l.name)")
        }

        // Coefficients, native-grid values and mask from the raw slice.
        let s = try seg.segment(pixels: raw, width: w, height: h)
        let dc = maxDiff(s.coefficients, try ref("coefficients"))
        let dv = maxDiff(s.values, try ref("values"))
        let refMask = try XCTUnwrap(golden.uint8s("mask"))
        let agree = zip(s.mask, refMask).filter { $0 == $1 }.count
        let agreement = Double(agree) / Double(refMask.count)
        print(String(format: "%@: coefficients relative diff %.3g, native values relative diff %.3g, mask agreement %.4f%% (%d/%d)",
                     name, dc.diff / dc.ref, dv.diff / dv.ref, 100 * agreement, agree, refMask.count))
        XCTAssertLessThanOrEqual(dc.diff / dc.ref, 1e-3, "\(name): coefficients")
        XCTAssertLessThanOrEqual(dv.diff / dv.ref, 1e-3, "\(name): native values")
        XCTAssertGreaterThanOrEqual(agreement, 0.9999, "\(name): mask")
        XCTAssertEqual(s.mask.count, w * h)
    }
}
