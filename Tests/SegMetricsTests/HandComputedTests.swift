import SegMetrics
import XCTest

/// Small cases whose metrics are worked out by hand in the comments.
final class HandComputedTests: XCTestCase {
    func testSingleVoxelShiftedAnisotropic2D() throws {
        // 5x4 grid, spacing 0.7 x 1.3 mm. P = {(1,1)}, G = {(3,2)}: shift (2, 1) voxels,
        // distance sqrt((2*0.7)^2 + (1*1.3)^2) = sqrt(1.96 + 1.69) = sqrt(3.65) ≈ 1.91050 mm in
        // both directions, so HD = HD95 = ASSD = sqrt(3.65).
        // No overlap: Dice 0, Jaccard 0; 18 of 20 voxels agree: Accuracy 0.9.
        let shape = [5, 4]
        let m = try evaluateSegmentation(
            prediction: mask(shape: shape, [[1, 1]]), groundTruth: mask(shape: shape, [[3, 2]]),
            shape: shape, spacing: [0.7, 1.3])
        let d = 3.65.squareRoot()
        assertClose(m.accuracy, 0.9, 1e-15)
        XCTAssertEqual(m.dice, 0)
        XCTAssertEqual(m.jaccard, 0)
        assertClose(m.hausdorff, d, 1e-12)
        assertClose(m.hausdorff95, d, 1e-12)
        assertClose(m.assd, d, 1e-12)
    }

    func testSingleVoxelShiftedAnisotropic3D() throws {
        // 4x3x5 grid, spacing 0.5 x 2 x 1.6 mm. P = {(0,0,0)}, G = {(1,0,3)}:
        // distance sqrt(0.5^2 + (3*1.6)^2) = sqrt(0.25 + 23.04) = sqrt(23.29) mm.
        // Accuracy (60 - 2) / 60.
        let shape = [4, 3, 5]
        let m = try evaluateSegmentation(
            prediction: mask(shape: shape, [[0, 0, 0]]), groundTruth: mask(shape: shape, [[1, 0, 3]]),
            shape: shape, spacing: [0.5, 2, 1.6])
        let d = 23.29.squareRoot()
        assertClose(m.accuracy, 58.0 / 60.0, 1e-15)
        assertClose(m.hausdorff, d, 1e-12)
        assertClose(m.hausdorff95, d, 1e-12)
        assertClose(m.assd, d, 1e-12)
    }

    func testTwoStrips() throws {
        // 6x4 grid, spacing 0.5 (x) x 2 (y) mm. P = row y=1, x=0...5; G = row y=2, x=0...2.
        // One voxel thick: every voxel is surface.
        // P->G: x=0,1,2 straight up: 2; x=3: sqrt(0.5^2+2^2)=sqrt(4.25); x=4: sqrt(1+4)=sqrt(5);
        //       x=5: sqrt(1.5^2+4)=sqrt(6.25)=2.5.
        // G->P: 2, 2, 2.
        // Sorted (9): 2,2,2,2,2,2, sqrt(4.25), sqrt(5), 2.5.
        // HD = 2.5. HD95: index 8*0.95 = 7.6 -> 2.5 - (2.5 - sqrt(5))*0.4.
        // ASSD = (12 + sqrt(4.25) + sqrt(5) + 2.5) / 9.
        // No overlap: Dice 0; Accuracy (24 - 9) / 24.
        let shape = [6, 4]
        let p = mask(shape: shape, (0...5).map { [$0, 1] })
        let g = mask(shape: shape, (0...2).map { [$0, 2] })
        let m = try evaluateSegmentation(prediction: p, groundTruth: g, shape: shape, spacing: [0.5, 2])
        assertClose(m.accuracy, 15.0 / 24.0, 1e-15)
        XCTAssertEqual(m.dice, 0)
        assertClose(m.hausdorff, 2.5, 1e-12)
        assertClose(m.hausdorff95, 2.5 - (2.5 - 5.0.squareRoot()) * 0.4, 1e-12)
        assertClose(m.assd, (12 + 4.25.squareRoot() + 5.0.squareRoot() + 2.5) / 9, 1e-12)

        let directed = try surfaceDistances(prediction: p, groundTruth: g, shape: shape, spacing: [0.5, 2])
        XCTAssertEqual(directed.predictionToTruth.count, 6)
        XCTAssertEqual(directed.truthToPrediction.count, 3)
        for (a, b) in zip(directed.predictionToTruth, [2, 2, 2, 4.25.squareRoot(), 5.0.squareRoot(), 2.5]) {
            assertClose(a, b, 1e-12)
        }
        for a in directed.truthToPrediction { assertClose(a, 2, 1e-12) }
    }

