import Foundation
import SplineCore
import XCTest

@testable import SplineSeg

/// Public API behaviour: argument checks, thread-count invariance, native grid / refinement,
/// contours, and preprocessing variants against hand-computed values.
final class SegmenterTests: XCTestCase {
    static let model: SplineSegModel = {
        let f = randomModelFile(makeSpec("unet-implicit", input: 16, degree: 2, depth: 2, bottleneck: 2, filters: 4), seed: 3)
        return try! SplineSegModel.load(spec: f.spec, safetensors: f.bytes)
    }()

    /// A bright disc on a ramp, H x W.
    func image(_ h: Int, _ w: Int) -> [Float] {
        (0..<(h * w)).map { k in
            let r = Double(k / w), c = Double(k % w)
            let d = ((r - 0.5 * Double(h)) / (0.3 * Double(h))).magnitude + ((c - 0.5 * Double(w)) / (0.3 * Double(w))).magnitude
            return Float(50 + c + (d < 1 ? 150 : 0))
        }
    }

    /// The vectorised finiteness check against `isFinite` per value: NaN, +-infinity and the
    /// largest finite values (exponent one step below all ones) at every position of lengths
    /// 1...40 (the eight-value body and the scalar tail), and clean arrays.
    func testAllFiniteMatchesPerValueCheck() {
        XCTAssertTrue(Segmenter.allFinite([]))
        for n in 1...40 {
            var x = (0..<n).map { Float($0) * 0.37 - 5 }
            XCTAssertTrue(Segmenter.allFinite(x), "clean, n = \(n)")
            for k in 0..<n {
                for v in [Float.nan, .infinity, -.infinity, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
                          Float(bitPattern: 0x7fc0_0001)] {
                    let old = x[k]
                    x[k] = v
                    XCTAssertEqual(Segmenter.allFinite(x), v.isFinite, "n = \(n), value \(v) at \(k)")
                    x[k] = old
                }
            }
        }
    }

    func testArgumentErrors() throws {
        XCTAssertThrowsError(try Segmenter(model: Self.model, threads: 0)) {
            XCTAssertEqual($0 as? SegmentationError, .invalidThreads(0))
        }
        let s = try Segmenter(model: Self.model)
        XCTAssertThrowsError(try s.segment(pixels: [], width: 0, height: 3)) {
            XCTAssertEqual($0 as? SegmentationError, .emptyImage(width: 0, height: 3))
        }
        XCTAssertThrowsError(try s.segment(pixels: [1, 2, 3], width: 2, height: 2)) {
            XCTAssertEqual($0 as? SegmentationError, .pixelCount(expected: 4, got: 3, width: 2, height: 2))
        }
        XCTAssertThrowsError(try s.coefficients(pixels: [1, 2, .nan, 4], width: 2, height: 2)) {
            guard case .nonFinitePixel(1, 0, let v)? = $0 as? SegmentationError, v.isNaN else { return XCTFail("\($0)") }
            XCTAssert("\($0)".contains("row 1, column 0 is nan"))
        }
        XCTAssertThrowsError(try s.segment(pixels: [1, .infinity], width: 2, height: 1)) {
            XCTAssertEqual($0 as? SegmentationError, .nonFinitePixel(row: 0, column: 1, value: .infinity))
        }
        XCTAssertThrowsError(try s.segment(pixels: [], width: 1 << 20, height: 1 << 20)) {
            XCTAssertEqual($0 as? SegmentationError, .imageTooLarge(width: 1 << 20, height: 1 << 20))
        }
        XCTAssertThrowsError(try s.layerOutputs(networkInput: [1, 2])) {
            XCTAssertEqual($0 as? SegmentationError, .inputCount(expected: 256, got: 2))
        }
        let seg = try s.segment(pixels: image(5, 7), width: 7, height: 5)
        XCTAssertThrowsError(try seg.values(scale: 0)) { XCTAssertEqual($0 as? SegmentationError, .invalidScale(0)) }
    }

