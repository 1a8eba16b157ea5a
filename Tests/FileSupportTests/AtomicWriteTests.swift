import FileSupport
import XCTest

final class AtomicWriteTests: XCTestCase {
    var dir = ""

    override func setUp() {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("fs-\(UUID().uuidString)").path
        try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    func testWriteThenReadRoundTrips() throws {
        let path = dir + "/a.bin"
        let bytes: [UInt8] = (0..<100_000).map { UInt8($0 & 0xff) }
        try writeFileAtomically(bytes, to: path)
        XCTAssertEqual(try readFile(path), bytes)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["a.bin"])
    }

    func testFailingBodyLeavesNothingAndKeepsOldFile() throws {
        let path = dir + "/b.bin"
        try writeFileAtomically([1, 2, 3], to: path)
        XCTAssertThrowsError(
            try withTemporaryFile(for: path) { _, _ throws(FileError) in
                throw FileError(path: path, kind: .writeFailed(errno: EIO))
            })
        XCTAssertEqual(try readFile(path), [1, 2, 3])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["b.bin"])
    }

    func testUnwritableDirectoryIsATypedError() {
        XCTAssertThrowsError(try writeFileAtomically([1], to: dir + "/missing/c.bin")) { error in
            XCTAssertEqual((error as? FileError)?.kind, .notFound)
        }
    }

    func testMissingAndDirectoryAndTooLarge() throws {
        XCTAssertThrowsError(try readFile(dir + "/nope")) { XCTAssertEqual(($0 as? FileError)?.kind, .notFound) }
        XCTAssertThrowsError(try readFile(dir)) { XCTAssertEqual(($0 as? FileError)?.kind, .isDirectory) }
        try writeFileAtomically([UInt8](repeating: 7, count: 10), to: dir + "/big")
        XCTAssertThrowsError(try readFile(dir + "/big", maxBytes: 9)) {
            XCTAssertEqual(($0 as? FileError)?.kind, .tooLarge(limit: 9))
        }
    }
}
