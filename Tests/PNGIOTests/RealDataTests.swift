import Foundation
import PNGIO
import XCTest

/// Real hvsmr2-mini slices decode to the sizes and checksums Pillow gives
/// (computed by tools/make_png_fixtures.py into expected.json).
final class RealDataTests: XCTestCase {
    func real() throws -> [String: [String: Any]] {
        guard let r = try expectedJSON()["real"] as? [String: [String: Any]], !r.isEmpty else {
            throw NSError(domain: "PNGIOTests", code: 2, userInfo: [NSLocalizedDescriptionKey: "expected.json lacks 'real'"])
        }
        return r
    }

    func testGraySlicesMatchIndependentChecksums() throws {
        guard requireSharedData() else { return }
        let entries = try real().filter { $0.key.hasPrefix("images/") }
        XCTAssertEqual(entries.count, 3)
        for (rel, exp) in entries {
            let image = try readPNG(path: hvsmrDir + "/" + rel)
            XCTAssertEqual(image.width, exp["width"] as? Int, rel)
            XCTAssertEqual(image.height, exp["height"] as? Int, rel)
            XCTAssertEqual(image.bitDepth, 8, rel)
            XCTAssertEqual(image.colorType, .gray, rel)
            var sum = 0
            var weighted = 0
            for (i, v) in image.pixels.enumerated() {
                sum += Int(v)
                weighted += Int(v) * (i % 251 + 1)
            }
            XCTAssertEqual(sum, exp["sum"] as? Int, rel)
            XCTAssertEqual(weighted, exp["weightedSum"] as? Int, rel)
            XCTAssertEqual(Int(image.pixels[0]), exp["first"] as? Int, rel)
            XCTAssertEqual(Int(image.pixels[256 * 512 + 256]), exp["center"] as? Int, rel)
        }
    }

    func testMulticlassMaskColoursMatch() throws {
        guard requireSharedData() else { return }
        let rel = "masks_multiclass/10000_121.png"
        guard let exp = try real()[rel], let colours = exp["colours"] as? [String: Int] else {
            return XCTFail("expected.json lacks \(rel)")
        }
        let mask = try readPNGRGB(path: hvsmrDir + "/" + rel)
        XCTAssertEqual(mask.width, 512)
        XCTAssertEqual(mask.height, 512)
        XCTAssertEqual(mask.colorType, .rgb)
        XCTAssertNil(mask.alpha)
        var counts: [String: Int] = [:]
        var weightedRed = 0
        for i in 0..<(mask.width * mask.height) {
            counts["\(mask.rgb[3 * i]),\(mask.rgb[3 * i + 1]),\(mask.rgb[3 * i + 2])", default: 0] += 1
            weightedRed += Int(mask.rgb[3 * i]) * (i % 251 + 1)
        }
        XCTAssertEqual(counts, colours)
        XCTAssertEqual(weightedRed, exp["weightedRed"] as? Int)
    }
}
