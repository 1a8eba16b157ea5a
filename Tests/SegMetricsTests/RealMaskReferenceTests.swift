import Foundation
import NIfTIIO
import SegMetrics
import XCTest

/// Replays Tests/Fixtures/metrics/reference.json (written by tools/metrics_reference.py with
/// scipy's distance_transform_edt and numpy) on the real masks in ../shared/data.
final class RealMaskReferenceTests: XCTestCase {
    struct Reference: Decodable {
        var cases: [Case]
    }
    struct Case: Decodable {
        var file: String
        var slice: Int?
        var shape: [Int]
        var spacing: [Double]
        var transform: Transform
        var expected: Expected
    }
    struct Transform: Decodable {
        var kind: String
        var offset: [Int]?
        var modulus: Int?
    }
    struct Expected: Decodable {
        var accuracy, dice, jaccard, hausdorff, hausdorff95, assd: Double
        var surface_prediction, surface_truth: Int
    }

    func testMatchesPythonReferenceOnRealMasks() throws {
        let fixture = repositoryRoot.appendingPathComponent("Tests/Fixtures/metrics/reference.json")
        let reference = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: fixture))
        XCTAssertEqual(reference.cases.count, 9)
        guard FileManager.default.fileExists(atPath: sharedDataRoot.path) else {
            return XCTFail("shared data not found at \(sharedDataRoot.path): the real-mask test needs ../shared/data next to the repository")
        }
        var largestOverlap = 0.0, largestDistance = 0.0
        for c in reference.cases {
            let path = sharedDataRoot.appendingPathComponent(c.file).path
            guard FileManager.default.fileExists(atPath: path) else {
                return XCTFail("\(path) is missing from the shared data; it is needed by reference case \(c.file)")
            }
            let volume = try NIfTIVolume.read(path: path)
            var truth = volume.voxels.map { $0 != 0 ? UInt8(1) : 0 }
            var shape = volume.shape, spacing = volume.spacing
            if let k = c.slice {
                // 2-D case: the axial slice [:, :, k], x fastest.
                let plane = shape[0] * shape[1]
                truth = Array(truth[(k * plane)..<((k + 1) * plane)])
                shape = Array(shape[0..<2])
                spacing = Array(spacing[0..<2])
            }
            let name = "\(c.file) slice \(c.slice.map(String.init) ?? "-") \(c.transform.kind)"
            XCTAssertEqual(shape, c.shape, name)
            XCTAssertEqual(spacing.count, c.spacing.count, name)
            for (a, b) in zip(spacing, c.spacing) { XCTAssertEqual(a, b, accuracy: 1e-9, name) }

            let prediction = try apply(c.transform, to: truth, shape: shape)
            let start = Date()
            let m = try evaluateSegmentation(prediction: prediction, groundTruth: truth, shape: shape, spacing: spacing)
            let seconds = Date().timeIntervalSince(start)
            let e = c.expected

            XCTAssertEqual(try count(surfaceMask(prediction, shape: shape)), e.surface_prediction, name)
            XCTAssertEqual(try count(surfaceMask(truth, shape: shape)), e.surface_truth, name)
            for (got, want) in [(m.accuracy, e.accuracy), (m.dice, e.dice), (m.jaccard, e.jaccard)] {
                XCTAssertEqual(got, want, accuracy: 1e-6, name)
                largestOverlap = max(largestOverlap, abs(got - want))
            }
            // Tolerance: one voxel diagonal (the two should agree to rounding).
            let diagonal = spacing.reduce(0) { $0 + $1 * $1 }.squareRoot()
            for (got, want) in [(m.hausdorff, e.hausdorff), (m.hausdorff95, e.hausdorff95), (m.assd, e.assd)] {
                XCTAssertEqual(got, want, accuracy: diagonal, name)
                largestDistance = max(largestDistance, abs(got - want))
            }
            print("reference \(name): HD \(m.hausdorff) HD95 \(m.hausdorff95) ASSD \(m.assd) (\(String(format: "%.2f", seconds)) s)")
        }
        print("largest difference vs Python: overlap \(largestOverlap), distance \(largestDistance) mm")
    }

    func count(_ mask: [UInt8]) -> Int { mask.reduce(0) { $0 + Int($1) } }

    /// The transforms of tools/metrics_reference.py:
    /// shift o: P[x] = GT[x − o] where in range, else 0; clear_x_mod m: GT with x % m == 0 cleared.
    func apply(_ t: Transform, to truth: [UInt8], shape: [Int]) throws -> [UInt8] {
        let n0 = shape[0], n1 = shape[1], n2 = shape.count == 3 ? shape[2] : 1
        var out = [UInt8](repeating: 0, count: truth.count)
        switch t.kind {
        case "shift":
            let o = try XCTUnwrap(t.offset)
            XCTAssertEqual(o.count, shape.count)
            let o2 = o.count == 3 ? o[2] : 0
            for k in 0..<n2 {
                for j in 0..<n1 {
                    for i in 0..<n0 {
                        let (si, sj, sk) = (i - o[0], j - o[1], k - o2)
                        guard si >= 0, si < n0, sj >= 0, sj < n1, sk >= 0, sk < n2 else { continue }
                        out[i + n0 * (j + n1 * k)] = truth[si + n0 * (sj + n1 * sk)]
                    }
                }
            }
        case "clear_x_mod":
            let m = try XCTUnwrap(t.modulus)
            for p in truth.indices { out[p] = p % n0 % m == 0 ? 0 : truth[p] }
        default:
            XCTFail("unknown transform \(t.kind) in reference.json")
        }
        return out
    }
}
