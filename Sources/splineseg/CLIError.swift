import FileSupport
import NIfTIIO
import PNGIO
import SegMetrics

/// Exit codes, one per error class, so scripts can tell "fix your arguments" from "fix your
/// data" from "fix your disk". The table is printed by `splineseg --help` (see `exitCodeTable`)
/// and documented in docs/cli.md; keep the three in step.
enum ExitStatus: Int32, CaseIterable {
    case success = 0
    /// A bug: an error no other class covers. Report it.
    case internalError = 1
    case usage = 2
    case inputMissing = 3
    case inputCorrupt = 4
    case outputNotWritable = 5
    case model = 6
    case streamProtocol = 7
    case inputMismatch = 8
    case segmentation = 9

    var meaning: String {
        switch self {
        case .success: return "success"
        case .internalError: return "internal error (a bug; please report it)"
        case .usage: return "usage: unknown or missing option, bad value (e.g. --threads 0)"
        case .inputMissing: return "input missing or unreadable (no such file, permissions, empty dir)"
        case .inputCorrupt:
            return "input corrupt or unsupported (bad PNG/NIfTI, no slices, non-binary)"
        case .outputNotWritable: return "output not writable (missing directory, permissions, disk full)"
        case .model: return "model error (no model given, unknown model, bad spec or weights)"
        case .streamProtocol: return "stream protocol error (malformed or truncated frame)"
        case .inputMismatch: return "inputs do not match (shape or spacing differ, unmatched file names)"
        case .segmentation: return "segmentation failed on a valid input"
        }
    }
}

/// The exit-code table as it appears in `--help` and docs/cli.md.
let exitCodeTable: String = ExitStatus.allCases.map { "  \($0.rawValue)  \($0.meaning)" }.joined(separator: "\n")

/// Every failure the tool reports: one line (`message`, which names the file and says what to do)
/// and the exit status of its class.
struct CLIError: Error, CustomStringConvertible {
    let status: ExitStatus
    let message: String

    init(_ status: ExitStatus, _ message: String) {
        self.status = status
        self.message = message
    }

    var description: String { message }

    static func usage(_ m: String) -> CLIError { CLIError(.usage, m) }
    static func inputMissing(_ m: String) -> CLIError { CLIError(.inputMissing, m) }
    static func inputCorrupt(_ m: String) -> CLIError { CLIError(.inputCorrupt, m) }
    static func output(_ m: String) -> CLIError { CLIError(.outputNotWritable, m) }
    static func model(_ m: String) -> CLIError { CLIError(.model, m) }
    static func stream(_ m: String) -> CLIError { CLIError(.streamProtocol, m) }
    static func mismatch(_ m: String) -> CLIError { CLIError(.inputMismatch, m) }

    /// A file-system failure while reading an input.
    init(reading e: FileError) {
        switch e.kind {
        case .notFound, .permissionDenied, .isDirectory, .readFailed: self.init(.inputMissing, e.description)
        case .tooLarge: self.init(.inputCorrupt, e.description)
        case .writeFailed: self.init(.outputNotWritable, e.description)
        }
    }

    /// A file-system failure while writing an output.
    init(writing e: FileError) {
        self.init(.outputNotWritable, e.description)
    }

    /// A PNG read failure: file-system problems are "missing", everything else "corrupt".
    init(reading e: PNGError) {
        if case .file(let f) = e.kind { self.init(reading: f) } else { self.init(.inputCorrupt, e.description) }
    }

    init(writing e: PNGError) {
        if case .file(let f) = e.kind { self.init(writing: f) } else { self.init(.internalError, e.description) }
    }

    init(reading e: NIfTIError) {
        if case .file(let f) = e.kind { self.init(reading: f) } else { self.init(.inputCorrupt, e.description) }
    }

    init(writing e: NIfTIError) {
        switch e.kind {
        case .file(let f): self.init(writing: f)
        case .compressionFailed: self.init(.outputNotWritable, e.description)
        default: self.init(.internalError, e.description)
        }
    }
}
