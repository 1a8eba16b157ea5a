import Foundation
import SplineModel
import XCTest

@testable import SplineSeg

/// Golden fixtures of the shipped models (format splineseg-golden-shipped/1, written by
/// `tools/export_golden.py --shipped`): the committed weights on a real la2018 slice. Every
/// layer's strided sample (reference and both fast engines), then coefficients, native values
/// and mask for every engine, and for the built-in model also the embedded pack + generated code.
/// Tolerances: layers 1e-4 (reference) / 1e-3 (fast) of the layer's max |value|; coefficients and
/// native values 1e-3 of their max |value|; masks >= 99.99% of pixels.
final class ShippedGoldenTests: XCTestCase {
    struct Index: Decodable {
        struct Weights: Decodable { let spec: String, sha256: String }
        struct Layer: Decodable { let name: String, tensor: String, shape: [Int], stride: Int, count: Int, max_abs: Double }
        let format: String
        let name: String
        let weights: Weights
        let raw_shape: [Int]
        let layers: [Layer]
    }

    static let directory = repositoryRoot().appendingPathComponent("Tests/Fixtures/golden-shipped")

    func testBuiltInDefault() throws { try check("la-unet-d4b4f8-i128") }
    func testAccurateModel() throws { try check("la-unet-d4b4f16-i128") }

    /// Every shipped model in weights/ has a fixture (a new model needs one).
    func testEveryShippedModelHasAFixture() throws {
        let weights = repositoryRoot().appendingPathComponent("weights")
        let specs = try FileManager.default.contentsOfDirectory(atPath: weights.path)
            .filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }
        XCTAssertFalse(specs.isEmpty)
        for s in specs {
            XCTAssert(FileManager.default.fileExists(atPath: Self.directory.appendingPathComponent(s + ".json").path),
                      "weights/\(s).json has no golden fixture; run tools/export_golden.py --shipped weights/\(s).json")
        }
    }

    func check(_ name: String) throws {
        let idx = try JSONDecoder().decode(Index.self, from: Data(contentsOf: Self.directory.appendingPathComponent(name + ".json")))
        XCTAssertEqual(idx.format, "splineseg-golden-shipped/1")
        let golden = try SafeTensors(bytes: Array(try Data(contentsOf: Self.directory.appendingPathComponent(name + ".safetensors"))))
        func ref(_ n: String) throws -> [Float] { try XCTUnwrap(golden.floats(n), "\(name): tensor \(n) missing") }
        let model = try SplineSegModel.load(specPath: repositoryRoot().appendingPathComponent(idx.weights.spec).path)
        XCTAssertEqual(model.spec.sha256, idx.weights.sha256, "\(name): the fixture was made from other weights; re-export it")
        let h = idx.raw_shape[0], w = idx.raw_shape[1]
        let raw = try ref("raw"), input = try ref("input")

        for engine in Segmenter.Engine.allCases {
            let seg = try Segmenter(model: model, threads: 2, engine: engine)
            let dIn = maxDiff(try seg.preprocess(pixels: raw, width: w, height: h), input)
            XCTAssertLessThanOrEqual(dIn.diff, 1e-5, "\(name): preprocessing")
            let layers = try seg.layerOutputs(networkInput: input)
            let byName = Dictionary(uniqueKeysWithValues: idx.layers.map { ($0.name, $0) })
            if engine == .reference { XCTAssertEqual(layers.map(\.name), idx.layers.map(\.name), "\(name): layer order") }
            let tol = engine == .reference ? 1e-4 : 1e-3
            var worst = (rel: 0.0, layer: "")
            for l in layers {
                let g = try XCTUnwrap(byName[l.name], "\(name): layer \(l.name) is not a PyTorch layer")
                XCTAssertEqual(l.shape, g.shape, "\(name): \(l.name) shape")
                let sample = stride(from: 0, to: l.values.count, by: g.stride).map { l.values[$0] }
                XCTAssertEqual(sample.count, g.count, "\(name): \(l.name) sample size")
                let d = maxDiff(sample, try ref(g.tensor))
                let rel = d.diff / max(g.max_abs, 1e-30)
                if rel > worst.rel { worst = (rel, l.name) }
                XCTAssertLessThanOrEqual(rel, tol, "\(name) \(engine): layer \(l.name)")
            }
            let s = try seg.segment(pixels: raw, width: w, height: h)
            try compare(s, golden, "\(name) \(engine.rawValue)", extra: String(format: "%d layers, worst layer %@ %.3g", layers.count, worst.layer, worst.rel))
        }

        // The built-in copy: embedded pack and, when compiled in, the generated code.
        if SplineSegModel.builtInNames.contains(name) {
            let builtIn = try SplineSegModel.builtIn(name: name)
            XCTAssertEqual(builtIn.spec.sha256, idx.weights.sha256, "\(name): built-in pack differs from weights/")
            for threads in [1, 2] {
                let s = try Segmenter(model: builtIn, threads: threads).segment(pixels: raw, width: w, height: h)
                try compare(s, golden, "\(name) built-in, \(threads) thread(s)", extra: "")
            }
        }
    }

    func compare(_ s: Segmentation, _ golden: SafeTensors, _ what: String, extra: String) throws {
        let dc = maxDiff(s.coefficients, try XCTUnwrap(golden.floats("coefficients")))
        let dv = maxDiff(s.values, try XCTUnwrap(golden.floats("values")))
        let refMask = try XCTUnwrap(golden.uint8s("mask"))
        XCTAssertEqual(s.mask.count, refMask.count)
        let agree = zip(s.mask, refMask).filter { $0 == $1 }.count
        let agreement = Double(agree) / Double(max(refMask.count, 1))
        print(String(format: "%@: coefficients relative diff %.3g, native values %.3g, mask agreement %.4f%% (%d/%d) %@",
                     what, dc.diff / dc.ref, dv.diff / dv.ref, 100 * agreement, agree, refMask.count, extra))
        XCTAssertLessThanOrEqual(dc.diff / dc.ref, 1e-3, "\(what): coefficients")
        XCTAssertLessThanOrEqual(dv.diff / dv.ref, 1e-3, "\(what): native values")
        XCTAssertGreaterThanOrEqual(agreement, 0.9999, "\(what): mask")
    }
}
