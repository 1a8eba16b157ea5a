import SplineCore
import XCTest

/// The two SplineCore files this runtime adds (CollocationParameters.swift, MappedContours.swift)
/// reduce to the existing SplineCore functions on the plain pixel grid.
final class SplineCoreAdditionsTests: XCTestCase {
    func testCollocationFromParametersEqualsGridCollocation() throws {
        for (n, o, p) in [(1, 3, 2), (7, 4, 1), (33, 8, 3), (50, 16, 0)] {
            let e = Double(o - p)
            let params = (0..<n).map { n > 1 ? e * Double($0) / Double(n - 1) : 0 }
            XCTAssertEqual(try Collocation(parameters: params, coefficients: o, degree: p),
                           try Collocation(points: n, coefficients: o, degree: p), "n \(n) O \(o) p \(p)")
        }
        XCTAssertThrowsError(try Collocation(parameters: [], coefficients: 4, degree: 1))
        XCTAssertThrowsError(try Collocation(parameters: [0], coefficients: 2, degree: 2))
        // Out-of-domain and NaN parameters clamp like the rest of SplineCore.
        let c = try Collocation(parameters: [-1, .nan, 99], coefficients: 4, degree: 1)
        XCTAssertEqual(c.first, [0, 0, 2])
        XCTAssertEqual(c.weights, [1, 0, 1, 0, 0, 1])
    }

    func testMappedContoursWithIdentityMapEqualPlainContours() throws {
        let o = 9, p = 2
        let coef = (0..<(o * o)).map { k -> Float in
            let r = Double(k / o) - 4, c = Double(k % o) - 3.5
            return Float(5 - r * r - 0.7 * c * c + 0.3 * r * c)
        }
        let s = try ImplicitSpline(size: o, degree: p, coefficients: coef)
        let grid = try PixelGrid(rows: 21, cols: 17)
        let values = try s.evaluate(grid: grid)
        let e = Double(o - p)
        let mapped = try s.contours(grid: grid, values: values,
                                    rowMap: AxisMap(points: 21, offset: 0, domainEnd: e),
                                    columnMap: AxisMap(points: 17, offset: 0, domainEnd: e))
        let plain = try s.contours(grid: grid, values: values)
        XCTAssertEqual(mapped, plain)
        XCTAssertGreaterThan(plain.contours.count, 0)
    }
}
