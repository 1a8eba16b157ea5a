import SplineCore
import XCTest

final class ContourTests: XCTestCase {
    /// Area of the rectangle [0, W-1] x [0, H-1] clipped to {a x + b y + c > 0} (one
    /// Sutherland-Hodgman step), in pixel units.
    func clippedArea(a: Double, b: Double, c: Double, w: Int, h: Int) -> Double {
        let rect = [SIMD2(0.0, 0.0), SIMD2(Double(w - 1), 0), SIMD2(Double(w - 1), Double(h - 1)), SIMD2(0, Double(h - 1))]
        func f(_ p: SIMD2<Double>) -> Double { a * p.x + b * p.y + c }
        var poly: [SIMD2<Double>] = []
        for k in rect.indices {
            let p = rect[k], q = rect[(k + 1) % 4]
            if f(p) > 0 { poly.append(p) }
            if (f(p) > 0) != (f(q) > 0) { poly.append(p + f(p) / (f(p) - f(q)) * (q - p)) }
        }
        var s = 0.0
        for k in poly.indices { let p = poly[k], q = poly[(k + 1) % poly.count]; s += p.x * q.y - q.x * p.y }
        return s / 2
    }

    func testLinearZeroLineIsExact() throws {
        let cases: [(a: Double, b: Double, c: Double)] = [(1, 0.5, -2.3), (-0.4, 1, 1.71), (0.7, -0.9, 0.33), (0.05, 0.02, -0.111), (-1, -1, 6.05)]
        for p in 1...3 {
            for (a, b, c) in cases {
                let o = 6 + p
                let s = try ImplicitSpline.linear(size: o, degree: p, a: a, b: b, c: c)
                let (h, w) = (31, 45)
                let grid = try PixelGrid(rows: h, cols: w)
                let set = try s.contours(rows: h, cols: w)
                // In pixel coordinates F = a ex x + b ey y + c.
                let ex = Double(o - p) / Double(w - 1), ey = Double(o - p) / Double(h - 1)
                let exact = clippedArea(a: a * ex, b: b * ey, c: c, w: w, h: h)
                XCTAssertGreaterThan(exact, 0)
                XCTAssertEqual(set.area, exact, accuracy: 1e-4, "p=\(p) a=\(a) b=\(b) c=\(c)")
                XCTAssertEqual(set.contours.count, 1)
                XCTAssertFalse(set.contours[0].isHole)
                // Points off the border lie on the zero line.
                for pt in set.contours[0].points where pt.x > 0 && pt.x < Double(w - 1) && pt.y > 0 && pt.y < Double(h - 1) {
                    XCTAssertEqual(a * ex * pt.x + b * ey * pt.y + c, 0, accuracy: 1e-6)
                    XCTAssertEqual(s.value(atX: pt.x, y: pt.y, in: grid), 0, accuracy: 1e-8)
                }
                XCTAssertEqual(set.foregroundPixels, ImplicitSpline.mask(values: try s.evaluate(rows: h, cols: w)).reduce(0) { $0 + Int($1) })
            }
        }
    }

    /// Coefficients sampled from a signed distance at the Greville abscissae.
    func sdfSpline(size o: Int, degree p: Int, _ f: (Double, Double) -> Double) throws -> ImplicitSpline {
        let t = try KnotVector(coefficients: o, degree: p)
        var c = [Float](repeating: 0, count: o * o)
        for k in 0..<o { for l in 0..<o { c[k * o + l] = Float(f(t.greville(l), t.greville(k))) } }
        return try ImplicitSpline(size: o, degree: p, coefficients: c)
    }