    func testBitwiseIdenticalForAnyThreadCount() throws {
        let img = image(19, 23)
        let one = try Segmenter(model: Self.model, threads: 1).segment(pixels: img, width: 23, height: 19)
        for t in [2, 3, 8] {
            let other = try Segmenter(model: Self.model, threads: t).segment(pixels: img, width: 23, height: 19)
            XCTAssertEqual(one.coefficients.map(\.bitPattern), other.coefficients.map(\.bitPattern), "threads \(t)")
            XCTAssertEqual(one.values.map(\.bitPattern), other.values.map(\.bitPattern), "threads \(t)")
        }
    }

    /// Native values, mask and refinement agree with exact Double point evaluation at the
    /// pad-square parameters s = (O-p)(r + top)/(S-1).
    func testNativeGridAndRefinement() throws {
        let h = 9, w = 14
        let seg = try Segmenter(model: Self.model).segment(pixels: image(h, w), width: w, height: h)
        XCTAssertEqual(seg.values.count, h * w)
        let e = Double(Self.model.spec.coefficients - Self.model.spec.degree)
        let top = (14 - 9) / 2, side = 14
        let scale = seg.coefficients.map { abs(Double($0)) }.max()!
        for r in 0..<h {
            for c in 0..<w {
                let f = seg.spline.value(atParameterX: e * Double(c) / Double(side - 1), y: e * Double(r + top) / Double(side - 1))
                XCTAssertEqual(Double(seg.values[r * w + c]), f, accuracy: 1e-5 * scale)
                XCTAssertEqual(seg.mask[r * w + c], seg.values[r * w + c] > 0 ? 1 : 0)
            }
        }
        let same = try seg.values(scale: 1)
        XCTAssertEqual(same.values, seg.values)
        let fine = try seg.values(scale: 3)
        XCTAssertEqual(fine.height, 3 * (h - 1) + 1)
        XCTAssertEqual(fine.width, 3 * (w - 1) + 1)
        for i in 0..<fine.height {
            for j in 0..<fine.width {
                if i % 3 == 0 && j % 3 == 0 {  // refined grid contains the native one
                    XCTAssertEqual(fine.values[i * fine.width + j], seg.values[(i / 3) * w + j / 3])
                }
            }
        }
        let y = 4.0 / 3.0, x = 5.0 / 3.0
        let f = seg.spline.value(atParameterX: e * x / Double(side - 1), y: e * (y + Double(top)) / Double(side - 1))
        XCTAssertEqual(Double(fine.values[4 * fine.width + 5]), f, accuracy: 1e-5 * scale)
    }

