import SegMetrics
import XCTest

/// The documented empty cases, full masks and degenerate shapes.
final class EmptyAndFullTests: XCTestCase {
    func testBothEmpty() throws {
        for (shape, spacing) in [([4, 3], [1.0, 2.0]), ([2, 3, 4], [0.5, 0.5, 3.0])] {
            let n = shape.reduce(1, *)
            let zero = [UInt8](repeating: 0, count: n)
            let m = try evaluateSegmentation(prediction: zero, groundTruth: zero, shape: shape, spacing: spacing)
            XCTAssertEqual(m, SegmentationMetrics(accuracy: 1, dice: 1, jaccard: 1, hausdorff: 0, hausdorff95: 0, assd: 0))
        }
    }

    func testExactlyOneEmptyIsInfinite() throws {
        // G has 2 of 12 voxels, P none: Accuracy 10/12, Dice 0, Jaccard 0, distances +inf.
        let shape = [4, 3]
        let g = mask(shape: shape, [[0, 0], [3, 2]])
        let zero = [UInt8](repeating: 0, count: 12)
        for (p, t) in [(zero, g), (g, zero)] {
            let m = try evaluateSegmentation(prediction: p, groundTruth: t, shape: shape, spacing: [1, 1])
            assertClose(m.accuracy, 10.0 / 12.0, 1e-15)
            XCTAssertEqual(m.dice, 0)
            XCTAssertEqual(m.jaccard, 0)
            XCTAssertEqual(m.hausdorff, .infinity)
            XCTAssertEqual(m.hausdorff95, .infinity)
            XCTAssertEqual(m.assd, .infinity)
            XCTAssertEqual("\(m.hausdorff)", "inf")  // what callers print
        }
        // The brute-force path agrees on the directed sets.
        let dt = try surfaceDistances(prediction: zero, groundTruth: g, shape: shape, spacing: [1, 1])
        XCTAssertEqual(dt.predictionToTruth, [])
        XCTAssertEqual(dt.truthToPrediction, [.infinity, .infinity])
        let bf = try surfaceDistances(prediction: zero, groundTruth: g, shape: shape, spacing: [1, 1], method: .bruteForce)
        XCTAssertEqual(bf, dt)
    }

    func testFullVersusFullAndFullVersusHollow() throws {
        // Full 5x4x3 masks: identical, distances 0.
        let shape = [5, 4, 3]
        let full = [UInt8](repeating: 1, count: 60)
        let same = try evaluateSegmentation(prediction: full, groundTruth: full, shape: shape, spacing: [1, 2, 3])
        XCTAssertEqual(same, SegmentationMetrics(accuracy: 1, dice: 1, jaccard: 1, hausdorff: 0, hausdorff95: 0, assd: 0))
        // Full vs full minus the voxel (2,1,1), which is interior: removing it makes it a hole
        // whose 6 face neighbours become surface of P. Dice = 2·59 / (59 + 60). The distances
        // are checked against the brute-force reference.
        var hollow = full
        hollow[2 + 5 * (1 + 4 * 1)] = 0
        let dt = try evaluateSegmentation(prediction: hollow, groundTruth: full, shape: shape, spacing: [1, 2, 3])
        let bf = try evaluateSegmentation(
            prediction: hollow, groundTruth: full, shape: shape, spacing: [1, 2, 3], method: .bruteForce)
        XCTAssertEqual(dt.dice, 2 * 59 / 119.0, accuracy: 1e-15)
        assertClose(dt.hausdorff, bf.hausdorff, 1e-12)
        assertClose(dt.hausdorff95, bf.hausdorff95, 1e-12)
        assertClose(dt.assd, bf.assd, 1e-12)
        XCTAssertGreaterThan(dt.hausdorff, 0)
    }

    func testLineShapes() throws {
        // 1xN and Nx1x1: every foreground voxel is surface. P = {0}, G = {3} along the line
        // with spacing 0.8: distance 2.4 mm.
        for (shape, spacing) in [([1, 6], [5.0, 0.8]), ([6, 1, 1], [0.8, 5.0, 7.0]), ([1, 1, 6], [3.0, 2.0, 0.8])] {
            var p = [UInt8](repeating: 0, count: 6), g = p
            p[0] = 1
            g[3] = 1
            let m = try evaluateSegmentation(prediction: p, groundTruth: g, shape: shape, spacing: spacing)
            assertClose(m.hausdorff, 2.4, 1e-12, "\(shape)")
            assertClose(m.assd, 2.4, 1e-12, "\(shape)")
            XCTAssertEqual(try surfaceMask([1, 1, 1, 1, 1, 1], shape: shape), [1, 1, 1, 1, 1, 1])
        }
    }

    func testSurfaceOfSolidCube() throws {
        // A 3x3x3 cube inside a 5x5x5 grid: only its centre (2,2,2) is interior: 26 surface voxels.
        // In 2-D a 3x3 square has 8. A mask touching the array border keeps its border voxels.
        var cube: [[Int]] = []
        for i in 1...3 { for j in 1...3 { for k in 1...3 { cube.append([i, j, k]) } } }
        let s = try surfaceMask(mask(shape: [5, 5, 5], cube), shape: [5, 5, 5])
        XCTAssertEqual(s.reduce(0) { $0 + Int($1) }, 26)
        XCTAssertEqual(s[2 + 5 * (2 + 5 * 2)], 0)
        let sq = try surfaceMask(rectangle(shape: [5, 5], xs: 1...3, ys: 1...3), shape: [5, 5])
        XCTAssertEqual(sq.reduce(0) { $0 + Int($1) }, 8)
        // Full 3x3: only the centre is interior (outside counts as background).
        XCTAssertEqual(try surfaceMask([UInt8](repeating: 1, count: 9), shape: [3, 3]), [1, 1, 1, 1, 0, 1, 1, 1, 1])
        // 2-D shapes do not look along a third axis: a full 3x3 slice as 3-D [3,3,1] is all surface.
        XCTAssertEqual(try surfaceMask([UInt8](repeating: 1, count: 9), shape: [3, 3, 1]), [UInt8](repeating: 1, count: 9))
    }
}
