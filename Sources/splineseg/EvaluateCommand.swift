import Foundation
import ArgumentParser
import SegMetrics

enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, json
}

/// `splineseg evaluate PRED GT`: overlap and surface-distance metrics per volume (DESIGN.md §6).
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Compare predicted masks with ground truth: Accuracy, Dice, Jaccard, HD, HD95, ASSD.",
        discussion: """
            PRED and GT are both one of: a NIfTI volume (.nii/.nii.gz); a directory of PNG slices \
            of one volume (slices matched by file name, stacked in natural name order, spacing from \
            --spacing); a directory of NIfTI volumes (cases matched by name without .nii/.nii.gz; \
            mean and sample std over cases are added). Distances are in mm, from the NIfTI pixdim.

            Masks: 0 = background, nonzero = foreground, and one nonzero value per mask (0/1, 0/255). \
            A mask with several nonzero values is refused unless --binarize. When exactly one mask \
            of a pair is empty, HD, HD95 and ASSD are infinite: "inf" in the table and CSV, null in \
            JSON (with a note). Both empty: Dice 1, distances 0.

            EXAMPLES:
              splineseg evaluate pred.nii.gz gt.nii.gz
              splineseg evaluate preds/ labels/ --format csv -o metrics.csv
              splineseg evaluate pred_pngs/ gt_pngs/ --spacing 0.625,0.625,2.5 --format json
            """)

    @Argument(help: "Predicted masks: NIfTI file, PNG slice directory or directory of NIfTI volumes.")
    var pred: String

    @Argument(help: "Ground-truth masks, the same kind as PRED.")
    var gt: String

    @Option(help: "Output format: table, csv or json.")
    var format: ReportFormat = .table

    @Option(name: .shortAndLong, help: "Write the report to FILE (atomically) instead of stdout.")
    var output: String?

    @Option(help: ArgumentHelp(
        "PNG voxel spacing in mm: one value, or X,Y,Z (column, row, slice). Default 1.",
        valueName: "mm"))
    var spacing: String?

    @Flag(help: "Count every nonzero value as foreground, even in masks with several values.")
    var binarize = false

    func validate() throws {
        if let spacing {
            do { _ = try parseSpacing(spacing) } catch { throw ValidationError(error.message) }
        }
    }

    func run() throws {
        let predSource = try classifyMaskSource(pred)
        let gtSource = try classifyMaskSource(gt)
        let pngSpacing = try spacing.map(parseSpacing) ?? [1, 1, 1]
        var results = [(name: String, metrics: SegmentationMetrics)]()
        var summaryWanted = false

        switch (predSource, gtSource) {
        case (.niftiFile(let p), .niftiFile(let g)):
            try refuseSpacing()
            results.append(try evaluateNIfTIPair(p, g, name: niftiStem(baseName(p))))
        case (.niftiDirectory(let pd, let pm), .niftiDirectory(let gd, let gm)):
            try refuseSpacing()
            try requireSameNames(Set(pm.keys), Set(gm.keys), what: "cases")
            for name in pm.keys.sorted(by: naturalLess) {
                results.append(try evaluateNIfTIPair(joinPath(pd, pm[name]!), joinPath(gd, gm[name]!), name: name))
            }
            summaryWanted = true
        case (.pngDirectory(let pd, let pf), .pngDirectory(let gd, let gf)):
            try requireSameNames(Set(pf), Set(gf), what: "slices")
            let p = try loadPNGStack(directory: pd, files: pf, name: baseName(pd), spacing: pngSpacing, anyNonzero: binarize)
            let g = try loadPNGStack(directory: gd, files: gf, name: baseName(gd), spacing: pngSpacing, anyNonzero: binarize)
            results.append((p.name, try evaluatePair(p, g, predPath: pd, gtPath: gd)))
        case (.pngFile(let pf), .pngFile(let gf)):
            let p = try loadPNGStack(directory: nil, files: [pf], name: baseName(pf), spacing: pngSpacing, anyNonzero: binarize)
            let g = try loadPNGStack(directory: nil, files: [gf], name: baseName(gf), spacing: pngSpacing, anyNonzero: binarize)
            results.append((p.name, try evaluatePair(p, g, predPath: pf, gtPath: gf)))
        default:
            throw CLIError.mismatch("\(pred) is \(predSource.kindName) but \(gt) is \(gtSource.kindName); give two of the same kind")
        }

        let report = MetricsReport(rows: results, withSummary: summaryWanted)
        let text: String
        switch format {
        case .table: text = report.table()
        case .csv:
            text = report.csv()
            // CSV stays pure data; the explanation of "inf" goes to stderr.
            if report.hasInfinite { printError("splineseg: note: \(MetricsReport.infiniteNote)") }
        case .json: text = report.json()
        }
        try emit(text, to: output)
    }

    private func refuseSpacing() throws(CLIError) {
        if spacing != nil {
            throw .usage("--spacing applies to PNG slices only; NIfTI volumes carry their own spacing (pixdim)")
        }
    }

    private func evaluateNIfTIPair(_ p: String, _ g: String, name: String) throws(CLIError) -> (name: String, metrics: SegmentationMetrics) {
        let pv = try loadNIfTIMask(p, name: name, anyNonzero: binarize)
        let gv = try loadNIfTIMask(g, name: name, anyNonzero: binarize)
        for axis in 0..<3 {
            let a = pv.spacing[axis], b = gv.spacing[axis]
            if abs(a - b) > 1e-4 * max(abs(a), abs(b)) {
                throw .mismatch("\(p): voxel spacing \(pv.spacing) mm differs from \(g)'s \(gv.spacing) mm; compare masks on the same grid")
            }
        }
        return (name, try evaluatePair(pv, gv, predPath: p, gtPath: g))
    }

    private func evaluatePair(_ p: MaskVolume, _ g: MaskVolume, predPath: String, gtPath: String) throws(CLIError) -> SegmentationMetrics {
        guard p.shape == g.shape else {
            throw .mismatch("\(predPath): shape \(p.shapeText) differs from \(gtPath)'s \(g.shapeText); compare a prediction with the ground truth of the same case")
        }
        do {
            return try evaluateSegmentation(
                prediction: p.mask, groundTruth: g.mask, shape: g.metricShape, spacing: g.metricSpacing)
        } catch {
            throw .inputCorrupt("\(gtPath): \(error.description)")
        }
    }

    private func requireSameNames(_ p: Set<String>, _ g: Set<String>, what: String) throws(CLIError) {
        let onlyP = p.subtracting(g).sorted(by: naturalLess), onlyG = g.subtracting(p).sorted(by: naturalLess)
        guard onlyP.isEmpty && onlyG.isEmpty else {
            var parts = [String]()
            if !onlyP.isEmpty { parts.append("only in \(pred): \(listSome(onlyP))") }
            if !onlyG.isEmpty { parts.append("only in \(gt): \(listSome(onlyG))") }
            throw .mismatch("\(what) are matched by file name and these have no partner: \(parts.joined(separator: "; ")); add or remove them")
        }
    }
}

/// "1" or "0.7,0.7,1.6": one positive finite value per axis (x = column, y = row, z = slice).
func parseSpacing(_ text: String) throws(CLIError) -> [Double] {
    let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { Double($0.trimmingCharacters(in: .whitespaces)) }
    guard parts.count == 1 || parts.count == 3, parts.allSatisfy({ $0 != nil && $0!.isFinite && $0! > 0 }) else {
        throw .usage("--spacing '\(text)': give one positive value in mm, or three as X,Y,Z (e.g. 0.625,0.625,2.5)")
    }
    let v = parts.map { $0! }
    return v.count == 1 ? [v[0], v[0], v[0]] : v
}
