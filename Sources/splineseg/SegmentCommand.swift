import ArgumentParser

/// `splineseg segment`: PNG slices in, mask PNGs (and optional extras) out.
struct SegmentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segment",
        abstract: "Segment PNG slices: one mask PNG (0/255) per image, at the image's own resolution.",
        discussion: """
            INPUT is one or more PNG images, or one directory of them. With one image, -o is the \
            mask file; with several (or a directory), -o is a directory that receives \
            <name>_mask.png per image (it must exist). Optional per-image outputs go to a file \
            (one image) or a directory (several): --overlay (RGB PNG with the contour drawn), \
            --coefficients (the O x O coefficient grid, format in docs/cli.md), --svg and \
            --geojson (sub-pixel contours). --json prints a summary per image (area in pixels and \
            mm^2, time). --scale N evaluates the spline at N times the resolution.

            EXAMPLES:
              splineseg segment --model weights/unet.json slice.png -o slice_mask.png
              splineseg segment --model unet.json slices/ -o masks/ --overlay overlays/
              splineseg segment --model unet.json a.png --svg a.svg --coefficients a.ssc --json
            """)

    @Argument(help: "PNG images, or one directory of PNG images.")
    var inputs: [String]

    @Option(name: .shortAndLong, help: "Mask file (one image) or existing directory (several).")
    var output: String?

    @Option(help: "Model spec (weights/<model>.json). Required: there is no built-in model yet.")
    var model: String?

    @Option(help: "Overlay PNG (one image) or directory (several).")
    var overlay: String?

    @Option(help: "Coefficient grid file (one image) or directory (several); format in docs/cli.md.")
    var coefficients: String?

    @Option(help: "SVG contour file (one image) or directory (several).")
    var svg: String?

    @Option(help: "GeoJSON contour file (one image) or directory (several).")
    var geojson: String?

    @Option(help: "Evaluate the spline at N times the image resolution (N >= 1).")
    var scale: Int = 1

    @Option(help: ArgumentHelp("Pixel spacing in mm for areas: one value, or ROW,COLUMN.", valueName: "mm"))
    var spacing: String?

    @Flag(help: "Print a JSON summary line per image on stdout.")
    var json = false

    @OptionGroup var threadOptions: ThreadsOption

    func validate() throws {
        if scale < 1 { throw ValidationError("--scale must be at least 1 (got \(scale))") }
    }

    func run() throws {
        _ = try loadFrameSegmenter(modelPath: model, threads: threadOptions.threads)
    }
}
