import XCTest

/// The help text is the tool's manual: every command documents itself with examples, and the
/// root help carries the exit-code table.
final class HelpTests: XCTestCase {
    let commands = ["segment", "segment-volume", "evaluate", "stream", "models", "bench"]

    func testRootHelpListsCommandsAndExitCodes() throws {
        let r = try runCLI(["--help"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let text = r.stdoutText
        for c in commands { XCTAssertTrue(text.contains("  \(c) "), "root help misses \(c)") }
        XCTAssertTrue(text.contains("EXIT CODES:"))
        let table = [
            "0  success", "1  internal error", "2  usage", "3  input missing", "4  input corrupt",
            "5  output not writable", "6  model error", "7  stream protocol error", "8  inputs do not match",
            "9  segmentation failed",
        ]
        for row in table { XCTAssertTrue(text.contains(row), "exit code row '\(row)' missing") }
    }

    func testEachCommandHelpHasExamplesAndFitsEightyColumns() throws {
        for c in commands {
            let r = try runCLI([c, "--help"])
            XCTAssertEqual(r.status, 0, "\(c): \(r.stderr)")
            XCTAssertTrue(r.stdoutText.contains("EXAMPLES:\n  splineseg") || r.stdoutText.contains("EXAMPLES:\n  camera |"), "\(c) help has no examples")
            XCTAssertTrue(r.stdoutText.contains("USAGE: splineseg \(c)"), c)
            // Example lines must not wrap (wrapped commands cannot be pasted).
            for line in r.stdoutText.split(separator: "\n") where line.contains("splineseg ") && !line.hasPrefix("USAGE") {
                XCTAssertLessThanOrEqual(line.count, 80, "\(c): '\(line)'")
            }
        }
    }

    func testHelpSubcommandMatchesFlag() throws {
        XCTAssertEqual(try runCLI(["help", "evaluate"]).stdoutText, try runCLI(["evaluate", "--help"]).stdoutText)
    }

    func testVersion() throws {
        let r = try runCLI(["--version"])
        XCTAssertEqual(r.status, 0)
        XCTAssertEqual(r.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines), "0.1.0")
    }

    func testUsageErrorsExitTwoWithOneLine() throws {
        assertFails(try runCLI(["evaluate", "only-one"]), code: 2, mentioning: "'splineseg evaluate --help'")
        assertFails(try runCLI(["frobnicate"]), code: 2, mentioning: "frobnicate")
        assertFails(try runCLI(["segment", "--threads", "0", "x.png"]), code: 2, mentioning: "--threads must be at least 1")
        assertFails(try runCLI(["stream", "--threads", "0"]), code: 2, mentioning: "--threads must be at least 1")
        assertFails(try runCLI(["stream", "--queue", "0"]), code: 2, mentioning: "--queue")
        assertFails(try runCLI(["evaluate", "--spacing", "0,1", "a", "b"]), code: 2, mentioning: "--spacing")
        assertFails(try runCLI(["segment", "--scale", "0", "x.png"]), code: 2, mentioning: "--scale")
    }
}
