import XCTest

@testable import splineseg

/// The stream parser as pure functions and through `FrameReader` over memory.
final class StreamProtocolTests: XCTestCase {
    private func readAll(_ bytes: [UInt8], chunk: Int = Int.max, skipBad: Bool = false) throws(CLIError) -> (frames: [(UInt64, Int, Int, [Float])], bad: Int) {
        var reader = FrameReader(source: MemorySource(bytes, chunk: chunk), name: "test", skipBad: skipBad)
        var out: [(UInt64, Int, Int, [Float])] = []
        var px = [Float]()
        while let f = try reader.next(into: &px) { out.append((f.id, f.width, f.height, px)) }
        return (out, reader.badFrames)
    }

    func testRawFramesOfEveryPixelTypeAndShortReads() throws {
        var bytes = rawFrame(width: 3, height: 2, type: 1, id: 7, pixels: [0, 1, 2, 3, 4, 255])
        bytes += rawFrame(width: 2, height: 1, type: 2, id: 8, pixels: [0x34, 0x12, 0xff, 0xff])
        var f32 = [UInt8]()
        for v: Float in [1.5, -2.25] { withUnsafeBytes(of: v.bitPattern.littleEndian) { f32 += $0 } }
        bytes += rawFrame(width: 1, height: 2, type: 3, id: 9, pixels: f32)
        for chunk in [1, 5, Int.max] {
            let (frames, bad) = try readAll(bytes, chunk: chunk)
            XCTAssertEqual(bad, 0)
            XCTAssertEqual(frames.map(\.0), [7, 8, 9])
            XCTAssertEqual(frames[0].3, [0, 1, 2, 3, 4, 255])
            XCTAssertEqual(frames[1].3, [0x1234, 65535])
            XCTAssertEqual(frames[2].3, [1.5, -2.25])
            XCTAssertEqual(frames[2].1, 1)
            XCTAssertEqual(frames[2].2, 2)
        }
    }

    func testPNGFramesAreNumberedByPosition() throws {
        let png = grayPNG(width: 4, height: 3, pixels: Array(0..<12))
        let bytes = rawFrame(width: 1, height: 1, id: 100) + pngFrame(png)
        let (frames, _) = try readAll(bytes)
        XCTAssertEqual(frames.map(\.0), [100, 1])
        XCTAssertEqual(frames[1].3, (0..<12).map(Float.init))
    }

    func testHeaderParserDecisions() {
        func parse(_ b: [UInt8]) -> HeaderParse { b.withUnsafeBytes { parseFrameHeader($0, limits: StreamLimits()) } }
        XCTAssertEqual(parse([]), .needMore(4))
        XCTAssertEqual(parse(Array("SS".utf8)), .needMore(4))
        XCTAssertEqual(parse(Array("SSF1".utf8)), .needMore(24))
        XCTAssertEqual(parse(Array("SSP1".utf8)), .needMore(8))
        guard case .malformed = parse(Array("Q".utf8)) else { return XCTFail("bad first byte must fail at once") }
        let good = rawFrame(width: 2, height: 2, id: 1)
        guard case .header(let h) = parse(Array(good.prefix(24))) else { return XCTFail() }
        XCTAssertEqual(h.payloadBytes, 4)
        func malformed(_ b: [UInt8], _ needle: String) {
            guard case .malformed(let m) = parse(b) else { return XCTFail("accepted: \(needle)") }
            XCTAssertTrue(m.message.contains(needle), m.message)
        }
        malformed(Array(rawFrame(width: 0, height: 2, id: 1).prefix(24)), "empty")
        malformed(Array(rawFrame(width: 100_000, height: 2, id: 1, pixels: []).prefix(24)), "exceeds the limit")
        malformed(Array(rawFrame(width: 2, height: 2, type: 9, id: 1).prefix(24)), "unknown pixel type 9")
        malformed(Array(rawFrame(width: 2, height: 2, id: 1, reserved: [0, 1, 0]).prefix(24)), "reserved")
        malformed(Array("SSP1".utf8) + [0, 0, 0, 0], "length is 0")
        malformed(Array("SSP1".utf8) + [0xff, 0xff, 0xff, 0xff], "exceeds")
        malformed(Array("XYZW".utf8), "bad magic 'XYZW' (expected SSF1 raw or SSP1 PNG frame)")
        malformed([0x53, 0x01], "bad magic 0x53 0x01 (expected")
    }

