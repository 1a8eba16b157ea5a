import ArgumentParser

/// `splineseg bench`: how fast a model segments on this machine.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time segmentation of a model on a synthetic or given slice.",
        discussion: """
            Runs --warmup untimed and --iterations timed segmentations and prints median, p99 and \
            max milliseconds per slice and slices/s.

            EXAMPLES:
              splineseg bench --model weights/unet.json
              splineseg bench --model unet.json --image slice.png --iterations 200
            """)

    @Option(help: "Model spec (weights/<model>.json). Required: there is no built-in model yet.")
    var model: String?

    @Option(help: "PNG slice to time (default: a synthetic slice of the model's input size).")
    var image: String?

    @Option(help: "Timed iterations (at least 1).")
    var iterations: Int = 50

    @Option(help: "Untimed warm-up iterations.")
    var warmup: Int = 5

    @OptionGroup var threadOptions: ThreadsOption

    func validate() throws {
        if iterations < 1 { throw ValidationError("--iterations must be at least 1 (got \(iterations))") }
        if warmup < 0 { throw ValidationError("--warmup must be at least 0 (got \(warmup))") }
    }

    func run() throws {
        _ = try loadFrameSegmenter(modelPath: model, threads: threadOptions.threads)
    }
}
