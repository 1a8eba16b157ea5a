import ArgumentParser

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

let splinesegVersion = "0.1.0"

/// The root command. `main()` is ours rather than ArgumentParser's so that every failure ends
/// as one line on stderr with the documented exit code (ArgumentParser alone would print usage
/// blocks and exit 64 for usage errors).
@main
struct SplineSegCLI: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "splineseg",
        abstract: "Segment medical image slices with implicit B-splines.",
        discussion: """
            Masks: 8-bit PNG, 0 = background, 255 = foreground (NIfTI masks: uint8 0/1). \
            Every output file is written atomically: on failure no partial file is left.

            EXAMPLES:
              splineseg segment slice.png -o mask.png --overlay overlay.png
              splineseg segment-volume scan.nii.gz -o mask.nii.gz
              splineseg evaluate pred_masks/ gt_masks/ --format csv -o metrics.csv
              camera | splineseg stream > results.bin

            EXIT CODES:
            \(exitCodeTable)
            """,
        version: splinesegVersion,
        subcommands: [
            SegmentCommand.self, SegmentVolumeCommand.self, EvaluateCommand.self, StreamCommand.self,
            ModelsCommand.self, BenchCommand.self,
        ])

    static func main() {
        ignoreSIGPIPE()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as CLIError {
            fail(error)
        } catch {
            let code = exitCode(for: error)
            if code == .success {  // --help, --version
                print(fullMessage(for: error))
                terminate(0)
            }
            // Everything ArgumentParser rejects is a usage error.
            let text = message(for: error).split(whereSeparator: \.isNewline).joined(separator: "; ")
            fail(CLIError(code == .validationFailure ? .usage : .internalError, "\(text); see \(helpHint())"))
        }
    }
}

/// Prints the error's one line to stderr and exits with its code.
func fail(_ error: CLIError) -> Never {
    printError("splineseg: error: \(error.message)")
    terminate(error.status.rawValue)
}

/// "'splineseg evaluate --help'" for the subcommand on the command line, else the root's.
private func helpHint() -> String {
    let names = SplineSegCLI.configuration.subcommands.map { $0.configuration.commandName ?? "" }
    if let sub = CommandLine.arguments.dropFirst().first(where: names.contains) {
        return "'splineseg \(sub) --help'"
    }
    return "'splineseg --help'"
}
