import NIfTIIO
import XCTest

final class WriterTests: XCTestCase {
    var dir = ""
    override func setUpWithError() throws { dir = try makeTempDir() }
    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    private func assertGeometryEqual(_ a: NIfTIHeader, _ b: NIfTIHeader, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.dim, b.dim, file: file, line: line)
        XCTAssertEqual(a.pixdim.map(\.bitPattern), b.pixdim.map(\.bitPattern), file: file, line: line)
        XCTAssertEqual(a.xyztUnits, b.xyztUnits, file: file, line: line)
        XCTAssertEqual(a.qformCode, b.qformCode, file: file, line: line)
        XCTAssertEqual(a.sformCode, b.sformCode, file: file, line: line)
        XCTAssertEqual([a.quaternB, a.quaternC, a.quaternD, a.qoffsetX, a.qoffsetY, a.qoffsetZ],
                       [b.quaternB, b.quaternC, b.quaternD, b.qoffsetX, b.qoffsetY, b.qoffsetZ], file: file, line: line)
        XCTAssertEqual(a.srowX, b.srowX, file: file, line: line)
        XCTAssertEqual(a.srowY, b.srowY, file: file, line: line)
        XCTAssertEqual(a.srowZ, b.srowZ, file: file, line: line)
    }

    func testRoundTripKeepsGeometryAndValues() throws {
        // A big-endian float64 source with a qform, an sform and a negative pixdim.
        let src = try NIfTIVolume.read(path: fixtureDir + "/syn_64_big.nii.gz")
        XCTAssertNotEqual(src.header.qformCode, 0)
        let mask: [UInt8] = src.voxels.map { $0 > 0 ? 1 : 0 }
        XCTAssertTrue(mask.contains(0) && mask.contains(1))
        for name in ["m.nii.gz", "m.nii"] {
            let path = dir + "/" + name
            try writeNIfTIMask(mask, like: src.header, to: path)
            let raw = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            XCTAssertEqual(raw.starts(with: [0x1F, 0x8B]), name.hasSuffix(".gz"), name)
            let back = try NIfTIVolume.read(path: path)
            assertGeometryEqual(back.header, src.header)
            XCTAssertEqual(back.shape, src.shape)
            XCTAssertEqual(back.spacing, src.spacing)
            XCTAssertEqual(back.voxels, mask.map(Float.init))
            XCTAssertTrue(back.header.littleEndian)
            XCTAssertEqual(back.header.datatype, 2)
            XCTAssertEqual(back.header.bitpix, 8)
            XCTAssertEqual(back.header.sclSlope, 1)
            XCTAssertEqual(back.header.sclInter, 0)
            XCTAssertEqual(back.header.calMin, 0)
            XCTAssertEqual(back.header.calMax, 1)
            XCTAssertEqual(back.header.voxOffset, 352)
            XCTAssertEqual(back.header.magic, "n+1")
            if !name.hasSuffix(".gz") { XCTAssertEqual(raw.count, 352 + mask.count) }
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir).sorted(), ["m.nii", "m.nii.gz"])
    }

    func testRoundTripOfARealMask() throws {
        let data = try requireSharedData()
        let src = try NIfTIVolume.read(path: data + "/la2018/masks/06SR5RBREL16DQ6M8LWS.nii.gz")
        let mask = src.voxels.map { UInt8($0) }
        let path = dir + "/la.nii.gz"
        try writeNIfTIMask(mask, like: src.header, to: path)
        let back = try NIfTIVolume.read(path: path)
        assertGeometryEqual(back.header, src.header)
        XCTAssertEqual(back.voxels, src.voxels)
    }

    func testMaskSizeMismatchWritesNothing() throws {
        let src = try NIfTIVolume.read(path: fixtureDir + "/syn_2_little.nii")
        let path = dir + "/m.nii.gz"
        let e = expectError { () throws(NIfTIError) in try writeNIfTIMask([UInt8](repeating: 1, count: 59), like: src.header, to: path) }
        XCTAssertEqual(e?.kind, .maskSizeMismatch(expected: 60, got: 59))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), [])
    }

    func testWritingIntoAMissingDirectoryLeavesNoFile() throws {
        let src = try NIfTIVolume.read(path: fixtureDir + "/syn_2_little.nii")
        let path = dir + "/missing/m.nii.gz"
        let e = expectError { () throws(NIfTIError) in try writeNIfTIMask([UInt8](repeating: 1, count: 60), like: src.header, to: path) }
        guard case .file(let fe)? = e?.kind else { return XCTFail("expected a file error") }
        XCTAssertEqual(fe.kind, .notFound)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), [])
    }

    func testWriterRefusesInvalidDimensions() throws {
        var h = NIfTIHeader(shape: [5, 4, 3])
        h.dim[0] = 0
        let e = expectError { () throws(NIfTIError) in try writeNIfTIMask([], like: h, to: self.dir + "/x.nii") }
        if case .badDimensions? = e?.kind {} else { XCTFail("expected badDimensions, got \(String(describing: e))") }
        var short = NIfTIHeader(shape: [5, 4, 3])
        short.srowX = [1]
        let e2 = expectError { () throws(NIfTIError) in try writeNIfTIMask([UInt8](repeating: 0, count: 60), like: short, to: self.dir + "/y.nii") }
        if case .badHeader? = e2?.kind {} else { XCTFail("expected badHeader, got \(String(describing: e2))") }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), [])
    }

    func testHeaderFromShapeWritesAndReads() throws {
        let h = NIfTIHeader(shape: [3, 2], spacing: [0.5, 2])
        let path = dir + "/s.nii"
        try writeNIfTIMask([0, 1, 0, 1, 1, 0], like: h, to: path)
        let v = try NIfTIVolume.read(path: path)
        XCTAssertEqual(v.shape, [3, 2, 1])
        XCTAssertEqual(v.spacing, [0.5, 2, 1])
        XCTAssertEqual(v.voxels, [0, 1, 0, 1, 1, 0])
    }
}
