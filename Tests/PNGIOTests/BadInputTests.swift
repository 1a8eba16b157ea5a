import FileSupport
import Foundation
import PNGIO
import XCTest

/// Malformed input gives the right typed error, naming the file; never a crash.
final class BadInputTests: XCTestCase {
    func gray8() throws -> [UInt8] { try fixtureBytes("gray8.png") }

    func testEmptyInputIsNotPNG() {
        let e = decodeError([], name: "empty.png")
        guard case .notPNG = e?.kind else { return XCTFail("got \(String(describing: e))") }
        XCTAssertTrue(e?.description.contains("empty.png") ?? false)
    }

    func testWrongSignatureIsNotPNG() {
        let jpegStart: [UInt8] = [0xff, 0xd8, 0xff, 0xe0] + [UInt8](repeating: 0, count: 60)
        let e = decodeError(jpegStart, name: "photo.jpg")
        guard case .notPNG = e?.kind else { return XCTFail("got \(String(describing: e))") }
        XCTAssertTrue(e?.description.contains("photo.jpg") ?? false)
    }

    func testTruncatedAfterHeader() throws {
        // Signature + complete IHDR (33 bytes), nothing after.
        let e = decodeError(Array(try gray8().prefix(33)))
        guard case .truncated = e?.kind else { return XCTFail("got \(String(describing: e))") }
    }

    func testTruncatedInsideIHDR() throws {
        let e = decodeError(Array(try gray8().prefix(20)))
        guard case .truncated = e?.kind else { return XCTFail("got \(String(describing: e))") }
    }

    func testTruncatedMidIDAT() throws {
        let png = try gray8()
        guard let idat = chunks(png).first(where: { $0.type == "IDAT" }) else { return XCTFail("no IDAT") }
        let cut = idat.offset + 8 + idat.length / 2
        let e = decodeError(Array(png.prefix(cut)), name: "cut.png")
        guard case .truncated = e?.kind else { return XCTFail("got \(String(describing: e))") }
        XCTAssertTrue(e?.description.contains("cut.png") ?? false)
    }

    func testCRCCorruptionIsCorrupt() throws {
        var png = try gray8()
        guard let idat = chunks(png).first(where: { $0.type == "IDAT" }) else { return XCTFail("no IDAT") }
        png[idat.offset + 8 + idat.length] ^= 0x01  // the stored CRC no longer matches the data
        let e = decodeError(png)
        guard case .corrupt(let detail) = e?.kind else { return XCTFail("got \(String(describing: e))") }
        XCTAssertTrue(detail.contains("CRC"), detail)
    }

    func testIHDRCRCCorruptionIsCorrupt() throws {
        var png = try gray8()
        png[29] ^= 0x80  // first byte of the IHDR CRC (8 + 4 + 4 + 13)
        let e = decodeError(png)
        guard case .corrupt(let detail) = e?.kind else { return XCTFail("got \(String(describing: e))") }
        XCTAssertTrue(detail.contains("CRC"), detail)
    }

    func testZlibCorruptionWithValidCRCIsCorrupt() throws {
        var png = try gray8()
        guard let idat = chunks(png).first(where: { $0.type == "IDAT" }) else { return XCTFail("no IDAT") }
        let data = idat.offset + 8
        png[data] = 0x00  // zlib header CMF byte: invalid compression method
        let crc = crc32(png[(idat.offset + 4)..<(data + idat.length)])
        png[data + idat.length] = UInt8(crc >> 24)
        png[data + idat.length + 1] = UInt8((crc >> 16) & 0xff)
        png[data + idat.length + 2] = UInt8((crc >> 8) & 0xff)
        png[data + idat.length + 3] = UInt8(crc & 0xff)
        let e = decodeError(png)
        guard case .corrupt = e?.kind else { return XCTFail("got \(String(describing: e))") }
    }

    func testZeroWidthIsZeroSize() throws {
        let e = decodeError(try fixtureBytes("bad_zero_width.png"))
        XCTAssertEqual(e?.kind, .zeroSize(width: 0, height: 5))
    }

    func testHugeDimensionsRefusedBeforeAllocating() throws {
        // 100000 x 100000 in a 79-byte file: refused from IHDR alone.
        let e = decodeError(try fixtureBytes("bad_huge.png"), name: "bomb.png")
        guard case .tooLarge(let w, let h, _) = e?.kind else { return XCTFail("got \(String(describing: e))") }
        XCTAssertEqual(w, 100000)
        XCTAssertEqual(h, 100000)
        XCTAssertTrue(e?.description.contains("bomb.png") ?? false)
        XCTAssertTrue(e?.description.contains("PNGLimits") ?? false)
    }

    func testCustomLimitsApply() throws {
        let png = try gray8()  // 7 x 5
        XCTAssertNoThrow(try decodePNG(png, name: "x", limits: PNGLimits(maxWidth: 7, maxHeight: 5, maxPixels: 35)))
        for limits in [PNGLimits(maxWidth: 6), PNGLimits(maxHeight: 4), PNGLimits(maxPixels: 34)] {
            let e = decodeError(png, limits: limits)
            guard case .tooLarge = e?.kind else { return XCTFail("\(limits): got \(String(describing: e))") }
        }
    }

    func testUnknownCriticalChunkIsUnsupported() throws {
        let e = decodeError(try fixtureBytes("bad_unknown_critical.png"))
        guard case .unsupported = e?.kind else { return XCTFail("got \(String(describing: e))") }
    }

    func testMissingFileIsFileError() {
        let path = fixturesDir + "/does-not-exist.png"
        do {
            _ = try readPNG(path: path)
            XCTFail("expected an error")
        } catch {
            XCTAssertEqual(error.kind, .file(FileError(path: path, kind: .notFound)))
            XCTAssertTrue(error.description.contains(path))
        }
    }

    func testDirectoryPathIsFileError() {
        do {
            _ = try readPNG(path: fixturesDir)
            XCTFail("expected an error")
        } catch {
            XCTAssertEqual(error.kind, .file(FileError(path: fixturesDir, kind: .isDirectory)))
        }
    }

    /// Deterministic mutations of valid files (byte flips, truncations, random
    /// IHDR sizes): each must decode or throw PNGError, never crash or hang.
    func testMutatedInputsNeverCrash() throws {
        var rng = SplitMix64(seed: 12345)
        let seeds = try ["gray8.png", "rgb16_interlaced.png", "palette4.png", "gray1_interlaced.png"].map(fixtureBytes)
        var failures = 0
        for i in 0..<3000 {
            var png = seeds[i % seeds.count]
            switch rng.next() % 3 {
            case 0:
                for _ in 0..<(1 + rng.next() % 4) {
                    png[Int(rng.next() % UInt64(png.count))] = UInt8(truncatingIfNeeded: rng.next())
                }
            case 1:
                png = Array(png.prefix(Int(rng.next() % UInt64(png.count))))
            default:
                for k in 16..<24 { png[k] = UInt8(truncatingIfNeeded: rng.next()) }
            }
            do { _ = try decodePNG(png, name: "m") } catch { failures += 1 }
        }
        XCTAssertGreaterThan(failures, 0)  // the mutations did reach the error paths
    }
}

struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
