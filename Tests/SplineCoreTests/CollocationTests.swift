import SplineCore
import XCTest

final class CollocationTests: XCTestCase {
    func testBandedMatchesDenseReference() throws {
        for p in 0...3 {
            for (n, o) in [(1, p + 1), (2, p + 1), (7, p + 1), (16, p + 3), (33, 8 + p), (5, 12)] where o > p {
                let u = try Collocation(points: n, coefficients: o, degree: p)
                let t = try KnotVector(coefficients: o, degree: p)
                let ref = SplineReference.collocation(points: n, knots: t)
                let d = u.dense()
                XCTAssertEqual(d.count, n * o)
                for k in 0..<(n * o) {
                    XCTAssertEqual(Double(d[k]), ref[k], accuracy: 1e-7, "n=\(n) O=\(o) p=\(p) at \(k)")
                }
                for i in 0..<n {
                    let row = u.weights[(i * (p + 1))..<((i + 1) * (p + 1))]
                    XCTAssertEqual(Double(row.reduce(0, +)), 1, accuracy: 1e-6)
                    XCTAssertTrue(u.first[i] >= 0 && u.first[i] + p < o)
                }
                // n = 1 sits at s = 0; the last pixel at s = O-p where the last basis is 1.
                XCTAssertEqual(d[0], 1)
                if n > 1 { XCTAssertEqual(d[n * o - 1], 1) }
            }
        }
    }

    func testDerivativeCollocationMatchesFiniteDifferenceOfBasis() throws {
        for p in 1...3 {
            let n = 23, o = 7 + p
            let u = try Collocation(points: n, coefficients: o, degree: p, derivative: true)
            let b = try BSplineBasis(coefficients: o, degree: p)
            let scale = Double(o - p) / Double(n - 1)
            let d = u.dense()
            for i in 1..<(n - 1) {
                let s = Double(o - p) * Double(i) / Double(n - 1)
                if abs(s - s.rounded()) < 1e-3 { continue }
                for k in 0..<o {
                    let fd = (b.value(k, at: s + 1e-6) - b.value(k, at: s - 1e-6)) / 2e-6 * scale
                    XCTAssertEqual(Double(d[i * o + k]), fd, accuracy: 1e-5)
                }
                let sum = u.weights[(i * (p + 1))..<((i + 1) * (p + 1))].reduce(0, +)
                XCTAssertEqual(sum, 0, accuracy: 1e-5)
            }
        }
    }
}