    func testCircleAreaAgainstAnalyticAndFineMask() throws {
        for p in 1...3 {
            let o = 32 + p, e = Double(o - p)
            let r = 10.3  // parameter units; 4 pixels per parameter unit below
            let s = try sdfSpline(size: o, degree: p) { x, y in r - ((x - 15.2) * (x - 15.2) + (y - 16.7) * (y - 16.7)).squareRoot() }
            let n = 129
            let set = try s.contours(rows: n, cols: n)
            let scale = Double(n - 1) / e
            let analytic = Double.pi * (r * scale) * (r * scale)
            XCTAssertEqual(set.contours.count, 1)
            XCTAssertEqual(set.area, analytic, accuracy: 0.01 * analytic, "p=\(p)")
            // Independent estimate of the same region: mask pixel count on an 8x finer grid.
            let f = 8
            let fine = try s.evaluate(rows: f * (n - 1) + 1, cols: f * (n - 1) + 1)
            let fineArea = Double(ImplicitSpline.foregroundCount(values: fine)) / Double(f * f)
            XCTAssertEqual(set.area, fineArea, accuracy: 0.004 * fineArea, "p=\(p)")
            XCTAssertEqual(Double(set.foregroundPixels), set.area, accuracy: 0.02 * set.area)
            let grid = try PixelGrid(rows: n, cols: n)
            for pt in set.contours[0].points { XCTAssertEqual(s.value(atX: pt.x, y: pt.y, in: grid), 0, accuracy: 1e-7) }
            XCTAssertEqual(try set.area(spacing: (row: 0.5, column: 0.8)), set.area * 0.4, accuracy: 1e-9)
        }
    }

    func testAnnulusHasOuterLoopAndHole() throws {
        let s = try sdfSpline(size: 40, degree: 1) { x, y in
            let d = ((x - 20) * (x - 20) + (y - 19) * (y - 19)).squareRoot()
            return min(14 - d, d - 6)
        }
        let set = try s.contours(rows: 79, cols: 79)  // 2 pixels per parameter unit
        XCTAssertEqual(set.contours.count, 2)
        XCTAssertEqual(set.contours.filter(\.isHole).count, 1)
        let outer = set.contours.first { !$0.isHole }!, hole = set.contours.first(where: \.isHole)!
        XCTAssertEqual(outer.signedArea, Double.pi * 28 * 28, accuracy: 0.01 * Double.pi * 28 * 28)
        XCTAssertEqual(-hole.signedArea, Double.pi * 12 * 12, accuracy: 0.02 * Double.pi * 12 * 12)
        XCTAssertEqual(set.area, outer.signedArea + hole.signedArea)
    }

    func testBorderClosureAndDegenerateGrids() throws {
        let full = try ImplicitSpline(size: 4, degree: 2, coefficients: [Float](repeating: 1, count: 16))
        let set = try full.contours(rows: 10, cols: 17)
        XCTAssertEqual(set.contours.count, 1)
        XCTAssertEqual(set.area, 9 * 16, accuracy: 1e-12)
        XCTAssertEqual(set.foregroundPixels, 170)

        let empty = try ImplicitSpline(size: 4, degree: 2, coefficients: [Float](repeating: 0, count: 16))
        let none = try empty.contours(rows: 10, cols: 17)
        XCTAssertTrue(none.contours.isEmpty)
        XCTAssertEqual(none.area, 0)
        XCTAssertEqual(none.foregroundPixels, 0, "F == 0 is background")

        for (h, w) in [(1, 9), (9, 1), (1, 1)] {
            let s = try randomSpline(size: 5, degree: 1, seed: 11)
            let c = try s.contours(rows: h, cols: w)
            XCTAssertEqual(c.area, 0, accuracy: 1e-12)
        }
        XCTAssertThrowsError(try set.area(spacing: (row: 0, column: 1)))
        XCTAssertThrowsError(try set.area(spacing: (row: .nan, column: 1)))
        XCTAssertThrowsError(try full.contours(grid: PixelGrid(rows: 2, cols: 2), values: [1, 2, 3]))
    }

    func testSaddleResolvedByCentreValue() throws {
        // O = 2, p = 1: F = (1-2x)(1-2y) + bias on the unit square; 2 x 2 pixels.
        for (bias, loops) in [(Float(0), 2), (-0.1, 2), (0.1, 1)] {
            let s = try ImplicitSpline(size: 2, degree: 1, coefficients: [1 + bias, -1 + bias, -1 + bias, 1 + bias])
            let set = try s.contours(rows: 2, cols: 2)
            XCTAssertEqual(set.contours.count, loops, "bias \(bias)")
            XCTAssertTrue(set.contours.allSatisfy { !$0.isHole })
            if bias == 0 { XCTAssertEqual(set.area, 0.25, accuracy: 1e-9) }
        }
    }
}
