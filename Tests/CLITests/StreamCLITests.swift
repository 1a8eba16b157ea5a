import Foundation
import XCTest

/// `splineseg stream` through the real binary with the real segmenter (tiny untrained model).
final class StreamCLITests: XCTestCase {
    func testScriptedFeedNDJSONWithRealSegmenter() throws {
        let dir = try makeTempDir(self)
        let model = try copyTinyModel(to: dir)
        var feed = [UInt8]()
        for i in 0..<6 { feed += rawFrame(width: 20 + i, height: 12, id: UInt64(100 + i)) }
        feed += pngFrame(grayPNG(width: 9, height: 7, pixels: (0..<63).map { UInt8($0 * 4) }))
        let r = try runCLI(["stream", "--model", model, "--output-format", "ndjson", "--block"], stdin: Data(feed))
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdoutText.split(separator: "\n")
        XCTAssertEqual(lines.count, 7)
        for (i, line) in lines.enumerated() {
            let obj = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            XCTAssertEqual(obj["frame"] as? Int, i < 6 ? 100 + i : 6)
            XCTAssertEqual(obj["width"] as? Int, i < 6 ? 20 + i : 9)
            XCTAssertNotNil(obj["latency_ms"] as? Double)
            XCTAssertNotNil(obj["contours"] as? [Any])
            XCTAssertNotNil(obj["area_px"] as? Int)
        }
        XCTAssertEqual(r.stderrLines.count, 1)
        XCTAssertTrue(r.stderr.contains("7 frames segmented, 0 dropped"), r.stderr)
        XCTAssertTrue(r.stderr.contains("p99"), r.stderr)
    }

    func testBinaryRecordsMatchFrameSizes() throws {
        let dir = try makeTempDir(self)
        let model = try copyTinyModel(to: dir)
        let feed = rawFrame(width: 5, height: 4, id: 1) + rawFrame(width: 3, height: 3, type: 2, id: 2)
        let r = try runCLI(["stream", "--model", model, "--block"], stdin: Data(feed))
        XCTAssertEqual(r.status, 0, r.stderr)
        let b = [UInt8](r.stdout)
        XCTAssertEqual(Array(b[0..<4]), Array("SSR1".utf8))
        XCTAssertEqual(b[16], 5)  // width of the first record
        let mask = b[24..<44]
        XCTAssertTrue(mask.allSatisfy { $0 <= 1 })
    }

    func testMalformedFrameExitsSevenAfterGoodFrames() throws {
        let dir = try makeTempDir(self)
        let model = try copyTinyModel(to: dir)
        let feed = rawFrame(width: 4, height: 4, id: 1) + rawFrame(width: 4, height: 4, type: 7, id: 2)
        let r = try runCLI(["stream", "--model", model, "--output-format", "ndjson", "--block"], stdin: Data(feed))
        assertFails(r, code: 7, mentioning: "stdin: frame 1 at byte 40: unknown pixel type 7")
        XCTAssertEqual(r.stdoutText.split(separator: "\n").count, 1, "the good frame before it is delivered")
    }

    func testValidateOnlyAndSkipBadWithoutModel() throws {
        let good = rawFrame(width: 2, height: 2, id: 1)
        let feed = good + Array("garbage!".utf8) + good + Array(good.prefix(10))
        let strict = try runCLI(["stream", "--validate-only"], stdin: Data(feed))
        assertFails(strict, code: 7, mentioning: "bad magic 'garb'")
        let lenient = try runCLI(["stream", "--validate-only", "--skip-bad"], stdin: Data(feed))
        XCTAssertEqual(lenient.status, 0, lenient.stderr)
        XCTAssertEqual(lenient.stdoutText, "{\"frame\":1,\"width\":2,\"height\":2}\n{\"frame\":1,\"width\":2,\"height\":2}\n")
        XCTAssertTrue(lenient.stderr.contains("2 frames valid, 2 bad skipped"), lenient.stderr)
    }

    /// A header announcing a 200 MiB frame, then the end of input: exit 7 naming the truncation
    /// (StreamProtocolTests checks that the reader does not allocate the 200 MiB meanwhile).
    func testHugeAnnouncedFrameThenEndOfInput() throws {
        let strict = try runCLI(["stream", "--validate-only"], stdin: Data(StreamProtocolTests.hugeRawHeader))
        assertFails(strict, code: 7, mentioning: "stdin: frame 0 at byte 0: truncated frame: payload has 0 of 209715200 bytes at the end of the input")
        let feed = rawFrame(width: 2, height: 2, id: 1) + StreamProtocolTests.hugePNGHeader + Array("short".utf8)
        let lenient = try runCLI(["stream", "--validate-only", "--skip-bad"], stdin: Data(feed))
        XCTAssertEqual(lenient.status, 0, lenient.stderr)
        XCTAssertEqual(lenient.stdoutText, "{\"frame\":1,\"width\":2,\"height\":2}\n")
        XCTAssertTrue(lenient.stderr.contains("1 frames valid, 1 bad skipped"), lenient.stderr)
    }

    /// --skip-bad over 300 kB of frame-like garbage finds the good frames after it.
    func testSkipBadResynchronisesAfterLongGarbage() throws {
        let feed = StreamProtocolTests.garbage(bytes: 300_000, seed: 7) + rawFrame(width: 2, height: 2, id: 9)
            + StreamProtocolTests.garbage(bytes: 300, seed: 8) + rawFrame(width: 1, height: 3, id: 10)
        let lenient = try runCLI(["stream", "--validate-only", "--skip-bad"], stdin: Data(feed))
        XCTAssertEqual(lenient.status, 0, lenient.stderr)
        XCTAssertEqual(lenient.stdoutText, "{\"frame\":9,\"width\":2,\"height\":2}\n{\"frame\":10,\"width\":1,\"height\":3}\n")
        XCTAssertTrue(lenient.stderr.contains("2 frames valid, 2 bad skipped"), lenient.stderr)
        // (No strict run here: it exits at the first byte, and writing the rest of a large feed
        // into the closed pipe would kill the test runner with SIGPIPE.)
    }

    func testInputFIFOPathAndErrors() throws {
        let dir = try makeTempDir(self)
        let file = dir + "/frames.bin"
        try Data(rawFrame(width: 2, height: 2, id: 3)).write(to: URL(fileURLWithPath: file))
        let r = try runCLI(["stream", "--validate-only", "--input", file])
        XCTAssertEqual(r.stdoutText, "{\"frame\":3,\"width\":2,\"height\":2}\n")
        assertFails(try runCLI(["stream", "--validate-only", "--input", dir + "/none"]), code: 3, mentioning: "none: cannot open")
        assertFails(try runCLI(["stream", "--model", "no-such-builtin"], stdin: Data()), code: 6, mentioning: "no such model spec or built-in model")
        assertFails(try runCLI(["stream", "--model", dir + "/unknown.json"], stdin: Data()), code: 6, mentioning: "no such model spec")
    }
}
