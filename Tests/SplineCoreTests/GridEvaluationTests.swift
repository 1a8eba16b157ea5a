import SplineCore
import XCTest

final class GridEvaluationTests: XCTestCase {
    /// Awkward shapes: widths not multiples of 8/16, H = 1, W = 1, O = p+1, non-square.
    let shapes: [(h: Int, w: Int)] = [(1, 1), (1, 37), (23, 1), (17, 15), (9, 31), (40, 7), (8, 16), (33, 65), (5, 129)]

    func testFastMatchesReferenceOnAwkwardShapes() throws {
        var seed: UInt64 = 1
        for p in 0...3 {
            for o in [p + 1, p + 2, 9] {
                let s = try randomSpline(size: o, degree: p, seed: seed)
                seed += 1
                for (h, w) in shapes {
                    let ref = SplineReference.evaluateGrid(s, rows: h, cols: w)
                    let z = try s.evaluate(rows: h, cols: w)
                    XCTAssertEqual(z.count, h * w)
                    for k in z.indices {
                        XCTAssertEqual(Double(z[k]), ref[k], accuracy: 5e-6, "p=\(p) O=\(o) \(h)x\(w) at \(k)")
                    }
                }
            }
        }
    }

    func testThreadsGiveBitwiseIdenticalResults() throws {
        for p in 0...3 {
            let s = try randomSpline(size: 13 + p, degree: p, seed: 77 + UInt64(p))
            for (h, w) in [(1, 5), (2, 3), (101, 77), (64, 64)] {
                let z1 = try s.evaluate(rows: h, cols: w, threads: 1)
                let z2 = try s.evaluate(rows: h, cols: w, threads: 2)
                let z3 = try s.evaluate(rows: h, cols: w, threads: 3)
                XCTAssertEqual(z1.map(\.bitPattern), z2.map(\.bitPattern))
                XCTAssertEqual(z1.map(\.bitPattern), z3.map(\.bitPattern))
            }
        }
    }

    /// `withGridPasses`: the passes run over uneven partitions, in any order, give the bits of
    /// `evaluate`; it validates like `evaluate(into:)`.
    func testGridPassesAnyPartitionBitwise() throws {
        for p in 0...3 {
            let s = try randomSpline(size: 11 + p, degree: p, seed: 500 + UInt64(p))
            for (h, w) in [(1, 1), (37, 29), (64, 17)] {
                let ur = try Collocation(points: h, coefficients: s.size, degree: p)
                let uc = try Collocation(points: w, coefficients: s.size, degree: p)
                let want = try s.evaluate(rows: h, cols: w)
                var out = [Float](repeating: .nan, count: h * w)
                var scratch = [Float](repeating: .nan, count: s.scratchCount(columns: uc))
                let ran = try out.withUnsafeMutableBufferPointer { o in
                    try scratch.withUnsafeMutableBufferPointer { t in
                        try s.withGridPasses(into: o, rows: ur, columns: uc, scratch: t) { g -> Bool in
                            XCTAssertEqual(g.columnPassRows, s.size)
                            XCTAssertEqual(g.rowPassRows, h)
                            // Cuts at 0, 1, 5, n/2, ..., n: ranges of 1, 4 and the rest, run last first.
                            func cuts(_ n: Int) -> [Range<Int>] {
                                let c = Array(Set([0, min(1, n), min(5, n), n / 2, n])).sorted()
                                return zip(c, c.dropFirst()).map { $0..<$1 }.reversed()
                            }
                            for r in cuts(g.columnPassRows) { g.columnPass(r) }
                            for r in cuts(g.rowPassRows) { g.rowPass(r) }
                            return true
                        }
                    }
                }
                XCTAssertEqual(ran, true)
                XCTAssertEqual(out.map(\.bitPattern), want.map(\.bitPattern), "p=\(p) \(h)x\(w)")
            }
        }
        let s = try randomSpline(size: 10, degree: 2, seed: 5)
        let ur = try Collocation(points: 21, coefficients: 10, degree: 2)
        let uc = try Collocation(points: 19, coefficients: 10, degree: 2)
        var out = [Float](repeating: 0, count: 21 * 19), small = [Float](repeating: 0, count: 10)
        XCTAssertThrowsError(try out.withUnsafeMutableBufferPointer { o in
            try small.withUnsafeMutableBufferPointer { t in
                try s.withGridPasses(into: o, rows: ur, columns: uc, scratch: t) { _ in XCTFail("body ran") }
            }
        }) { XCTAssertEqual($0 as? SplineError, .bufferTooSmall(name: "scratch", needed: 10 * 19, got: 10)) }
    }

