import XCTest
@testable import SplineSeg
import SplineModel

/// `Preprocessor.write` (normalised native rows cached, column pass along output rows) against
/// its plain reference `referenceWrite`, bitwise, over both intensity maps, both geometries,
/// up- and downsampling, slices taller and wider than square, one-pixel sides, and both pixel
/// strides, with one workspace reused across sizes (stale rows would show: the (14, 16) and
/// (3, 5) slices start one row above the slice, row -1).
final class PreprocessTests: XCTestCase {
    func testWriteMatchesReferenceBitwise() {
        let sizes: [(h: Int, w: Int)] = [(16, 16), (23, 17), (17, 23), (1, 40), (40, 1), (5, 61), (61, 5),
                                         (1, 1), (9, 9), (40, 40), (2, 3), (33, 32), (14, 16), (16, 14), (3, 5)]
        var rng: UInt64 = 0x9E3779B97F4A7C15
        func next() -> Float {
            rng = rng &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int(rng >> 40) % 20001) / 10 - 1000
        }
        var cases = 0
        for input in [16, 32] {
            for intensity in ["zscore-slice", "window"] {
                for geometry in ["pad-square", "stretch"] {
                    let params = ModelSpec.Preprocessing.Parameters(
                        input: input, intensity: intensity, window: intensity == "window" ? [-300, 500] : nil,
                        geometry: geometry)
                    let p = Preprocessor(params: params)
                    var ws = PreprocessWorkspace()
                    for (h, w) in sizes + sizes.reversed() {
                        let pixels = (0..<(h * w)).map { _ in next() }
                        for stride in [1, 8] {
                            let rowStride = input * stride + 8   // a row gap, as the padded arena has
                            var fast = [Float](repeating: .nan, count: input * rowStride)
                            var ref = fast
                            fast.withUnsafeMutableBufferPointer { o in
                                p.write(pixels, width: w, height: h, workspace: &ws, into: o.baseAddress!,
                                        rowStride: rowStride, pixelStride: stride)
                            }
                            var unused = PreprocessWorkspace()
                            ref.withUnsafeMutableBufferPointer { o in
                                p.referenceWrite(pixels, width: w, height: h, workspace: &unused, into: o.baseAddress!,
                                                 rowStride: rowStride, pixelStride: stride)
                            }
                            let same = zip(fast, ref).allSatisfy { $0.bitPattern == $1.bitPattern }
                            XCTAssertTrue(same, "I \(input) \(intensity) \(geometry) \(h)x\(w) stride \(stride)")
                            cases += 1
                        }
                    }
                }
            }
        }
        XCTAssertEqual(cases, 2 * 2 * 2 * 30 * 2)
    }
}
