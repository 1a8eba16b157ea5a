import Foundation
import SplineModel
import XCTest

@testable import SplineSeg

/// The fast engine (ExecutionPlan over the NCHWc8 kernels) against the reference engine and the
/// PyTorch golden fixtures: per algorithm policy (all-direct, and Winograd where the plan picks
/// it), coefficients within 1e-3 relative (max abs diff / max |ref|), masks >= 99.99% agreement,
/// every layer the plan materialises, and 1 vs 2 threads bitwise.
final class FastEngineTests: XCTestCase {
    struct Fixture {
        let name: String
        let model: SplineSegModel
        let golden: SafeTensors
        let layers: [String: String]  // layer name -> golden tensor name
        let raw: [Float], width: Int, height: Int
    }

    static let fixtures: [Fixture] = {
        return try! GoldenTests.fixtureNames().map { name in
            let dir = GoldenTests.directory
            let idx = try JSONDecoder().decode(GoldenTests.Index.self, from: Data(contentsOf: dir.appendingPathComponent(name + ".json")))
            let golden = try SafeTensors(bytes: Array(try Data(contentsOf: dir.appendingPathComponent(name + ".safetensors"))))
            let (spec, bytes) = try GoldenTests.regenerate(idx, name)
            let model = try SplineSegModel.load(spec: spec, safetensors: bytes)
            return Fixture(name: name, model: model, golden: golden,
                           layers: Dictionary(uniqueKeysWithValues: idx.layers.map { ($0.name, $0.tensor) }),
                           raw: golden.floats("raw")!, width: idx.raw_shape[1], height: idx.raw_shape[0])
        }
    }()

    func testFixturesCoverWinograd() {
        XCTAssertGreaterThanOrEqual(Self.fixtures.count, 4)
        let algorithms = Set(Self.fixtures.flatMap { $0.model.plan.steps.map(\.algorithm) })
        XCTAssert(algorithms.contains(.direct))
        XCTAssert(algorithms.contains(.winogradF43) || algorithms.contains(.winogradF63),
                  "no golden fixture plans a Winograd layer: \(algorithms)")
    }

    func testCoefficientsAndMasksPerAlgorithm() throws {
        for f in Self.fixtures {
            let ref = try Segmenter(model: f.model, threads: 1, engine: .reference)
                .segment(pixels: f.raw, width: f.width, height: f.height)
            let goldenCoef = try XCTUnwrap(f.golden.floats("coefficients"))
            let goldenMask = try XCTUnwrap(f.golden.uint8s("mask"))
            for engine in [Segmenter.Engine.fastDirect, .fast] {
                let seg = try Segmenter(model: f.model, threads: 2, engine: engine)
                let s = try seg.segment(pixels: f.raw, width: f.width, height: f.height)
                let algs = Set(seg.fastEngine!.plan.steps.filter { $0.kind == .conv3x3 }.map(\.algorithm.rawValue)).sorted()
                let dRef = maxDiff(s.coefficients, ref.coefficients), dGold = maxDiff(s.coefficients, goldenCoef)
                let agreeRef = agreement(s.mask, ref.mask), agreeGold = agreement(s.mask, goldenMask)
                print(String(format: "%@ %@ (%@): coefficients vs reference %.3g, vs PyTorch %.3g relative; "
                             + "mask agreement vs reference %.4f%%, vs PyTorch %.4f%%",
                             f.name, engine.rawValue, algs.joined(separator: "+"), dRef.diff / dRef.ref,
                             dGold.diff / dGold.ref, 100 * agreeRef, 100 * agreeGold))
                XCTAssertLessThanOrEqual(dRef.diff / dRef.ref, 1e-3, "\(f.name) \(engine)")
                XCTAssertLessThanOrEqual(dGold.diff / dGold.ref, 1e-3, "\(f.name) \(engine)")
                XCTAssertGreaterThanOrEqual(agreeRef, 0.9999, "\(f.name) \(engine)")
                XCTAssertGreaterThanOrEqual(agreeGold, 0.9999, "\(f.name) \(engine)")
            }
        }
    }

    func testEveryMaterialisedLayerMatchesPyTorch() throws {
        for f in Self.fixtures {
            let input = try XCTUnwrap(f.golden.floats("input"))
            for engine in [Segmenter.Engine.fastDirect, .fast] {
                let layers = try Segmenter(model: f.model, threads: 2, engine: engine).layerOutputs(networkInput: input)
                XCTAssertGreaterThanOrEqual(layers.count, f.model.plan.steps.filter { $0.kind != .channelCopy }.count)
                var worst = 0.0
                for l in layers {
                    let tensor = try XCTUnwrap(f.layers[l.name], "\(f.name): plan layer \(l.name) is not a PyTorch layer")
                    let d = maxDiff(l.values, try XCTUnwrap(f.golden.floats(tensor)))
                    XCTAssertEqual(l.values.count, l.shape.reduce(1, *))
                    let rel = d.diff / max(d.ref, 1e-30)
                    worst = max(worst, rel)
                    XCTAssertLessThanOrEqual(rel, 1e-3, "\(f.name) \(engine): layer \(l.name)")
                }
                print(String(format: "%@ %@: %d layers, worst relative diff vs PyTorch %.3g", f.name, engine.rawValue, layers.count, worst))
            }
        }
    }

    func testOneAndTwoThreadsBitwise() throws {
        for f in Self.fixtures {
            for engine in [Segmenter.Engine.fastDirect, .fast] {
                let a = try Segmenter(model: f.model, threads: 1, engine: engine).segment(pixels: f.raw, width: f.width, height: f.height)
                let b = try Segmenter(model: f.model, threads: 2, engine: engine).segment(pixels: f.raw, width: f.width, height: f.height)
                XCTAssertEqual(a.coefficients.map(\.bitPattern), b.coefficients.map(\.bitPattern), "\(f.name) \(engine)")
                XCTAssertEqual(a.values.map(\.bitPattern), b.values.map(\.bitPattern), "\(f.name) \(engine)")
            }
        }
    }

    /// Repeated runs reuse the arena: the second and third run (another image in between) give
    /// the same bits as a fresh engine, so no stale halo or buffer content leaks between runs.
    func testRepeatedRunsAreIndependent() throws {
        let f = Self.fixtures.first { $0.name.hasPrefix("unet") }!
        let e = try FastEngine(model: f.model, threads: 2)
        try e.run(pixels: f.raw, width: f.width, height: f.height)
        let first = e.coefficients
        let other = f.raw.map { 255 - $0 }
        try e.run(pixels: other, width: f.width, height: f.height)
        let otherCoef = e.coefficients
        try e.run(pixels: f.raw, width: f.width, height: f.height)
        XCTAssertEqual(e.coefficients.map(\.bitPattern), first.map(\.bitPattern))
        let fresh = try FastEngine(model: f.model, threads: 1)
        try fresh.run(pixels: other, width: f.width, height: f.height)
        XCTAssertEqual(fresh.coefficients.map(\.bitPattern), otherCoef.map(\.bitPattern))
        XCTAssertNotEqual(first, otherCoef)
    }

    func agreement(_ a: [UInt8], _ b: [UInt8]) -> Double {
        XCTAssertEqual(a.count, b.count)
        return Double(zip(a, b).filter { $0 == $1 }.count) / Double(max(b.count, 1))
    }
}