    func testAllocationFreeFormAndValidation() throws {
        let s = try randomSpline(size: 10, degree: 2, seed: 5)
        let ur = try Collocation(points: 21, coefficients: 10, degree: 2)
        let uc = try Collocation(points: 19, coefficients: 10, degree: 2)
        var out = [Float](repeating: .nan, count: 21 * 19)
        var scratch = [Float](repeating: .nan, count: s.scratchCount(columns: uc))
        try out.withUnsafeMutableBufferPointer { o in
            try scratch.withUnsafeMutableBufferPointer { t in
                try s.evaluate(into: o, rows: ur, columns: uc, scratch: t, threads: 2)
            }
        }
        XCTAssertEqual(out, try s.evaluate(rows: 21, cols: 19))

        var small = [Float](repeating: 0, count: 10)
        XCTAssertThrowsError(try small.withUnsafeMutableBufferPointer { o in
            try scratch.withUnsafeMutableBufferPointer { t in try s.evaluate(into: o, rows: ur, columns: uc, scratch: t) }
        }) { XCTAssertEqual($0 as? SplineError, .bufferTooSmall(name: "output", needed: 21 * 19, got: 10)) }
        XCTAssertThrowsError(try out.withUnsafeMutableBufferPointer { o in
            try small.withUnsafeMutableBufferPointer { t in try s.evaluate(into: o, rows: ur, columns: uc, scratch: t) }
        }) { XCTAssertEqual($0 as? SplineError, .bufferTooSmall(name: "scratch", needed: 10 * 19, got: 10)) }
        let wrong = try Collocation(points: 19, coefficients: 10, degree: 1)
        XCTAssertThrowsError(try out.withUnsafeMutableBufferPointer { o in
            try scratch.withUnsafeMutableBufferPointer { t in try s.evaluate(into: o, rows: ur, columns: wrong, scratch: t) }
        })
        XCTAssertThrowsError(try s.evaluate(rows: 0, cols: 3))
    }

    func testPointEvaluationAgreesWithGrid() throws {
        for p in 0...3 {
            let s = try randomSpline(size: 8, degree: p, seed: 300 + UInt64(p))
            let grid = try PixelGrid(rows: 11, cols: 26)
            let z = try s.evaluate(grid: grid)
            for i in 0..<grid.rows {
                for j in 0..<grid.cols {
                    XCTAssertEqual(s.value(atX: Double(j), y: Double(i), in: grid), Double(z[i * grid.cols + j]), accuracy: 5e-6)
                }
            }
        }
    }

    func testFinerGridSamplesSameFunction() throws {
        // N times finer: N(H-1)+1 x N(W-1)+1 points hit every original pixel at index N*i.
        let s = try randomSpline(size: 12, degree: 3, seed: 9)
        let (h, w, n) = (13, 20, 4)
        let coarse = try s.evaluate(rows: h, cols: w)
        let fineGrid = try PixelGrid(rows: n * (h - 1) + 1, cols: n * (w - 1) + 1)
        let fine = try s.evaluate(grid: fineGrid)
        let coarseGrid = try PixelGrid(rows: h, cols: w)
        for i in 0..<h {
            for j in 0..<w {
                XCTAssertEqual(fine[n * i * fineGrid.cols + n * j], coarse[i * w + j], accuracy: 2e-6)
            }
        }
        // In-between fine pixels are the spline at fractional coarse pixel coordinates.
        for (fi, fj) in [(1, 3), (7, 50), (45, 75)] {
            let v = s.value(atX: Double(fj) / Double(n), y: Double(fi) / Double(n), in: coarseGrid)
            XCTAssertEqual(Double(fine[fi * fineGrid.cols + fj]), v, accuracy: 5e-6)
        }
    }

    func testGradientsMatchFiniteDifferences() throws {
        for p in 1...3 {
            let s = try randomSpline(size: 9, degree: p, seed: 40 + UInt64(p))
            let grid = try PixelGrid(rows: 37, cols: 29)
            let (gx, gy) = try s.gradient(grid: grid)
            let h = 1e-5
            var g = SplitMix(state: UInt64(p))
            for _ in 0..<50 {
                let x = Double.random(in: 0.5...27.5, using: &g), y = Double.random(in: 0.5...35.5, using: &g)
                let d = s.gradient(atX: x, y: y, in: grid)
                let fx = (s.value(atX: x + h, y: y, in: grid) - s.value(atX: x - h, y: y, in: grid)) / (2 * h)
                let fy = (s.value(atX: x, y: y + h, in: grid) - s.value(atX: x, y: y - h, in: grid)) / (2 * h)
                // p = 1 has kinks at knots; a step of 1e-5 crosses one with tiny probability.
                XCTAssertEqual(d.x, fx, accuracy: 1e-5)
                XCTAssertEqual(d.y, fy, accuracy: 1e-5)
            }
            for i in 0..<grid.rows {
                for j in 0..<grid.cols {
                    let d = s.gradient(atX: Double(j), y: Double(i), in: grid)
                    XCTAssertEqual(Double(gx[i * grid.cols + j]), d.x, accuracy: 1e-5)
                    XCTAssertEqual(Double(gy[i * grid.cols + j]), d.y, accuracy: 1e-5)
                }
            }
        }
    }

    func testLinearFunctionReproducedOnGrid() throws {
        for p in 1...3 {
            let o = 7 + p
            let s = try ImplicitSpline.linear(size: o, degree: p, a: 0.3, b: -0.7, c: 0.25)
            let (h, w) = (19, 23)
            let z = try s.evaluate(rows: h, cols: w)
            let e = Double(o - p)
            for i in 0..<h {
                for j in 0..<w {
                    let f = 0.3 * e * Double(j) / Double(w - 1) - 0.7 * e * Double(i) / Double(h - 1) + 0.25
                    XCTAssertEqual(Double(z[i * w + j]), f, accuracy: 1e-5)
                }
            }
        }
    }
}
