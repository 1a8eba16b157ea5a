import ArgumentParser
import PNGIO
import SplineSeg

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

    @Option(help: ArgumentHelp(stringLiteral: ArgumentHelpText.model))
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
        let loaded = try loadModel(model)
        let segmenter = try makeSegmenter(loaded, threads: threadOptions.threads)
        let (pixels, width, height) = try benchImage(size: loaded.spec.input)
        var stats = LatencyStats()
        for i in 0..<(warmup + iterations) {
            let t0 = monotonicNanoseconds()
            do { _ = try segmenter.segment(pixels: pixels, width: width, height: height) } catch {
                throw CLIError(.segmentation, "\(image ?? "synthetic slice"): \(error.description)")
            }
            if i >= warmup { stats.record(arrival: t0, done: monotonicNanoseconds()) }
        }
        let median = stats.quantileMilliseconds(0.5) ?? 0
        let p99 = stats.quantileMilliseconds(0.99) ?? 0
        let maxMs = Double(stats.maxNanoseconds) / 1e6
        // With threads > 1, how often a worker lost its CPU mid-part (another busy process) and
        // how many parallel calls ran on this thread alone after that (WorkerPool's guard).
        var stalls = ""
        if let fast = segmenter.fastEngine, threadOptions.threads > 1 {
            let w = fast.workerStalls
            stalls = ", worker stalls \(w.stalls) (\(w.fallbackCalls) calls on 1 thread)"
        }
        print("\(loaded.spec.name): \(width)x\(height), \(iterations) iterations, \(threadOptions.threads) thread(s), \(Segmenter.instructionSet): median \(fixed(median, 3)) ms, p99 \(fixed(p99, 3)) ms, max \(fixed(maxMs, 3)) ms, \(fixed(median > 0 ? 1000 / median : 0, 1)) slices/s\(stalls)")
    }

    /// The given PNG, or a synthetic I x I slice: a bright disc on a dark ramp.
    private func benchImage(size: Int) throws(CLIError) -> ([Float], Int, Int) {
        if let image {
            do {
                let g = try readPNG(path: image)
                return (g.pixels, g.width, g.height)
            } catch { throw CLIError(reading: error) }
        }
        var pixels = [Float](repeating: 0, count: size * size)
        let c = Float(size - 1) / 2
        for i in 0..<size {
            for j in 0..<size {
                let r = ((Float(i) - c) * (Float(i) - c) + (Float(j) - c) * (Float(j) - c)).squareRoot()
                pixels[i * size + j] = (r < Float(size) / 4 ? 200 : 0) + Float(j) / Float(size) * 40
            }
        }
        return (pixels, size, size)
    }
}
