import ArgumentParser
import FileSupport
import Foundation
import PNGIO
import SplineCore
import SplineSeg

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

    @Option(help: ArgumentHelp(stringLiteral: ArgumentHelpText.model))
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
        if let spacing {
            do { _ = try parsePixelSpacing(spacing) } catch { throw ValidationError(error.message) }
        }
    }

    func run() throws {
        let images = try collectImages()
        let single = images.count == 1 && !(inputs.count == 1 && isDirectory(inputs[0]))
        // Check every destination before the (slow) model load, so mistakes fail in milliseconds.
        let plan = SegmentOutputs(single: single, mask: output, overlay: overlay, coefficients: coefficients, svg: svg, geojson: geojson)
        try plan.check()
        let pixelSpacing = try spacing.map(parsePixelSpacing) ?? (1, 1)
        let segmenter = try makeSegmenter(try loadModel(model), threads: threadOptions.threads)
        for path in images {
            try segmentOne(path, plan: plan, segmenter: segmenter, spacing: pixelSpacing)
        }
    }

    /// The PNG files to segment: the arguments, or the PNGs of one directory argument.
    private func collectImages() throws(CLIError) -> [String] {
        if inputs.count == 1, isDirectory(inputs[0]) {
            let dir = inputs[0]
            let names: [String]
            do { names = try FileManager.default.contentsOfDirectory(atPath: dir) } catch {
                throw .inputMissing("\(dir): cannot list the directory; check its permissions")
            }
            let pngs = names.filter { !$0.hasPrefix(".") && isPNGName($0) }.sorted(by: naturalLess)
            if pngs.isEmpty { throw .inputMissing("\(dir): directory has no .png images; check the path") }
            return pngs.map { joinPath(dir, $0) }
        }
        for path in inputs where isDirectory(path) {
            throw .usage("\(path): a directory must be the only input; give either image files or one directory")
        }
        for path in inputs where !FileManager.default.fileExists(atPath: path) {
            throw .inputMissing("\(path): no such file; check the path")
        }
        return inputs
    }

    private func segmentOne(
        _ path: String, plan: SegmentOutputs, segmenter: Segmenter, spacing: (row: Double, column: Double)
    ) throws(CLIError) {
        let start = monotonicNanoseconds()
        let image: GrayImage
        do { image = try readPNG(path: path) } catch { throw CLIError(reading: error) }
        if image.colorType == .rgb || image.colorType == .rgba || image.colorType == .palette {
            throw .inputCorrupt("\(path): colour image (\(image.colorType)); segment expects one-channel gray slices, convert it to grayscale first")
        }
        let seg: Segmentation
        do { seg = try segmenter.segment(pixels: image.pixels, width: image.width, height: image.height) } catch {
            throw CLIError(.segmentation, "\(path): \(error.description)")
        }
        var maskWidth = seg.width, maskHeight = seg.height
        var mask = seg.mask.map { $0 * 255 }
        if scale > 1 {
            let refined: RefinedValues
            do { refined = try seg.values(scale: scale) } catch {
                throw CLIError(.usage, "\(path): --scale \(scale): \(error.description)")
            }
            maskWidth = refined.width
            maskHeight = refined.height
            mask = refined.values.map { $0 > 0 ? 255 : 0 }
        }
        let set = seg.contours()
        let stem = imageStem(path)
        do {
            try writeMaskPNG(path: plan.maskPath(for: path, stem: stem), width: maskWidth, height: maskHeight, mask: mask)
            if let p = plan.path(plan.overlay, stem: stem, suffix: "_overlay.png") {
                let rgb = makeOverlay(gray: image, contours: set.contours.map(\.points), color: (255, 0, 0))
                try writeRGBPNG(path: p, width: image.width, height: image.height, rgb: rgb)
            }
        } catch {
            throw CLIError(writing: error)
        }
        let spec = segmenter.model.spec
        if let p = plan.path(plan.coefficients, stem: stem, suffix: ".ssc") {
            try writeOutput(encodeCoefficients(seg.coefficients, size: spec.coefficients, degree: spec.degree, npy: p.lowercased().hasSuffix(".npy")), to: p)
        }
        if let p = plan.path(plan.svg, stem: stem, suffix: ".svg") {
            try writeOutput(Array(contoursSVG(set, width: image.width, height: image.height).utf8), to: p)
        }
        if let p = plan.path(plan.geojson, stem: stem, suffix: ".geojson") {
            try writeOutput(Array(contoursGeoJSON(set, properties: "{\"image\":\(jsonString(path))}").utf8), to: p)
        }
        if json {
            let ms = Double(monotonicNanoseconds() - start) / 1e6
            let areaPx = seg.mask.reduce(0) { $0 + Int($1) }
            let mm2 = Double(areaPx) * spacing.row * spacing.column
            print("{\"image\":\(jsonString(path)),\"width\":\(image.width),\"height\":\(image.height),\"area_px\":\(areaPx),\"area_mm2\":\(jsonNumber(mm2)),\"contour_area_px\":\(jsonNumber(set.area)),\"contours\":\(set.contours.count),\"time_ms\":\(fixed(ms, 3))}")
        }
    }
}

/// Where each output of `segment` goes: for one image the options name files, for several they
/// name directories receiving <stem><suffix>. Without -o the mask goes beside its image.
struct SegmentOutputs {
    let single: Bool
    let mask: String?
    let overlay: String?
    let coefficients: String?
    let svg: String?
    let geojson: String?

    func check() throws(CLIError) {
        for option in [mask, overlay, coefficients, svg, geojson] {
            guard let option else { continue }
            if single { try checkOutputFile(option) } else { try checkOutputDirectory(option) }
        }
    }

    func maskPath(for image: String, stem: String) -> String {
        if let mask { return single ? mask : joinPath(mask, stem + "_mask.png") }
        let dir = (image as NSString).deletingLastPathComponent
        return dir.isEmpty ? stem + "_mask.png" : joinPath(dir, stem + "_mask.png")
    }

    func path(_ option: String?, stem: String, suffix: String) -> String? {
        guard let option else { return nil }
        return single ? option : joinPath(option, stem + suffix)
    }
}

func isDirectory(_ path: String) -> Bool {
    var isDir: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
}

/// "dir/slice_07.png" -> "slice_07".
func imageStem(_ path: String) -> String {
    let name = baseName(path)
    return isPNGName(name) ? String(name.dropLast(4)) : name
}

/// Writes bytes atomically; a failure is an output error (exit 5).
func writeOutput(_ bytes: [UInt8], to path: String) throws(CLIError) {
    do { try writeFileAtomically(bytes, to: path) } catch { throw CLIError(writing: error) }
}

/// "0.5" or "0.5,0.7" (row, column) in mm.
func parsePixelSpacing(_ text: String) throws(CLIError) -> (row: Double, column: Double) {
    let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { Double($0.trimmingCharacters(in: .whitespaces)) }
    guard parts.count == 1 || parts.count == 2, parts.allSatisfy({ $0 != nil && $0!.isFinite && $0! > 0 }) else {
        throw .usage("--spacing '\(text)': give one positive value in mm, or two as ROW,COLUMN (e.g. 0.7,0.7)")
    }
    return (parts[0]!, parts[parts.count - 1]!)
}
