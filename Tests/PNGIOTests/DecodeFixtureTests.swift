import Foundation
import PNGIO
import XCTest

/// Each synthetic fixture (tools/make_png_fixtures.py) decodes to the values
/// the script computed independently, through both decodePNG and decodePNGRGB.
final class DecodeFixtureTests: XCTestCase {
    func check(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let all = try expectedJSON()
        guard let synthetic = all["synthetic"] as? [String: Any], let exp = synthetic[name] as? [String: Any],
            let width = exp["width"] as? Int, let height = exp["height"] as? Int,
            let depth = exp["bitDepth"] as? Int, let type = exp["colorType"] as? Int,
            let maxValue = exp["maxValue"] as? Int, let gray = exp["gray"] as? [Double],
            let rgb = exp["rgb"] as? [Int]
        else { return XCTFail("expected.json has no complete entry for \(name)", file: file, line: line) }
        let alpha = exp["alpha"] as? [Int]

        let bytes = try fixtureBytes(name + ".png")
        let image = try decodePNG(bytes, name: name)
        XCTAssertEqual(image.width, width, file: file, line: line)
        XCTAssertEqual(image.height, height, file: file, line: line)
        XCTAssertEqual(image.bitDepth, depth, file: file, line: line)
        XCTAssertEqual(image.colorType.rawValue, type, file: file, line: line)
        XCTAssertEqual(image.maxValue, Float(maxValue), file: file, line: line)
        XCTAssertEqual(image.pixels.count, gray.count, file: file, line: line)
        // Float holds the 8/16-bit scale to ~1e-7 relative; luma is rounded once to Float.
        let tolerance = 1e-6 * Double(maxValue) + 1e-4
        var worst = 0.0
        for (got, want) in zip(image.pixels, gray) { worst = max(worst, abs(Double(got) - want)) }
        XCTAssertLessThanOrEqual(worst, tolerance, "largest gray difference", file: file, line: line)

        let colour = try decodePNGRGB(bytes, name: name)
        XCTAssertEqual([colour.width, colour.height], [width, height], file: file, line: line)
        XCTAssertEqual(colour.bitDepth, depth, file: file, line: line)
        XCTAssertEqual(Int(colour.maxValue), maxValue, file: file, line: line)
        XCTAssertEqual(colour.rgb.map { Int($0) }, rgb, file: file, line: line)
        XCTAssertEqual(colour.alpha?.map { Int($0) }, alpha, file: file, line: line)
    }

    func testGray1() throws { try check("gray1") }
    func testGray2() throws { try check("gray2") }
    func testGray4() throws { try check("gray4") }
    func testGray8() throws { try check("gray8") }
    func testGray16() throws { try check("gray16") }
    func testGrayAlpha8() throws { try check("grayalpha8") }
    func testGrayAlpha16() throws { try check("grayalpha16") }
    func testRGB8() throws { try check("rgb8") }
    func testRGB16() throws { try check("rgb16") }
    func testRGBA8() throws { try check("rgba8") }
    func testRGBA16() throws { try check("rgba16") }
    func testPalette1() throws { try check("palette1") }
    func testPalette2() throws { try check("palette2") }
    func testPalette4() throws { try check("palette4") }
    func testPalette8() throws { try check("palette8") }
    func testInterlacedGray8() throws { try check("gray8_interlaced") }
    func testInterlacedGray1() throws { try check("gray1_interlaced") }
    func testInterlacedRGB16() throws { try check("rgb16_interlaced") }
    func testInterlacedPalette4() throws { try check("palette4_interlaced") }

    func testReadPNGFromPathMatchesDecode() throws {
        let image = try readPNG(path: fixturesDir + "/gray8.png")
        XCTAssertEqual(image, try decodePNG(try fixtureBytes("gray8.png"), name: "x"))
    }
}
