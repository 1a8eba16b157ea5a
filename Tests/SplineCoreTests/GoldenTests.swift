import Foundation
import SplineCore
import XCTest

/// Compares against tools/make_spline_fixture.py (scipy.interpolate.BSpline).
final class GoldenTests: XCTestCase {
    struct Golden: Decodable {
        struct Row: Decodable { let first: Int; let values: [Double] }
        struct Coll: Decodable { let points: Int; let coefficients: Int; let degree: Int; let rows: [Row] }
        struct Grid: Decodable { let rows: Int; let cols: Int; let coefficients: Int; let degree: Int; let C: [Double]; let Z: [Double] }
        struct Value: Decodable {
            let x: Double; let y: Double; let f: Double; let dfdx: Double; let dfdy: Double
            let basis_x: [Double]; let dbasis_x: [Double]
        }
        struct Points: Decodable { let coefficients: Int; let degree: Int; let C: [Double]; let values: [Value] }
        let collocation: [Coll]
        let grid: [Grid]
        let points: [Points]
    }

    func load() throws -> Golden {
        let url = repositoryRoot().appendingPathComponent("Tests/Fixtures/spline_golden.json")
        guard let data = FileManager.default.contents(atPath: url.path) else {
            XCTFail("missing fixture \(url.path): run python3 tools/make_spline_fixture.py")
            throw SplineError.emptyGrid(rows: 0, cols: 0)
        }
        return try JSONDecoder().decode(Golden.self, from: data)
    }

    func testCollocationMatchesScipy() throws {
        let g = try load()
        XCTAssertGreaterThanOrEqual(g.collocation.count, 6)
        var degrees = Set<Int>()
        for c in g.collocation {
            degrees.insert(c.degree)
            let u = try Collocation(points: c.points, coefficients: c.coefficients, degree: c.degree)
            let d = u.dense()
            var ref = [Double](repeating: 0, count: c.points * c.coefficients)
            XCTAssertEqual(c.rows.count, c.points)
            for (i, r) in c.rows.enumerated() {
                for (q, v) in r.values.enumerated() { ref[i * c.coefficients + r.first + q] = v }
            }
            for k in ref.indices {
                // Basis tolerance 1e-6 (weights are stored as Float).
                XCTAssertEqual(Double(d[k]), ref[k], accuracy: 1e-6, "(\(c.points),\(c.coefficients),\(c.degree)) entry \(k)")
            }
        }
        XCTAssertEqual(degrees, [0, 1, 2, 3])
    }

    func testGridEvaluationMatchesScipy() throws {
        for g in try load().grid {
            let s = try ImplicitSpline(size: g.coefficients, degree: g.degree, coefficients: g.C.map { Float($0) })
            let z = try s.evaluate(rows: g.rows, cols: g.cols)
            XCTAssertEqual(z.count, g.Z.count)
            // |C| <= 1 and rows sum to 1: Float weights and sums give ~1e-6 absolute error.
            for k in z.indices { XCTAssertEqual(Double(z[k]), g.Z[k], accuracy: 5e-6, "grid \(g.rows)x\(g.cols) O=\(g.coefficients) p=\(g.degree) at \(k)") }
        }
    }

    func testPointValuesAndDerivativesMatchScipy() throws {
        for pc in try load().points {
            let s = try ImplicitSpline(size: pc.coefficients, degree: pc.degree, coefficients: pc.C.map { Float($0) })
            for v in pc.values {
                // Double arithmetic throughout: tolerance 1e-12 for values, 1e-11 for derivatives.
                XCTAssertEqual(s.value(atParameterX: v.x, y: v.y), v.f, accuracy: 1e-12)
                let gr = s.gradient(atParameterX: v.x, y: v.y)
                XCTAssertEqual(gr.x, v.dfdx, accuracy: 1e-11, "dF/dx O=\(pc.coefficients) p=\(pc.degree) at (\(v.x), \(v.y))")
                XCTAssertEqual(gr.y, v.dfdy, accuracy: 1e-11, "dF/dy O=\(pc.coefficients) p=\(pc.degree) at (\(v.x), \(v.y))")
                for k in 0..<pc.coefficients {
                    XCTAssertEqual(s.basis.value(k, at: v.x), v.basis_x[k], accuracy: 1e-12)
                    XCTAssertEqual(s.basis.derivative(k, at: v.x), v.dbasis_x[k], accuracy: 1e-11)
                }
            }
        }
    }
}
