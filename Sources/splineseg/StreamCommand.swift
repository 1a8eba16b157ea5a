import ArgumentParser
import Foundation

extension StreamOutputFormat: ExpressibleByArgument {}

/// `splineseg stream`: frames in (stdin or a FIFO), one result per frame out (stdout).
struct StreamCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stream",
        abstract: "Segment a live stream of frames (raw or PNG) from stdin or a FIFO.",
        discussion: """
            Input frames, integers little-endian (byte layout in docs/cli.md):
              raw  "SSF1" | width u32 | height u32 | pixel type u8 (1 u8, 2 u16,
                   3 f32) | 3 zero bytes | frame id u64 | pixels, row-major
              PNG  "SSP1" | length u32 | PNG file (frame id = input position)
            Output per frame on stdout, binary (default):
              "SSR1" | length u32 | frame id u64 | width u32 | height u32 |
              mask (0/1 bytes) | contour count u32 | per contour: point count
              u32, then x f32, y f32 per point
            or, with --output-format ndjson, one JSON line: frame, width, height,
            area_px, contours, latency_ms, dropped.

            Queue: a reader thread feeds a bounded queue (--queue frames). When it is full the \
            OLDEST queued frame is dropped and counted, so a viewer always gets recent frames; \
            --block waits instead (for replaying recordings). At exit stderr gets one line: frames, \
            drops, bad frames, latency median/p99/max (ms) and frames/s.

            Malformed frame: one line on stderr and exit code 7; the results of the frames before it \
            are written first. With --skip-bad the frame is skipped and counted (after a bad header \
            the reader resynchronises on the next magic). --validate-only checks a stream without a \
            model and prints one NDJSON line per good frame (frame, width, height).

            EXAMPLES:
              camera | splineseg stream --model unet.json > results.bin
              splineseg stream --model unet.json --input frames.fifo --output-format ndjson
              splineseg stream --validate-only --input recording.ssf --skip-bad
            """)

    @Option(help: "Read frames from PATH (a FIFO or file) instead of stdin.")
    var input: String?

    @Option(help: ArgumentHelp(stringLiteral: ArgumentHelpText.model))
    var model: String?

    @Option(help: "Result format on stdout: binary or ndjson.")
    var outputFormat: StreamOutputFormat = .binary

    @Option(help: "Frames held between reader and worker (at least 1).")
    var queue: Int = 4

    @Flag(help: "Never drop frames: make the reader wait when the queue is full.")
    var block = false

    @Flag(help: "Skip malformed frames (and count them) instead of stopping with exit code 7.")
    var skipBad = false

    @Flag(help: "Only check the frames (no model); print one NDJSON line per good frame.")
    var validateOnly = false

    @OptionGroup var threadOptions: ThreadsOption

    func validate() throws {
        if queue < 1 { throw ValidationError("--queue must be at least 1 (got \(queue))") }
    }

    func run() throws {
        let name = input ?? "stdin"
        let fd: Int32
        if let input {
            fd = open(input, O_RDONLY | O_CLOEXEC)
            if fd < 0 {
                throw CLIError.inputMissing("\(input): cannot open (\(String(cString: strerror(errno)))); check the path of the FIFO or file")
            }
        } else {
            fd = 0
        }
        let reader = FrameReader(source: DescriptorSource(fd: fd, name: name), name: name, skipBad: skipBad)
        if validateOnly {
            try validateStream(reader)
            return
        }
        let segmenter = try loadFrameSegmenter(modelPath: model, threads: threadOptions.threads)
        let pipeline = StreamPipeline(queueCapacity: queue, policy: block ? .block : .dropOldest, format: outputFormat)
        let (stats, dropped, bad) = try pipeline.run(reader: reader, segmenter: segmenter, write: writeStdout)
        printError(stats.summary(dropped: dropped, bad: bad))
    }

    private func validateStream<S: ByteSource>(_ start: FrameReader<S>) throws(CLIError) {
        var reader = start
        var pixels = [Float]()
        var count = 0
        while let f = try reader.next(into: &pixels) {
            count += 1
            try writeStdout(Array("{\"frame\":\(f.id),\"width\":\(f.width),\"height\":\(f.height)}\n".utf8))
        }
        printError("splineseg stream: \(count) frames valid, \(reader.badFrames) bad skipped")
    }
}

private func writeStdout(_ bytes: UnsafeRawBufferPointer) throws(CLIError) {
    let e = writeAll(fd: 1, bytes)
    if e != 0 { throw .output("stdout: write failed (\(String(cString: strerror(e)))); the consumer closed the pipe or the disk is full") }
}

private func writeStdout(_ bytes: [UInt8]) throws(CLIError) {
    try withBytes(bytes) { (b) throws(CLIError) in try writeStdout(b) }
}
