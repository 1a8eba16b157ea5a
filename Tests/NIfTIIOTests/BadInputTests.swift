import NIfTIIO
import XCTest

/// One test per kind of bad input: each must throw the right typed error, never crash.
/// Inputs are built by patching a valid 5x4x3 uint8 little-endian fixture (412 bytes:
/// 352 header bytes + 60 voxels).
final class BadInputTests: XCTestCase {
    var dir = ""
    override func setUpWithError() throws { dir = try makeTempDir() }
    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    private func valid() throws -> [UInt8] {
        let b = try fixtureBytes("syn_2_little.nii")
        XCTAssertEqual(b.count, 412)
        return b
    }

    private func decodeError(_ bytes: [UInt8], name: String = "bad.nii", limits: NIfTILimits = .init(),
                             file: StaticString = #filePath, line: UInt = #line) -> NIfTIError.Kind? {
        expectError({ () throws(NIfTIError) in _ = try NIfTIVolume.decode(bytes, name: name, limits: limits) },
                    file: file, line: line)?.kind
    }

    private func isNotNIfTI(_ k: NIfTIError.Kind?) -> Bool { if case .notNIfTI = k { return true } else { return false } }
    private func isTruncated(_ k: NIfTIError.Kind?) -> Bool { if case .truncated = k { return true } else { return false } }
    private func isBadDims(_ k: NIfTIError.Kind?) -> Bool { if case .badDimensions = k { return true } else { return false } }
    private func isBadHeader(_ k: NIfTIError.Kind?) -> Bool { if case .badHeader = k { return true } else { return false } }
    private func isTooLarge(_ k: NIfTIError.Kind?) -> Bool { if case .tooLarge = k { return true } else { return false } }
    private func isCorruptGzip(_ k: NIfTIError.Kind?) -> Bool { if case .corruptGzip = k { return true } else { return false } }

    func testValidBaseDecodes() throws {
        // The base every other case patches is itself valid.
        XCTAssertEqual(try NIfTIVolume.decode(try valid(), name: "ok.nii").voxels.count, 60)
    }

