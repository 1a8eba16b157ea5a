import Foundation
import SplineCore
import SplineModel
import SplineSegGolden
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
            let g = try GoldenFixture.load(indexPath: GoldenTests.directory.appendingPathComponent(name + ".json").path)
            return Fixture(name: name, model: g.model, golden: g.tensors,
                           layers: Dictionary(uniqueKeysWithValues: g.layers.map { ($0.name, $0.tensor) }),
                           raw: g.raw, width: g.rawWidth, height: g.rawHeight)
        }
    }()

    /// Owned packed weights start 64-byte aligned, as the embedded ones (`.balign 64`) and the
    /// arena do: with per-layer offsets a multiple of 16 floats, no 16-float weight vector spans two
    /// cache lines. Arrays of several sizes, since a Swift array's floats start 16 or 48 bytes in.
    func testOwnedPackedWeightsAre64ByteAligned() {
        for n in [0, 1, 15, 16, 1000, 1 << 20] {
            let floats = (0..<n).map { Float($0) }
            let w = PackedWeights(floats)
            XCTAssertEqual(w.count, n)
            w.withPointer { p in
                XCTAssertEqual(Int(bitPattern: p) % 64, 0, "\(n) floats")
                XCTAssertEqual(Array(UnsafeBufferPointer(start: p, count: n)), floats, "\(n) floats")
            }
        }
    }

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

    /// A native grid of at least `FastEngine.parallelGridPixels` pixels: 2 threads evaluate the
    /// spline on the worker pool, row ranges of both passes. Same bits as 1 thread, and as
    /// SplineCore's own evaluation of the same coefficients (Dispatch, 1 and 3 threads).
    func testLargeGridOnThePoolBitwise() throws {
        let f = Self.fixtures.first { $0.name.hasPrefix("unet") }!
        let (w, h) = (1031, 1021)   // odd sizes, 1,052,651 pixels
        XCTAssertGreaterThanOrEqual(w * h, FastEngine.parallelGridPixels)
        // The fixture's slice, tiled (any content will do; this keeps the values in range).
        let pixels = (0..<(w * h)).map { i in f.raw[((i / w) % f.height) * f.width + (i % w) % f.width] }
        let one = try FastEngine(model: f.model, threads: 1)
        try one.run(pixels: pixels, width: w, height: h)
        let two = try FastEngine(model: f.model, threads: 2)
        try two.run(pixels: pixels, width: w, height: h)
        XCTAssertEqual(one.coefficients.map(\.bitPattern), two.coefficients.map(\.bitPattern))
        XCTAssertEqual(two.values.count, w * h)
        XCTAssertNil(Self.bitDifference(one.values, two.values))
        // Independent of the engine's caches: SplineCore on the same coefficients and grid.
        let spec = f.model.spec
        let grid = NativeGrid(height: h, width: w, geometry: spec.preprocessing.parameters.geometry)
        let spline = try ImplicitSpline(size: spec.coefficients, degree: spec.degree, coefficients: two.coefficients)
        for threads in [1, 3] {
            let direct = try grid.evaluate(spline, scale: 1, threads: threads)
            XCTAssertNil(Self.bitDifference(direct.values, two.values), "SplineCore, \(threads) thread(s)")
        }
        // A second run on the pool (a different slice) is again the 1-thread result.
        let flipped = pixels.reversed() as [Float]
        try one.run(pixels: flipped, width: w, height: h)
        try two.run(pixels: flipped, width: w, height: h)
        XCTAssertNil(Self.bitDifference(one.values, two.values))
    }

    /// nil when a and b hold the same bits, else where they first differ and how many differ
    /// (short messages for million-value arrays).
    static func bitDifference(_ a: [Float], _ b: [Float]) -> String? {
        guard a.count == b.count else { return "counts \(a.count) vs \(b.count)" }
        let diff = a.indices.filter { a[$0].bitPattern != b[$0].bitPattern }
        guard let first = diff.first else { return nil }
        return "\(diff.count) of \(a.count) values differ, first at \(first): \(a[first]) vs \(b[first])"
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
