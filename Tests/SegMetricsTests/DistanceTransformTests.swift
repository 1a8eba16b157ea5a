import SegMetrics
import XCTest

/// The separable exact EDT against brute force on random small masks with anisotropic spacing.
final class DistanceTransformTests: XCTestCase {
    /// Awkward shapes: lines in every orientation, singletons, small boxes.
    let shapes: [[Int]] = [
        [1, 1], [1, 9], [9, 1], [7, 5], [13, 11], [1, 1, 1], [8, 1, 1], [1, 8, 1], [1, 1, 8],
        [6, 5, 4], [9, 1, 7], [3, 10, 6], [11, 7, 9],
    ]

    func spacing(for rank: Int, rng: inout SplitMix64) -> [Double] {
        (0..<rank).map { _ in Double.random(in: 0.3...3.0, using: &rng) }
    }

    func testDistanceTransformMatchesBruteForce() throws {
        var rng = SplitMix64(seed: 2024)
        var checked = 0
        for shape in shapes {
            let n = shape.reduce(1, *)
            for density in [0.0, 0.02, 0.1, 0.5, 0.95, 1.0] {
                let sp = spacing(for: shape.count, rng: &rng)
                let features = randomMask(count: n, density: density, rng: &rng)
                let fast = try euclideanDistanceTransform(features: features, shape: shape, spacing: sp)
                let slow = try bruteForceDistanceTransform(features: features, shape: shape, spacing: sp)
                XCTAssertEqual(fast.count, n)
                for p in 0..<n {
                    assertClose(fast[p], slow[p], 1e-9, "shape \(shape) spacing \(sp) density \(density) voxel \(p)")
                }
                if features.allSatisfy({ $0 == 0 }) { XCTAssertTrue(fast.allSatisfy { $0 == .infinity }) }
                checked += n
            }
        }
        // 6 densities × the voxels of all shapes: 6 × 1278.
        XCTAssertEqual(checked, 6 * shapes.reduce(0) { $0 + $1.reduce(1, *) })
    }

    func testSurfaceDistancesAndMetricsMatchBruteForce() throws {
        var rng = SplitMix64(seed: 99)
        for shape in shapes {
            let n = shape.reduce(1, *)
            for (dp, dg) in [(0.3, 0.3), (0.05, 0.6), (0.9, 0.1), (0.0, 0.4), (1.0, 0.5), (0.0, 0.0)] {
                let sp = spacing(for: shape.count, rng: &rng)
                let p = randomMask(count: n, density: dp, rng: &rng)
                let g = randomMask(count: n, density: dg, rng: &rng)
                let fast = try surfaceDistances(prediction: p, groundTruth: g, shape: shape, spacing: sp)
                let slow = try surfaceDistances(
                    prediction: p, groundTruth: g, shape: shape, spacing: sp, method: .bruteForce)
                XCTAssertEqual(fast.predictionToTruth.count, slow.predictionToTruth.count)
                XCTAssertEqual(fast.truthToPrediction.count, slow.truthToPrediction.count)
                for (a, b) in zip(fast.predictionToTruth + fast.truthToPrediction, slow.predictionToTruth + slow.truthToPrediction) {
                    assertClose(a, b, 1e-9, "shape \(shape) spacing \(sp)")
                }
                let mf = try evaluateSegmentation(prediction: p, groundTruth: g, shape: shape, spacing: sp)
                let ms = try evaluateSegmentation(
                    prediction: p, groundTruth: g, shape: shape, spacing: sp, method: .bruteForce)
                XCTAssertEqual(mf.accuracy, ms.accuracy)
                XCTAssertEqual(mf.dice, ms.dice)
                assertClose(mf.hausdorff, ms.hausdorff, 1e-9)
                assertClose(mf.hausdorff95, ms.hausdorff95, 1e-9)
                assertClose(mf.assd, ms.assd, 1e-9)
            }
        }
    }

    func testFarApartObjectsUseTheWholeBox() throws {
        // Two single voxels at opposite corners of a 40x30x20 grid, spacing 0.7 x 0.9 x 2.1:
        // HD = sqrt((39*0.7)^2 + (29*0.9)^2 + (19*2.1)^2).
        let shape = [40, 30, 20]
        let p = mask(shape: shape, [[0, 0, 0]]), g = mask(shape: shape, [[39, 29, 19]])
        let m = try evaluateSegmentation(prediction: p, groundTruth: g, shape: shape, spacing: [0.7, 0.9, 2.1])
        let expected = ((39 * 0.7) * (39 * 0.7) + (29 * 0.9) * (29 * 0.9) + (19 * 2.1) * (19 * 2.1)).squareRoot()
        assertClose(m.hausdorff, expected, 1e-9)
    }
}
