import Foundation
import SplineCore
import SplineModel
import SplineSegGolden
import XCTest

@testable import SplineSeg

/// Golden fixtures (format splineseg-golden/1, tools/splineseg_train/golden.py): weights
/// regenerated from the splitmix64 generator and checked by sha256 and against the library's
/// tensor manifest (`GoldenFixture.load`); preprocessing, every layer of the reference engine,
/// coefficients, native-grid values and mask compared with PyTorch (`LayerComparison`, the code
/// behind `splineseg-layers`).
final class GoldenTests: XCTestCase {
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

    func check(fixture name: String) throws {
        let t0 = Date()
        let f = try GoldenFixture.load(indexPath: Self.directory.appendingPathComponent(name + ".json").path)
        print(String(format: "%@: weights regenerated and loaded in %.2f s", name, Date().timeIntervalSince(t0)))
        XCTAssertEqual(f.kind, .generated)
        let seg = try Segmenter(model: f.model, threads: 2, engine: .reference)

        // Preprocessing.
        let x = try seg.preprocess(pixels: f.raw, width: f.rawWidth, height: f.rawHeight)
        let dIn = maxDiff(x, f.input)
        print("\(name): preprocessing max abs diff \(dIn.diff)")
        XCTAssertLessThanOrEqual(dIn.diff, 1e-5, "\(name): preprocessing")

        // Every layer, fed the fixture's own input.
        let layers = try seg.layerOutputs(networkInput: f.input)
        XCTAssertEqual(layers.map(\.name), f.layers.map(\.name), "\(name): layer names / order")
        let (diffs, missing) = try LayerComparison.compare(layers, with: f)
        XCTAssertEqual(missing, [], "\(name): layers the reference engine skipped")
        for d in diffs {
            print(String(format: "%@: layer %-22@ shape %@ max abs diff %.3g (relative %.3g)", name, d.name, "\(d.shape)", d.maxAbsDiff, d.relative))
            XCTAssertEqual(d.compared, d.shape.reduce(1, *), "\(name): \(d.name) compared whole")
            XCTAssertLessThanOrEqual(d.relative, 1e-4, "\(name): layer \(d.name)")
        }

        // Coefficients, native-grid values and mask from the raw slice.
        let s = try seg.segment(pixels: f.raw, width: f.rawWidth, height: f.rawHeight)
        let o = LayerComparison.compare(s, with: f)
        print(String(format: "%@: coefficients relative diff %.3g, native values relative diff %.3g, mask agreement %.4f%% (%d/%d)",
                     name, o.coefficientsRelative, o.valuesRelative, 100 * o.maskAgreement, o.maskAgree, o.maskPixels))
        XCTAssertLessThanOrEqual(o.coefficientsRelative, 1e-3, "\(name): coefficients")
        XCTAssertLessThanOrEqual(o.valuesRelative, 1e-3, "\(name): native values")
        XCTAssertGreaterThanOrEqual(o.maskAgreement, 0.9999, "\(name): mask")
        XCTAssertEqual(s.mask.count, f.rawWidth * f.rawHeight)
    }
}
