import Foundation
import SplineModel
import SplineSegGolden
import XCTest

@testable import SplineSeg

/// Golden fixtures of the shipped models (format splineseg-golden-shipped/1, written by
/// `tools/export_golden.py --shipped`): the committed weights on a real la2018 slice. Every
/// layer's strided sample (reference and both fast engines), then coefficients, native values
/// and mask for every engine, and for the built-in model also the embedded pack + generated code.
/// Tolerances: layers 1e-4 (reference) / 1e-3 (fast) of the layer's max |value|; coefficients and
/// native values 1e-3 of their max |value|; masks >= 99.99% of pixels.
final class ShippedGoldenTests: XCTestCase {
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
        let f = try GoldenFixture.load(indexPath: Self.directory.appendingPathComponent(name + ".json").path,
                                       root: repositoryRoot().path)
        XCTAssertEqual(f.kind, .shipped)
        let model = f.model  // weights/<name>.json, its sha256 checked against the fixture's

        for engine in Segmenter.Engine.allCases {
            let seg = try Segmenter(model: model, threads: 2, engine: engine)
            let dIn = maxDiff(try seg.preprocess(pixels: f.raw, width: f.rawWidth, height: f.rawHeight), f.input)
            XCTAssertLessThanOrEqual(dIn.diff, 1e-5, "\(name): preprocessing")
            let layers = try seg.layerOutputs(networkInput: f.input)
            if engine == .reference { XCTAssertEqual(layers.map(\.name), f.layers.map(\.name), "\(name): layer order") }
            let tol = engine == .reference ? 1e-4 : 1e-3
            let (diffs, _) = try LayerComparison.compare(layers, with: f)
            for d in diffs {
                XCTAssertLessThanOrEqual(d.relative, tol, "\(name) \(engine): layer \(d.name)")
            }
            let worst = diffs.max { $0.relative < $1.relative }
            let s = try seg.segment(pixels: f.raw, width: f.rawWidth, height: f.rawHeight)
            compare(s, f, "\(name) \(engine.rawValue)",
                    extra: String(format: "%d layers, worst layer %@ %.3g", diffs.count, worst?.name ?? "-", worst?.relative ?? 0))
        }

        // The built-in copy: embedded pack and, when compiled in, the generated code.
        if SplineSegModel.builtInNames.contains(name) {
            let builtIn = try SplineSegModel.builtIn(name: name)
            XCTAssertEqual(builtIn.spec.sha256, model.spec.sha256, "\(name): built-in pack differs from weights/")
            for threads in [1, 2] {
                let s = try Segmenter(model: builtIn, threads: threads).segment(pixels: f.raw, width: f.rawWidth, height: f.rawHeight)
                compare(s, f, "\(name) built-in, \(threads) thread(s)", extra: "")
            }
        }
    }

    func compare(_ s: Segmentation, _ f: GoldenFixture, _ what: String, extra: String) {
        XCTAssertEqual(s.mask.count, f.mask.count)
        let o = LayerComparison.compare(s, with: f)
        print(String(format: "%@: coefficients relative diff %.3g, native values %.3g, mask agreement %.4f%% (%d/%d) %@",
                     what, o.coefficientsRelative, o.valuesRelative, 100 * o.maskAgreement, o.maskAgree, o.maskPixels, extra))
        XCTAssertLessThanOrEqual(o.coefficientsRelative, 1e-3, "\(what): coefficients")
        XCTAssertLessThanOrEqual(o.valuesRelative, 1e-3, "\(what): native values")
        XCTAssertGreaterThanOrEqual(o.maskAgreement, 0.9999, "\(what): mask")
    }
}