    func testMalformedFramesAreProtocolErrorsWithPosition() {
        let good = rawFrame(width: 2, height: 2, id: 1)
        let cases: [([UInt8], String)] = [
            (good + Array("JUNKJUNKJUNK".utf8), "frame 1 at byte 28: bad magic 'JUNK'"),
            (good + Array(good.prefix(10)), "truncated frame header"),
            (good + Array(good.prefix(26)), "truncated frame: payload has 2 of 4 bytes"),
            (pngFrame(Array("not a png at all".utf8)), "frame 0 at byte 0: not a PNG"),
            (rawFrame(width: 1, height: 1, type: 3, id: 1, pixels: [0, 0, 0xc0, 0x7f]), "f32 pixels must be finite"),
        ]
        for (bytes, needle) in cases {
            do {
                _ = try readAll(bytes)
                XCTFail("accepted: \(needle)")
            } catch {
                XCTAssertEqual(error.status, .streamProtocol)
                XCTAssertTrue(error.message.contains(needle), error.message)
                XCTAssertFalse(error.message.contains("\n"))
            }
        }
    }

    func testSkipBadResynchronisesAndCounts() throws {
        let a = rawFrame(width: 2, height: 2, id: 1), b = rawFrame(width: 3, height: 1, id: 2)
        let badPNG = pngFrame(Array("garbage".utf8))
        let bytes = a + Array("xxSSgarbageS".utf8) + b + badPNG + a + Array(b.prefix(25))
        let (frames, bad) = try readAll(bytes, chunk: 3, skipBad: true)
        XCTAssertEqual(frames.map(\.0), [1, 2, 1])
        XCTAssertEqual(bad, 3)  // the garbage run, the corrupt PNG, the truncated tail
    }

    /// 16384 x 3200 f32 pixels = 200 MiB of payload: within the default limits (2^26 pixels).
    static let hugeRawHeader = rawFrame(width: 16384, height: 3200, type: 3, id: 1, pixels: [])
    static let hugeBytes = 16384 * 3200 * 4
    /// A PNG frame header announcing 200 MiB (the limit is 256 MiB).
    static let hugePNGHeader: [UInt8] = Array("SSP1".utf8) + (0..<4).map { UInt8(truncatingIfNeeded: hugeBytes >> (8 * $0)) }

    /// Regression (docs/hardening.md): a header announcing a huge frame used to allocate the
    /// whole declared payload before any of it arrived. Memory must follow the bytes received.
    func testAnnouncedHugeFrameAllocatesOnlyWhatArrives() {
        for header in [Self.hugeRawHeader, Self.hugePNGHeader] {
            for sent in [0, 100_000] {
                let bytes = header + [UInt8](repeating: 0x41, count: sent)
                for skipBad in [false, true] {
                    var reader = FrameReader(source: MemorySource(bytes, chunk: 4096), name: "test", skipBad: skipBad)
                    var px = [Float]()
                    do {
                        let f = try reader.next(into: &px)
                        XCTAssertTrue(skipBad, "a truncated frame must fail without --skip-bad")
                        XCTAssertNil(f)
                        XCTAssertEqual(reader.badFrames, 1)
                    } catch {
                        XCTAssertFalse(skipBad, error.message)
                        XCTAssertEqual(error.status, .streamProtocol)
                        let needle = "test: frame 0 at byte 0: truncated frame: payload has \(sent) of \(Self.hugeBytes) bytes at the end of the input"
                        XCTAssertTrue(error.message.contains(needle), error.message)
                    }
                    XCTAssertEqual(reader.bytesRead, bytes.count)
                    // 200 MiB announced, at most 100 kB sent: a few hundred kB at most may be held.
                    XCTAssertLessThan(reader.payloadCapacity, 1 << 20, "header \(header.prefix(4)), \(sent) bytes sent")
                    XCTAssertLessThan(px.capacity, 1 << 20)
                }
            }
        }
    }

