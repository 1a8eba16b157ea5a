import PNGIO
import XCTest

/// makeOverlay: percentile windowing, Wu lines, clipping.
final class OverlayTests: XCTestCase {
    let red: (UInt8, UInt8, UInt8) = (255, 0, 0)

    func pixel(_ rgb: [UInt8], _ width: Int, x: Int, y: Int) -> [UInt8] {
        Array(rgb[(3 * (y * width + x))..<(3 * (y * width + x) + 3)])
    }

    func testPercentileWindowing() throws {
        // 10 x 10 ramp 0...99: 1st percentile = value at rank round(0.01 * 99) = 1,
        // 99th = rank round(0.99 * 99) = 98; v -> (v - 1) * 255 / 97, clamped.
        let gray = try GrayImage(width: 10, height: 10, pixels: (0..<100).map(Float.init))
        let rgb = makeOverlay(gray: gray, contours: [], color: red)
        XCTAssertEqual(rgb.count, 300)
        for v in [0, 1, 2, 50, 97, 98, 99] {
            let want = UInt8((min(max(Double(v - 1) * 255 / 97, 0), 255)).rounded())
            XCTAssertEqual(pixel(rgb, 10, x: v % 10, y: v / 10), [want, want, want], "value \(v)")
        }
    }

    func testConstantImageRendersBlack() throws {
        let gray = try GrayImage(width: 3, height: 2, pixels: [Float](repeating: 42, count: 6))
        XCTAssertEqual(makeOverlay(gray: gray, contours: [], color: red), [UInt8](repeating: 0, count: 18))
    }

    func testAxisAlignedSquareIsDrawnFullyAndOnlyOnItsEdges() throws {
        let (w, h) = (8, 7)
        let gray = try GrayImage(width: w, height: h, pixels: [Float](repeating: 0, count: w * h))
        let square: [SIMD2<Double>] = [[1, 1], [5, 1], [5, 4], [1, 4]]
        let rgb = makeOverlay(gray: gray, contours: [square], color: red)
        for y in 0..<h {
            for x in 0..<w {
                let onEdge = (x == 1 || x == 5) && (1...4).contains(y) || (y == 1 || y == 4) && (1...5).contains(x)
                XCTAssertEqual(pixel(rgb, w, x: x, y: y), onEdge ? [255, 0, 0] : [0, 0, 0], "(x \(x), y \(y))")
            }
        }
    }

    func testHalfPixelOffsetSplitsCoverage() throws {
        // Top edge at y = 0.5 lies between rows 0 and 1: half coverage in each.
        let (w, h) = (8, 6)
        let gray = try GrayImage(width: w, height: h, pixels: [Float](repeating: 0, count: w * h))
        let shape: [SIMD2<Double>] = [[1, 0.5], [6, 0.5], [6, 4], [1, 4]]
        let rgb = makeOverlay(gray: gray, contours: [shape], color: (200, 100, 0))
        for x in 2...5 {
            XCTAssertEqual(pixel(rgb, w, x: x, y: 0), [100, 50, 0], "x \(x)")
            XCTAssertEqual(pixel(rgb, w, x: x, y: 1), [100, 50, 0], "x \(x)")
            XCTAssertEqual(pixel(rgb, w, x: x, y: 2), [0, 0, 0], "x \(x)")
        }
    }

    func testHugeAndNonFiniteCoordinatesAreClippedNotFatal() throws {
        let (w, h) = (6, 5)
        let gray = try GrayImage(width: w, height: h, pixels: [Float](repeating: 0, count: w * h))
        let line: [SIMD2<Double>] = [[-1e12, 2], [1e12, 2]]
        let junk: [SIMD2<Double>] = [[.nan, 1], [3, .infinity], [1e308, -1e308]]
        let rgb = makeOverlay(gray: gray, contours: [line, junk, []], color: red)
        for x in 0..<w {
            XCTAssertEqual(pixel(rgb, w, x: x, y: 2), [255, 0, 0])
            XCTAssertEqual(pixel(rgb, w, x: x, y: 1), [0, 0, 0])
            XCTAssertEqual(pixel(rgb, w, x: x, y: 3), [0, 0, 0])
        }
    }

    func testGrayImageRejectsWrongPixelCount() {
        do {
            _ = try GrayImage(width: 3, height: 3, pixels: [1, 2])
            XCTFail("expected an error")
        } catch {
            guard case .invalidArgument = error.kind else { return XCTFail("\(error)") }
        }
    }
}