    func testEmptyFile() throws {
        let path = dir + "/empty.nii"
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data()))
        let e = expectError { () throws(NIfTIError) in _ = try NIfTIVolume.read(path: path) }
        XCTAssertEqual(e?.kind, .notNIfTI(reason: "the file is empty"))
        XCTAssertEqual(e?.name, path)
    }

    func testWrongSizeofHdr() throws {
        var b = try valid()
        b[0] = 0x50
        XCTAssertTrue(isNotNIfTI(decodeError(b)))
        b.replaceSubrange(0..<4, with: [0x1C, 0x02, 0, 0])  // 540: NIfTI-2
        guard case .notNIfTI(let reason)? = decodeError(b) else { return XCTFail("expected notNIfTI") }
        XCTAssertTrue(reason.contains("NIfTI-2"))
    }

    func testWrongMagic() throws {
        var b = try valid()
        b[345] = UInt8(ascii: "x")
        XCTAssertTrue(isNotNIfTI(decodeError(b)))
    }

    func testPairMagicIsRefused() throws {
        var b = try valid()
        b.replaceSubrange(344..<348, with: Array("ni1\0".utf8))
        XCTAssertEqual(decodeError(b), .pairFormatUnsupported)
        XCTAssertEqual(decodeError(try gzipCompress(b), name: "pair.nii.gz"), .pairFormatUnsupported)
    }

    func testTruncatedHeader() throws {
        let b = Array(try valid()[0..<200])
        XCTAssertEqual(decodeError(b), .truncated(what: "the NIfTI-1 header", needed: 348, available: 200))
        XCTAssertTrue(isTruncated(decodeError(try gzipCompress(b), name: "t.nii.gz")))
    }

    func testTruncatedData() throws {
        let b = Array(try valid()[0..<400])
        guard case .truncated(_, let needed, let available)? = decodeError(b) else { return XCTFail("expected truncated") }
        XCTAssertEqual(needed, 412)
        XCTAssertEqual(available, 400)
        // Same content gzipped: the stream ends cleanly but short.
        XCTAssertTrue(isTruncated(decodeError(try gzipCompress(b), name: "t.nii.gz")))
    }

    func testTruncatedGzipStream() throws {
        let gz = try gzipCompress(try valid())
        // Cut inside the deflate data, and cut just the 8-byte CRC/size trailer.
        XCTAssertTrue(isTruncated(decodeError(Array(gz[0..<(gz.count / 2)]), name: "cut.nii.gz")))
        XCTAssertTrue(isTruncated(decodeError(Array(gz[0..<(gz.count - 8)]), name: "cut.nii.gz")))
    }

    func testCorruptGzip() throws {
        // A real-sized stream (random voxels so the deflate data is long) with bytes flipped in its middle.
        var b = try valid()
        var rng = SplitMix64(seed: 1)
        b.putI16LE(40, at: 42); b.putI16LE(40, at: 44); b.putI16LE(40, at: 46)
        b = Array(b[0..<352]) + (0..<64000).map { _ in UInt8.random(in: 0...15, using: &rng) }
        XCTAssertEqual(try NIfTIVolume.decode(try gzipCompress(b), name: "ok.nii.gz").voxels.count, 64000)
        var gz = try gzipCompress(b)
        for k in stride(from: gz.count / 2, to: gz.count / 2 + 16, by: 1) { gz[k] ^= 0xA5 }
        let k = decodeError(gz, name: "corrupt.nii.gz")
        XCTAssertTrue(isCorruptGzip(k), "\(String(describing: k))")
        // Flipping a byte of the CRC trailer alone: data inflates fine but the check fails.
        var crc = try gzipCompress(b)
        crc[crc.count - 6] ^= 0xFF
        XCTAssertTrue(isCorruptGzip(decodeError(crc, name: "crc.nii.gz")))
    }

    func testTrailingGarbageAfterGzipIsRefused() throws {
        let gz = try gzipCompress(try valid()) + [1, 2, 3, 4]
        XCTAssertTrue(isCorruptGzip(decodeError(gz, name: "trail.nii.gz")))
    }

    func testGzipBombIsRefused() throws {
        // Header says 10x10x10 uint8 (1000 data bytes); the stream holds 100 MB of zeros after it.
        var b = try valid()
        b.putI16LE(10, at: 42); b.putI16LE(10, at: 44); b.putI16LE(10, at: 46)
        let header = Array(b[0..<352])
        let bomb = try gzipCompress(header + [UInt8](repeating: 0, count: 100_000_000), level: 9)
        XCTAssertLessThan(bomb.count, 200_000)
        guard case .tooLarge(_, let limit)? = decodeError(bomb, name: "bomb.nii.gz") else { return XCTFail("expected tooLarge") }
        XCTAssertEqual(limit, 1352)
        // The same extra data as a second gzip member is refused too.
        let twoMembers = try gzipCompress(header + [UInt8](repeating: 0, count: 1000)) + (try gzipCompress([UInt8](repeating: 0, count: 1 << 20)))
        XCTAssertTrue(isTooLarge(decodeError(twoMembers, name: "bomb2.nii.gz")))
    }

    func testAbsoluteDecompressedLimit() throws {
        let gz = try gzipCompress(try valid())
        XCTAssertEqual(decodeError(gz, name: "l.nii.gz", limits: NIfTILimits(maxBytes: 400)),
                       .tooLarge(what: "the image size (header + data bytes)", limit: 400))
        XCTAssertTrue(isTooLarge(decodeError(try valid(), limits: NIfTILimits(maxVoxels: 59))))
    }

    func testHugeClaimInTinyGzipFailsBeforeAllocating() throws {
        // 1000^3 uint8 = 1e9 bytes claimed (within the default limits) by a ~100-byte stream:
        // impossible for deflate (max 1032:1), so refused as truncated without a 1 GB allocation.
        var b = try valid()
        b.putI16LE(1000, at: 42); b.putI16LE(1000, at: 44); b.putI16LE(1000, at: 46)
        XCTAssertTrue(isTruncated(decodeError(try gzipCompress(b), name: "huge.nii.gz")))
    }

    func testUnsupportedDatatype() throws {
        for code: Int16 in [32, 128, 1024, 0, -1] {
            var b = try valid()
            b.putI16LE(code, at: 70)
            XCTAssertEqual(decodeError(b), .unsupportedDatatype(code: Int(code)))
        }
        var b = try valid()
        b.putI16LE(2304, at: 70)
        let e = expectError { () throws(NIfTIError) in _ = try NIfTIVolume.decode(b, name: "rgba.nii") }
        XCTAssertTrue(e?.description.contains("2304 (RGBA32)") ?? false, e?.description ?? "")
    }

    func testDim0OutOfRange() throws {
        for d0: Int16 in [0, 8, -1] {
            var b = try valid()
            b.putI16LE(d0, at: 40)
            XCTAssertTrue(isBadDims(decodeError(b)), "dim[0] = \(d0)")
        }
    }

    func testZeroOrNegativeDim() throws {
        for d: Int16 in [0, -5] {
            var b = try valid()
            b.putI16LE(d, at: 44)  // dim[2]
            XCTAssertTrue(isBadDims(decodeError(b)), "dim[2] = \(d)")
        }
    }

    func testFourDimensionalSeriesIsRefused() throws {
        var b = try valid()
        b.putI16LE(4, at: 40); b.putI16LE(2, at: 48)
        guard case .badDimensions(let reason)? = decodeError(b) else { return XCTFail("expected badDimensions") }
        XCTAssertTrue(reason.contains("dim[4]"))
        // dim[4] = 1 is a single volume and fine; the shape keeps dim[0] entries.
        b.putI16LE(1, at: 48)
        XCTAssertEqual(try NIfTIVolume.decode(b, name: "4d1.nii").shape, [5, 4, 3, 1])
    }

    func testDimensionProductOverflowsInt() throws {
        var b = try valid()
        b.putI16LE(7, at: 40)
        for k in 1...7 { b.putI16LE(Int16.max, at: 40 + 2 * k) }  // 32767^7 > 2^63
        XCTAssertEqual(decodeError(b), .tooLarge(what: "the voxel count", limit: 1 << 30))
    }

    func testTooManyVoxels() throws {
        var b = try valid()
        for k in 1...3 { b.putI16LE(Int16.max, at: 40 + 2 * k) }  // 3.5e13 voxels
        XCTAssertTrue(isTooLarge(decodeError(b)))
    }

    func testBadVoxOffset() throws {
        for vo: Float in [0, 348, 352.5, .nan, .infinity, -400] {
            var b = try valid()
            b.putF32LE(vo, at: 108)
            XCTAssertTrue(isBadHeader(decodeError(b)), "vox_offset \(vo)")
        }
        // Offsets at and beyond Int's range, with limits that do not stop them first.
        let unlimited = NIfTILimits(maxVoxels: .max, maxBytes: .max)
        for vo: Float in [9.3e18, 1e30, Float(Int.max)] {
            var b = try valid()
            b.putF32LE(vo, at: 108)
            XCTAssertTrue(isBadHeader(decodeError(b, limits: unlimited)), "vox_offset \(vo)")
        }
        var far = try valid()
        far.putF32LE(1e12, at: 108)
        XCTAssertTrue(isTruncated(decodeError(far, limits: unlimited)))
        XCTAssertTrue(isTooLarge(decodeError(far)))
        // A whole offset past the end of the file: truncated.
        var b = try valid()
        b.putF32LE(1000, at: 108)
        XCTAssertTrue(isTruncated(decodeError(b)))
    }

    func testMissingFile() throws {
        let path = dir + "/nope.nii.gz"
        let e = expectError { () throws(NIfTIError) in _ = try NIfTIVolume.read(path: path) }
        guard case .file(let fe)? = e?.kind else { return XCTFail("expected a file error") }
        XCTAssertEqual(fe.kind, .notFound)
    }

    func testEveryTruncationOfAValidFileThrowsCleanly() throws {
        // Every prefix of a plain and of a gzipped file: a typed error, never a crash.
        let plain = try valid()
        for n in 0..<plain.count { XCTAssertNotNil(decodeError(Array(plain[0..<n]))) }
        let gz = try gzipCompress(plain)
        for n in 0..<gz.count { XCTAssertNotNil(decodeError(Array(gz[0..<n]), name: "p.nii.gz")) }
    }

    func testRandomByteFlipsNeverCrash() throws {
        // A tiny in-process fuzz: single-byte corruptions of the header must decode or throw.
        let base = try fixtureBytes("syn_16_little.nii")
        var rng = SplitMix64(seed: 2)
        for _ in 0..<3000 {
            var b = base
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                b[Int.random(in: 0..<352, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
            do { _ = try NIfTIVolume.decode(b, name: "fuzz.nii", limits: NIfTILimits(maxVoxels: 1 << 16, maxBytes: 1 << 20)) } catch {}
        }
    }
}