    /// Contour points lie on F = 0 (exact evaluation at their native coordinates) and the area
    /// is close to the mask pixel count. Coefficients of a disc, on a non-square pad-square grid
    /// (24 x 30: S = 30, top = 3), so the native -> parameter map is not the plain PixelGrid one.
    func testContours() throws {
        let h = 24, w = 30, o = 8, p = 2
        let coef = (0..<(o * o)).map { k -> Float in
            let r = Double(k / o) - 3.5, c = Double(k % o) - 4.0
            return Float(6 - r * r - c * c)
        }
        let seg = try Segmentation(coefficients: coef, size: o, degree: p,
                                   grid: NativeGrid(height: h, width: w, geometry: "pad-square"), threads: 1)
        let set = seg.contours()
        let fg = seg.mask.reduce(0) { $0 + Int($1) }
        XCTAssertEqual(set.foregroundPixels, fg)
        XCTAssert(fg > 50 && fg < h * w - 50, "the disc must cross the image: \(fg) px")
        XCTAssertEqual(set.contours.count, 1)
        let e = Double(o - p), top = (w - h) / 2  // left = 0
        var checked = 0
        for c in set.contours {
            for q in c.points {
                let f = seg.spline.value(atParameterX: e * q.x / Double(w - 1), y: e * (q.y + Double(top)) / Double(w - 1))
                XCTAssertEqual(f, 0, accuracy: 1e-6)
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 20)
        XCTAssertEqual(set.area, Double(fg), accuracy: 0.1 * Double(fg))
        print("contours: \(set.contours.count) loop(s), area \(set.area) px, mask \(fg) px, \(checked) points on F = 0")
    }

    /// Window intensity + stretch geometry against a hand computation (2 x 3 -> 16 x 16).
    func testWindowStretchPreprocessing() throws {
        var spec = makeSpec("unet-implicit", input: 16, degree: 1, depth: 2, bottleneck: 2, filters: 2)
        spec.preprocessing.parameters = .init(input: 16, intensity: "window", window: [10, 30], geometry: "stretch")
        let f = randomModelFile(spec, seed: 1)
        let s = try Segmenter(model: try SplineSegModel.load(spec: f.spec, safetensors: f.bytes))
        let raw: [Float] = [0, 10, 20, 25, 30, 40]  // window -> 0, 0, 0.5, 0.75, 1, 1
        let x = try s.preprocess(pixels: raw, width: 3, height: 2)
        let win: [Double] = [0, 0, 0.5, 0.75, 1, 1]
        func lerp(_ n: Int, _ o: Int) -> (Int, Int, Double) {
            let p = Double(o) * Double(n - 1) / 15
            let a = min(Int(p), n - 1)
            return (a, min(a + 1, n - 1), p - Double(a))
        }
        for i in 0..<16 {
            for j in 0..<16 {
                let (r0, r1, tr) = lerp(2, i), (c0, c1, tc) = lerp(3, j)
                func v(_ r: Int, _ c: Int) -> Double { win[r * 3 + c] }
                let row0 = (1 - tc) * v(r0, c0) + tc * v(r0, c1), row1 = (1 - tc) * v(r1, c0) + tc * v(r1, c1)
                XCTAssertEqual(Double(x[i * 16 + j]), (1 - tr) * row0 + tr * row1, accuracy: 1e-6)
            }
        }
        // Stretch: the native corners are the parameter-domain corners.
        let seg = try s.segment(pixels: raw, width: 3, height: 2)
        let e = Double(spec.coefficients - spec.degree)
        XCTAssertEqual(Double(seg.values[5]), seg.spline.value(atParameterX: e, y: e), accuracy: 1e-5)
        XCTAssertEqual(Double(seg.values[1]), seg.spline.value(atParameterX: e / 2, y: 0), accuracy: 1e-5)
    }

    /// Elongated slices: the padded square (5000 x 5000 here) is never materialised, and the
    /// single native row sits at square row top = 2499.
    func testElongatedImage() throws {
        let w = 5000
        let pixels = (0..<w).map { Float($0 % 97) }
        let s = try Segmenter(model: Self.model)
        let seg = try s.segment(pixels: pixels, width: w, height: 1)
        XCTAssertEqual(seg.values.count, w)
        let e = Double(Self.model.spec.coefficients - Self.model.spec.degree)
        let scale = seg.coefficients.map { abs(Double($0)) }.max()!
        for c in [0, 1234, w - 1] {
            let f = seg.spline.value(atParameterX: e * Double(c) / Double(w - 1), y: e * 2499 / Double(w - 1))
            XCTAssertEqual(Double(seg.values[c]), f, accuracy: 1e-5 * scale)
        }
        // The input is the padded square resized: rows far from the slice are pad (0).
        let x = try s.preprocess(pixels: pixels, width: w, height: 1)
        XCTAssert(x[0..<16].allSatisfy { $0 == 0 })
    }

    /// A constant image: std = 0 -> std_floor, input all zeros; a 1 x 1 image works.
    func testDegenerateImages() throws {
        let s = try Segmenter(model: Self.model)
        XCTAssertEqual(try s.preprocess(pixels: [Float](repeating: 7, count: 12), width: 4, height: 3), [Float](repeating: 0, count: 256))
        let one = try s.segment(pixels: [5], width: 1, height: 1)
        XCTAssertEqual(one.values.count, 1)
        XCTAssertEqual(one.contours().grid.count, 1)
    }
}