    /// Frames larger than one read step arrive intact whatever the read size, and the payload
    /// buffer grows to the largest frame once, then is reused (no allocation per frame).
    func testLargeFramesReadInStepsAndBufferIsReused() throws {
        let big = rawFrame(width: 600, height: 500, type: 2, id: 1)  // 600,000 payload bytes
        let small = rawFrame(width: 3, height: 2, id: 2)
        let stream = big + small + big + rawFrame(width: 600, height: 500, type: 2, id: 3)
        let expected: [Float] = (0..<(600 * 500)).map { i in
            Float(UInt16(UInt8(truncatingIfNeeded: (2 * i) &* 37)) | UInt16(UInt8(truncatingIfNeeded: (2 * i + 1) &* 37)) << 8)
        }
        for chunk in [1000, 65_537, Int.max] {
            var reader = FrameReader(source: MemorySource(stream, chunk: chunk), name: "test")
            var px = [Float]()
            var ids: [UInt64] = [], capacities: [Int] = []
            while let f = try reader.next(into: &px) {
                ids.append(f.id)
                capacities.append(reader.payloadCapacity)
                if f.width == 600 { XCTAssertTrue(px == expected, "chunk \(chunk): frame \(f.id) pixels differ") }
            }
            XCTAssertEqual(ids, [1, 2, 1, 3])
            XCTAssertGreaterThanOrEqual(capacities[0], 600_000)
            XCTAssertLessThanOrEqual(capacities[0], 2 * 600_000, "grown far past the frame")
            XCTAssertEqual(Set(capacities).count, 1, "chunk \(chunk): buffer reallocated: \(capacities)")
        }
    }

    /// Garbage that looks like frames: partial magics, headers that fail late, and random bytes.
    /// A partial magic ends in 'x', so a random byte cannot complete it into a valid header.
    static func garbage(bytes count: Int, seed: UInt64) -> [UInt8] {
        var rng = SplitMix(seed: seed)
        let traps: [[UInt8]] = [
            Array("Sx".utf8), Array("SSx".utf8), Array("SSFx".utf8), Array("SSPx".utf8), Array("SSSSFx".utf8),
            Array(rawFrame(width: 2, height: 2, type: 9, id: 1).prefix(24)),  // unknown pixel type
            Array(rawFrame(width: 0, height: 2, id: 1).prefix(24)),  // empty
            Array(rawFrame(width: 2, height: 2, id: 1, reserved: [1, 0, 0]).prefix(24)),
            Array("SSP1".utf8) + [0, 0, 0, 0],  // length 0
            Array("SSP1".utf8) + [0xff, 0xff, 0xff, 0xff],  // over the limit
        ]
        var g = [UInt8]()
        while g.count < count {
            if rng.next() % 4 == 0 {
                g += traps[Int(rng.next() % UInt64(traps.count))]
            } else {
                for _ in 0..<(1 + rng.next() % 16) { g.append(UInt8(truncatingIfNeeded: rng.next())) }
            }
        }
        return g
    }

    /// Regression: --skip-bad over a long garbage run resynchronises on the next good frame and
    /// counts each bad region once (strict mode reports the first bad byte).
    func testLongGarbageRunWithSkipBadResynchronises() throws {
        let a = rawFrame(width: 2, height: 2, id: 1), b = rawFrame(width: 3, height: 1, id: 2)
        let c = pngFrame(grayPNG(width: 2, height: 2, pixels: [1, 2, 3, 4]))
        // Each garbage run ends in "SS" so the next magic starts inside a false one.
        let bytes = a + Self.garbage(bytes: 200_000, seed: 1) + Array("SS".utf8) + b
            + Self.garbage(bytes: 50_000, seed: 2) + c + Self.garbage(bytes: 1000, seed: 3)
        for chunk in [7, Int.max] {
            var reader = FrameReader(source: MemorySource(bytes, chunk: chunk), name: "test", skipBad: true)
            var px = [Float]()
            var ids: [UInt64] = []
            while let f = try reader.next(into: &px) { ids.append(f.id) }
            XCTAssertEqual(ids, [1, 2, 4])  // c is the 5th frame counting the two bad regions
            XCTAssertEqual(reader.badFrames, 3)
            XCTAssertEqual(reader.bytesRead, bytes.count)
        }
        XCTAssertThrowsError(try readAll(bytes)) { e in
            XCTAssertTrue((e as! CLIError).message.contains("test: frame 1 at byte 28: "), "\(e)")
        }
    }

