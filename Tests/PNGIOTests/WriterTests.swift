import FileSupport
import Foundation
import PNGIO
import XCTest

/// Writers round-trip through the decoder, write atomically and refuse bad sizes.
final class WriterTests: XCTestCase {
    var dir = ""
    override func setUpWithError() throws { dir = try makeTempDir() }
    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    func testMaskRoundTrip() throws {
        let (w, h) = (9, 4)
        let mask: [UInt8] = (0..<(w * h)).map { ($0 * 7) % 3 == 0 ? 255 : 0 }
        let path = dir + "/mask.png"
        try writeMaskPNG(path: path, width: w, height: h, mask: mask)
        let image = try readPNG(path: path)
        XCTAssertEqual(image.width, w)
        XCTAssertEqual(image.height, h)
        XCTAssertEqual(image.bitDepth, 8)
        XCTAssertEqual(image.colorType, .gray)
        XCTAssertEqual(image.pixels, mask.map(Float.init))
        XCTAssertEqual(try readFile(path), try encodeMaskPNG(width: w, height: h, mask: mask))
    }

    func testGray16RoundTrip() throws {
        let (w, h) = (5, 3)
        let pixels: [UInt16] = [0, 1, 255, 256, 65535, 4096, 12345, 54321, 2, 3, 40000, 100, 7, 65534, 32768]
        let path = dir + "/g16.png"
        try writeGray16PNG(path: path, width: w, height: h, pixels: pixels)
        let image = try readPNG(path: path)
        XCTAssertEqual(image.bitDepth, 16)
        XCTAssertEqual(image.maxValue, 65535)
        XCTAssertEqual(image.pixels, pixels.map(Float.init))
        XCTAssertEqual(try decodePNG(try encodeGray16PNG(width: w, height: h, pixels: pixels), name: "m"), image)
    }

    func testRGBRoundTrip() throws {
        let (w, h) = (4, 6)
        let rgb: [UInt8] = (0..<(w * h * 3)).map { UInt8(($0 * 37 + 11) % 256) }
        let path = dir + "/rgb.png"
        try writeRGBPNG(path: path, width: w, height: h, rgb: rgb)
        let image = try readPNGRGB(path: path)
        XCTAssertEqual(image.width, w)
        XCTAssertEqual(image.height, h)
        XCTAssertEqual(image.colorType, .rgb)
        XCTAssertEqual(image.rgb, rgb.map(UInt16.init))
        XCTAssertNil(image.alpha)
        XCTAssertEqual(try decodePNGRGB(try encodeRGBPNG(width: w, height: h, rgb: rgb), name: "m"), image)
    }

    func testWritingIntoMissingDirectoryLeavesNoFile() {
        let path = dir + "/missing/out.png"
        do {
            try writeMaskPNG(path: path, width: 2, height: 2, mask: [0, 255, 255, 0])
            XCTFail("expected an error")
        } catch {
            XCTAssertEqual(error.kind, .file(FileError(path: path, kind: .notFound)))
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), [])
    }

    func testSizeMismatchThrowsAndWritesNothing() throws {
        let path = dir + "/x.png"
        try writeMaskPNG(path: path, width: 1, height: 1, mask: [7])  // an old file that must survive
        let old = try readFile(path)
        expectInvalidArgument { try writeMaskPNG(path: path, width: 3, height: 2, mask: [UInt8](repeating: 0, count: 5)) }
        expectInvalidArgument { try writeGray16PNG(path: path, width: 3, height: 2, pixels: [UInt16](repeating: 0, count: 7)) }
        expectInvalidArgument { try writeRGBPNG(path: path, width: 3, height: 2, rgb: [UInt8](repeating: 0, count: 6)) }
        expectInvalidArgument { _ = try encodeRGBPNG(width: Int.max, height: 2, rgb: [1, 2, 3]) }
        XCTAssertEqual(try readFile(path), old)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["x.png"])
    }

    func expectInvalidArgument(_ body: () throws -> Void, line: UInt = #line) {
        do {
            try body()
            XCTFail("should have thrown", line: line)
        } catch let error as PNGError {
            guard case .invalidArgument = error.kind else { return XCTFail("\(error)", line: line) }
        } catch {
            XCTFail("not a PNGError: \(error)", line: line)
        }
    }

    func testZeroOrNegativeSizeThrows() {
        for (w, h) in [(0, 3), (3, 0), (-1, -1)] {
            do {
                _ = try encodeMaskPNG(width: w, height: h, mask: [])
                XCTFail("\(w)x\(h) should have thrown")
            } catch {
                XCTAssertEqual(error.kind, .zeroSize(width: w, height: h))
            }
        }
    }
}