    func testThreeSquareInsideFourSquare() throws {
        // 6x6 grid, unit spacing. P = 3x3 at x,y in 1...3; G = 4x4 at x,y in 1...4.
        // |P| = 9, |G| = 16, TP = 9: Dice 18/25, Jaccard 9/16, Accuracy (36 - 7)/36.
        // P surface: its 8-voxel ring (centre (2,2) is interior).
        // G surface: its 12-voxel ring (x or y in {1, 4}).
        // P->G: 5 ring voxels with x=1 or y=1 lie on G's ring: 0; (3,2),(2,3),(3,3): 1 each.
        // G->P: (1,1),(2,1),(3,1),(1,2),(1,3): 0; (4,1),(1,4),(2,4),(3,4),(4,2),(4,3): 1;
        //       (4,4) -> (3,3): sqrt(2).
        // All 20: ten 0s, nine 1s, one sqrt(2). HD = sqrt(2).
        // HD95: index 19*0.95 = 18.05 -> 1 + (sqrt(2) - 1)*0.05. ASSD = (9 + sqrt(2)) / 20.
        let shape = [6, 6]
        let m = try evaluateSegmentation(
            prediction: rectangle(shape: shape, xs: 1...3, ys: 1...3),
            groundTruth: rectangle(shape: shape, xs: 1...4, ys: 1...4), shape: shape, spacing: [1, 1])
        assertClose(m.dice, 18.0 / 25.0, 1e-15)
        assertClose(m.jaccard, 9.0 / 16.0, 1e-15)
        assertClose(m.accuracy, 29.0 / 36.0, 1e-15)
        assertClose(m.hausdorff, 2.0.squareRoot(), 1e-12)
        assertClose(m.hausdorff95, 1 + (2.0.squareRoot() - 1) * 0.05, 1e-12)
        assertClose(m.assd, (9 + 2.0.squareRoot()) / 20, 1e-12)
    }

    func testIdenticalMasksHaveZeroDistances() throws {
        var rng = SplitMix64(seed: 7)
        let shape = [9, 7, 5]
        let a = randomMask(count: 9 * 7 * 5, density: 0.4, rng: &rng)
        let m = try evaluateSegmentation(prediction: a, groundTruth: a, shape: shape, spacing: [0.3, 1.1, 2.5])
        XCTAssertEqual(m, SegmentationMetrics(accuracy: 1, dice: 1, jaccard: 1, hausdorff: 0, hausdorff95: 0, assd: 0))
    }

    func testSummaryUsesSampleStandardDeviation() throws {
        // values 1, 2, 3, 4: mean 2.5; squared deviations 2.25+0.25+0.25+2.25 = 5;
        // sample variance 5/3 (population would be 5/4).
        XCTAssertEqual(try mean([1, 2, 3, 4]), 2.5)
        assertClose(try sampleStandardDeviation([1, 2, 3, 4]), (5.0 / 3.0).squareRoot(), 1e-15)
        XCTAssertTrue(try sampleStandardDeviation([3]).isNaN)
        XCTAssertEqual(try mean([1, .infinity]), .infinity)

        let a = SegmentationMetrics(accuracy: 0.9, dice: 0.8, jaccard: 0.6, hausdorff: 4, hausdorff95: 2, assd: 1)
        let b = SegmentationMetrics(accuracy: 0.7, dice: 0.6, jaccard: 0.4, hausdorff: 6, hausdorff95: 4, assd: 3)
        let s = try summarize([a, b])
        // Two values x ± h: mean x, sample std sqrt(2 h^2 / 1) = h·sqrt(2).
        assertClose(s.mean.accuracy, 0.8, 1e-15)
        assertClose(s.mean.hausdorff, 5, 1e-15)
        assertClose(s.mean.assd, 2, 1e-15)
        assertClose(s.standardDeviation.dice, 0.1 * 2.0.squareRoot(), 1e-15)
        assertClose(s.standardDeviation.hausdorff95, 2.0.squareRoot(), 1e-15)
        XCTAssertEqual(s.count, 2)
    }

    func testPercentileMatchesNumpyLinear() throws {
        // numpy.percentile([1, 2, 3, 4, 10], 95): index 4*0.95 = 3.8 -> 10 - (10 - 4)*0.2 = 8.8.
        assertClose(try percentile([10, 1, 3, 2, 4], 95), 8.8, 1e-12)
        // index 4*0.1 = 0.4 -> 1 + (2 - 1)*0.4 = 1.4.
        assertClose(try percentile([10, 1, 3, 2, 4], 10), 1.4, 1e-12)
        XCTAssertEqual(try percentile([5], 95), 5)
        XCTAssertEqual(try percentile([5, 1], 100), 5)
        XCTAssertEqual(try percentile([5, 1], 0), 1)
    }
}
