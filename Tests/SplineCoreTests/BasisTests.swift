import SplineCore
import XCTest

final class BasisTests: XCTestCase {
    /// Parameters that include every knot, both ends and points in between.
    func samples(_ t: KnotVector) -> [Double] {
        let end = t.domainEnd
        var s: [Double] = []
        for k in 0...Int(end) { s.append(Double(k)) }
        for k in 0..<97 { s.append(end * Double(k) / 96 + 1e-3 * Double(k % 3)) }
        return s.filter { $0 <= end } + [end.nextDown, 0.5 * end]
    }

    func testKnotVectorLayout() throws {
        let t = try KnotVector(coefficients: 6, degree: 2)
        XCTAssertEqual(t.knots, [0, 0, 0, 1, 2, 3, 4, 4, 4])
        XCTAssertEqual(try KnotVector(coefficients: 3, degree: 0).knots, [0, 1, 2, 3])
        XCTAssertEqual(try KnotVector(coefficients: 4, degree: 3).knots, [0, 0, 0, 0, 1, 1, 1, 1])
    }

    func testValidationErrors() {
        XCTAssertThrowsError(try KnotVector(coefficients: 3, degree: 3)) { e in
            XCTAssertEqual(e as? SplineError, .tooFewCoefficients(coefficients: 3, degree: 3))
            XCTAssertTrue("\(e)".contains("O > p"))
        }
        XCTAssertThrowsError(try KnotVector(coefficients: 3, degree: -1))
        XCTAssertThrowsError(try ImplicitSpline(size: 4, degree: 1, coefficients: [Float](repeating: 0, count: 15))) { e in
            XCTAssertEqual(e as? SplineError, .coefficientCount(expected: 16, got: 15))
        }
        XCTAssertThrowsError(try ImplicitSpline(size: Int.max, degree: 1, coefficients: []))
        XCTAssertThrowsError(try PixelGrid(rows: 0, cols: 5))
        XCTAssertThrowsError(try Collocation(points: 0, coefficients: 4, degree: 1))
    }

    func testFastBasisMatchesCoxDeBoorForDegrees0to4() throws {
        for p in 0...4 {
            for o in [p + 1, p + 2, p + 5, 11] {
                let t = try KnotVector(coefficients: o, degree: p)
                let b = BSplineBasis(knots: t)
                for s in samples(t) {
                    for k in -1...o {
                        let ref = k >= 0 && k < o ? SplineReference.coxDeBoor(k, p, s, t) : 0
                        XCTAssertEqual(b.value(k, at: s), ref, accuracy: 1e-13, "p=\(p) O=\(o) k=\(k) s=\(s)")
                        // Derivatives at interior knots are one-sided; compare away from them.
                        if s != s.rounded() || s == 0 || s == t.domainEnd {
                            let dref = k >= 0 && k < o ? SplineReference.coxDeBoorDerivative(k, p, s, t) : 0
                            XCTAssertEqual(b.derivative(k, at: s), dref, accuracy: 1e-11, "d p=\(p) O=\(o) k=\(k) s=\(s)")
                        }
                    }
                }
            }
        }
    }

    func testPartitionOfUnityAndClosedLastInterval() throws {
        for p in 0...5 {
            for o in [p + 1, p + 3, 9] {
                let t = try KnotVector(coefficients: o, degree: p)
                let b = BSplineBasis(knots: t)
                for s in samples(t) {
                    let (first, v) = b.values(at: s)
                    XCTAssertEqual(v.reduce(0, +), 1, accuracy: 1e-14)
                    XCTAssertTrue(first >= 0 && first + p < o)
                    XCTAssertTrue(v.allSatisfy { $0 >= 0 })
                    let ref = (0..<o).map { SplineReference.coxDeBoor($0, p, s, t) }.reduce(0, +)
                    XCTAssertEqual(ref, 1, accuracy: 1e-14, "reference p=\(p) O=\(o) s=\(s)")
                }
                XCTAssertEqual(b.value(o - 1, at: t.domainEnd), 1, "last basis is 1 at s = O-p")
                XCTAssertEqual(SplineReference.coxDeBoor(o - 1, p, t.domainEnd, t), 1)
                XCTAssertEqual(b.value(0, at: 0), 1)
            }
        }
    }

    func testDerivativeMatchesFiniteDifferences() throws {
        for p in 1...4 {
            let t = try KnotVector(coefficients: p + 6, degree: p)
            let b = BSplineBasis(knots: t)
            let h = 1e-6
            for s in stride(from: 0.013, to: t.domainEnd - 0.01, by: 0.137) {
                if abs(s - s.rounded()) < 1e-4 { continue }
                for k in 0..<t.coefficients {
                    let fd = (b.value(k, at: s + h) - b.value(k, at: s - h)) / (2 * h)
                    XCTAssertEqual(b.derivative(k, at: s), fd, accuracy: 1e-6, "p=\(p) k=\(k) s=\(s)")
                }
            }
        }
    }

    func testLinearReproductionWithGrevilleAbscissae() throws {
        for p in 1...4 {
            for o in [p + 1, p + 4, 12] {
                let t = try KnotVector(coefficients: o, degree: p)
                let b = BSplineBasis(knots: t)
                for s in samples(t) {
                    let (first, v) = b.values(at: s)
                    var f = 0.0
                    for r in 0...p { f += t.greville(first + r) * v[r] }
                    XCTAssertEqual(f, s, accuracy: 1e-12, "p=\(p) O=\(o) s=\(s)")
                }
            }
        }
    }

    func testOutOfDomainAndNaNAreClamped() throws {
        let b = try BSplineBasis(coefficients: 5, degree: 2)
        XCTAssertEqual(b.values(at: -3).values, b.values(at: 0).values)
        XCTAssertEqual(b.values(at: 100).values, b.values(at: 3).values)
        XCTAssertEqual(b.values(at: .nan).values, b.values(at: 0).values)
        XCTAssertEqual(b.values(at: .infinity).values, b.values(at: 3).values)
    }
}