    /// Regression: a bad header is described by plain values, and its text is only built when
    /// it is reported. Resync parses a header at every garbage byte; it used to format (and
    /// throw away) an error string each time. A parse result holding no heap object cannot.
    func testHeaderParseResultHoldsNoText() {
        XCTAssertTrue(_isPOD(HeaderParse.self), "HeaderParse must not carry a String or other heap object")
    }

    /// Random and mutated inputs never crash or hang, and every failure is one protocol line.
    func testFuzzNeverCrashes() {
        var rng = SplitMix(seed: 42)
        let seedStream = rawFrame(width: 3, height: 2, id: 5) + pngFrame(grayPNG(width: 2, height: 2, pixels: [1, 2, 3, 4]))
            + rawFrame(width: 1, height: 2, type: 2, id: 6)
        for iteration in 0..<3000 {
            var bytes: [UInt8]
            if iteration % 3 == 0 {
                bytes = (0..<Int(rng.next() % 80)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            } else {
                bytes = seedStream
                for _ in 0..<(1 + Int(rng.next() % 4)) {
                    bytes[Int(rng.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: rng.next())
                }
                if rng.next() % 4 == 0 { bytes.removeLast(Int(rng.next() % UInt64(bytes.count))) }
            }
            for skip in [false, true] {
                do {
                    let (frames, _) = try readAll(bytes, chunk: 1 + Int(rng.next() % 7), skipBad: skip)
                    for f in frames { XCTAssertEqual(f.3.count, f.1 * f.2) }
                } catch {
                    XCTAssertEqual(error.status, .streamProtocol, error.message)
                    XCTAssertFalse(skip, "skip-bad must not fail on input bytes: \(error.message)")
                }
            }
        }
    }

    func testBinaryAndNDJSONEncoding() throws {
        let result = FrameResult(mask: [0, 1, 1, 0, 1, 0], foregroundPixels: 3, contours: [[SIMD2(0.5, 1), SIMD2(2, 0.25)]])
        var out = [UInt8]()
        try encodeBinaryResult(id: 0x0102, width: 3, height: 2, result: result, into: &out)
        var expected: [UInt8] = Array("SSR1".utf8)
        let length: UInt8 = 8 + 4 + 4 + 6 + 4 + 4 + 16
        expected += [length, 0, 0, 0]
        let idBytes: [UInt8] = [0x02, 0x01, 0, 0, 0, 0, 0, 0]
        let sizes: [UInt8] = [3, 0, 0, 0, 2, 0, 0, 0]
        let mask: [UInt8] = [0, 1, 1, 0, 1, 0]
        let counts: [UInt8] = [1, 0, 0, 0, 2, 0, 0, 0]
        expected += idBytes
        expected += sizes
        expected += mask
        expected += counts
        for v: Float in [0.5, 1, 2, 0.25] {
            let bits = v.bitPattern
            for i in 0..<4 { expected.append(UInt8(truncatingIfNeeded: bits >> (8 * UInt32(i)))) }
        }
        XCTAssertEqual(out, expected)

        encodeNDJSONResult(id: 9, width: 3, height: 2, result: result, latencyMilliseconds: 1.25, dropped: 4, into: &out)
        XCTAssertEqual(String(decoding: out, as: UTF8.self),
                       "{\"frame\":9,\"width\":3,\"height\":2,\"area_px\":3,\"contours\":[[[0.5,1.0],[2.0,0.25]]],\"latency_ms\":1.250,\"dropped\":4}\n")
    }
}

struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
