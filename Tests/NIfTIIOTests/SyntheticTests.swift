import NIfTIIO
import XCTest

/// Tiny files of every datatype and byte order (tools/make_nifti_fixture.py) decode to the values
/// numpy computed for them.
final class SyntheticTests: XCTestCase {
    func testEverySyntheticFileDecodes() throws {
        let golden = try loadGolden()
        var seen = Set<String>()
        for g in golden.synthetic {
            let v = try NIfTIVolume.read(path: fixtureDir + "/" + g.file)
            seen.insert("\(g.datatype)-\(g.little_endian)")
            XCTAssertEqual(Int(v.header.datatype), g.datatype, g.file)
            XCTAssertEqual(v.header.littleEndian, g.little_endian, g.file)
            XCTAssertEqual(v.shape, g.shape, g.file)
            for k in 0..<3 { assertClose(v.spacing[k], g.spacing[k], rel: 1e-6, "\(g.file) spacing") }
            XCTAssertEqual(Int(v.header.qformCode), g.qform_code, g.file)
            XCTAssertEqual(Int(v.header.sformCode), g.sform_code, g.file)
            XCTAssertEqual([v.header.quaternB, v.header.quaternC, v.header.quaternD].map(Double.init), g.quatern, g.file)
            XCTAssertEqual([v.header.qoffsetX, v.header.qoffsetY, v.header.qoffsetZ].map(Double.init), g.qoffset.map { Double(Float($0)) }, g.file)
            XCTAssertEqual([v.header.srowX, v.header.srowY, v.header.srowZ].map { $0.map(Double.init) },
                           g.srow.map { $0.map { Double(Float($0)) } }, g.file)
            XCTAssertEqual(v.voxels.count, g.values.count, g.file)
            for (i, (a, b)) in zip(v.voxels, g.values).enumerated() {
                assertClose(Double(a), b, rel: 1e-6, floor: 1e-6, "\(g.file) voxel \(i)")
            }
        }
        // All eight datatypes in both byte orders were covered.
        for code in [2, 4, 8, 16, 64, 256, 512, 768] {
            XCTAssertTrue(seen.contains("\(code)-true") && seen.contains("\(code)-false"), "datatype \(code) not covered")
        }
    }

    func testGzipDetectedByMagicNotName() throws {
        // A gzipped fixture under a .nii name, and a plain one under a .nii.gz name.
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let gz = try fixtureBytes("syn_4_big.nii.gz")
        let plain = try fixtureBytes("syn_4_little.nii")
        _ = FileManager.default.createFile(atPath: dir + "/a.nii", contents: Data(gz))
        _ = FileManager.default.createFile(atPath: dir + "/b.nii.gz", contents: Data(plain))
        let a = try NIfTIVolume.read(path: dir + "/a.nii")
        let b = try NIfTIVolume.read(path: dir + "/b.nii.gz")
        XCTAssertFalse(a.header.littleEndian)
        XCTAssertTrue(b.header.littleEndian)
        XCTAssertEqual(a.voxels.count, 60)
        XCTAssertEqual(b.voxels.count, 60)
    }

    func testConcatenatedGzipMembersAreRead() throws {
        // Split a plain file in three and gzip each part separately, as bgzip/pigz can.
        let plain = try fixtureBytes("syn_16_little.nii")
        let parts = [Array(plain[0..<100]), Array(plain[100..<400]), Array(plain[400...])]
        var joined: [UInt8] = []
        for p in parts { joined += try gzipCompress(p) }
        let a = try NIfTIVolume.decode(joined, name: "members.nii.gz")
        let b = try NIfTIVolume.decode(plain, name: "plain.nii")
        XCTAssertEqual(a.voxels, b.voxels)
    }

    func testHeaderFieldsAreParsed() throws {
        let v = try NIfTIVolume.read(path: fixtureDir + "/syn_8_big.nii.gz")
        XCTAssertEqual(v.header.descrip, "synthetic i4 big")
        XCTAssertEqual(v.header.magic, "n+1")
        XCTAssertEqual(v.header.xyztUnits, 10)
        XCTAssertEqual(v.header.bitpix, 32)
        XCTAssertEqual(v.header.voxOffset, 352)
        XCTAssertEqual(v.header.dim, [3, 5, 4, 3, 1, 1, 1, 1])
        XCTAssertEqual(v.header.pixdim[3], -2.5)
        XCTAssertEqual(v.spacing[2], 2.5)
    }
}
