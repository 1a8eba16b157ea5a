import Foundation
import SplineModel
import XCTest

@testable import SplineSeg

/// The committed generated model (la-unet-d4b4f8-i128) runs instead of the dynamic executor
/// when its weights and plan hashes match, bitwise identical to it; the same model built in
/// (embedded spec + .sspack) and loaded from the .sspack gives the same bits; mismatched packs
/// are refused with a clear error.
final class GeneratedCodeTests: XCTestCase {
    static let name = "la-unet-d4b4f8-i128"
    static let specPath = repositoryRoot().appendingPathComponent("weights/\(name).json").path
    static let model = try! SplineSegModel.load(specPath: specPath)

    func images() -> [(pixels: [Float], width: Int, height: Int)] {
        var g = SeededGenerator(seed: 9)
        return [(128, 128), (97, 140), (200, 64)].map { (w, h) in
            ((0..<(w * h)).map { k in Float((k % w) + (k / w)) + Float.random(in: 0...60, using: &g) }, w, h)
        }
    }

    func testGeneratedMatchesDynamicBitwise() throws {
        for threads in [1, 2] {
            let gen = try FastEngine(model: Self.model, threads: threads)
            let dyn = try FastEngine(model: Self.model, threads: threads, algorithms: nil, allowGenerated: false)
            XCTAssertTrue(gen.usesGeneratedCode, "the committed generated code does not match the weights/plan: rerun the codegen")
            XCTAssertFalse(dyn.usesGeneratedCode)
            for img in images() {
                try gen.run(pixels: img.pixels, width: img.width, height: img.height)
                try dyn.run(pixels: img.pixels, width: img.width, height: img.height)
                XCTAssertEqual(gen.coefficients.map(\.bitPattern), dyn.coefficients.map(\.bitPattern), "\(threads) threads")
                XCTAssertEqual(gen.values.map(\.bitPattern), dyn.values.map(\.bitPattern), "\(threads) threads")
            }
        }
    }

    func testFastMatchesReferenceOnDevModel() throws {
        for img in images() {
            let fast = try Segmenter(model: Self.model, threads: 2).segment(pixels: img.pixels, width: img.width, height: img.height)
            let ref = try Segmenter(model: Self.model, threads: 2, engine: .reference)
                .segment(pixels: img.pixels, width: img.width, height: img.height)
            let d = maxDiff(fast.coefficients, ref.coefficients)
            let agree = Double(zip(fast.mask, ref.mask).filter { $0 == $1 }.count) / Double(ref.mask.count)
            print(String(format: "shipped model %dx%d: fast (generated) vs reference coefficients %.3g relative, mask agreement %.4f%%",
                         img.width, img.height, d.diff / d.ref, 100 * agree))
            XCTAssertLessThanOrEqual(d.diff / d.ref, 1e-3)
            XCTAssertGreaterThanOrEqual(agree, 0.9999)
        }
    }

    func testBuiltInAndPackedModelsGiveTheSameBits() throws {
        XCTAssert(SplineSegModel.builtInNames.contains(Self.name), "built in: \(SplineSegModel.builtInNames)")
        let builtIn = try SplineSegModel.builtIn(name: Self.name)
        let packed = try SplineSegModel.loadPacked(specPath: Self.specPath)
        XCTAssertEqual(builtIn.spec, Self.model.spec)
        XCTAssertEqual(builtIn.planHash, Self.model.planHash)
        let img = images()[1]
        let want = try Segmenter(model: Self.model, threads: 2).segment(pixels: img.pixels, width: img.width, height: img.height)
        for m in [builtIn, packed] {
            let s = try Segmenter(model: m, threads: 2)
            XCTAssertTrue(s.fastEngine!.usesGeneratedCode)
            let got = try s.segment(pixels: img.pixels, width: img.width, height: img.height)
            XCTAssertEqual(got.coefficients.map(\.bitPattern), want.coefficients.map(\.bitPattern))
            XCTAssertEqual(got.mask, want.mask)
            // Packed-only models have no raw weights: no reference engine, no re-planning.
            XCTAssertThrowsError(try Segmenter(model: m, engine: .reference)) {
                XCTAssert("\($0)".contains("packed weights only"), "\($0)")
            }
            XCTAssertThrowsError(try Segmenter(model: m, engine: .fastDirect)) {
                XCTAssert("\($0)".contains(".safetensors"), "\($0)")
            }
        }
    }

    func testMismatchedPacksAreRefused() throws {
        let pack = Array(try Data(contentsOf: URL(fileURLWithPath: ModelFiles.packPath(specPath: Self.specPath))))
        var otherWeights = Self.model.spec
        otherWeights.sha256 = String(repeating: "1", count: 64)
        assertModelError("pack was made from weights with sha256") { () throws(ModelError) in _ = try SplineSegModel.load(spec: otherWeights, sspack: pack) }
        var otherShape = Self.model.spec
        otherShape.filters = 16
        otherShape.name = "other"
        assertModelError("execution plan") { () throws(ModelError) in _ = try SplineSegModel.load(spec: otherShape, sspack: pack) }
        assertModelError("truncated") { () throws(ModelError) in
            _ = try SplineSegModel.load(spec: Self.model.spec, sspack: Array(pack.dropLast(4)))
        }
        assertModelError("no built-in model 'nope'") { () throws(ModelError) in _ = try SplineSegModel.builtIn(name: "nope") }
    }
}
