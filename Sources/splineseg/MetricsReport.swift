import Foundation
import SegMetrics

/// Formats per-volume metrics (and, for a set of cases, mean and sample std) as a table, CSV or
/// JSON. Fractions are printed with 4 decimals and millimetres with 3 in the table; CSV and JSON
/// carry full precision.
struct MetricsReport {
    let rows: [(name: String, metrics: SegmentationMetrics)]
    let summary: MetricsSummary?

    static let infiniteNote =
        "inf (null in JSON): exactly one mask of the pair is empty, so no surface distance exists; nan: std of one case or of an infinite value"
    static let columns = ["case", "accuracy", "dice", "jaccard", "hd_mm", "hd95_mm", "assd_mm"]

    init(rows: [(name: String, metrics: SegmentationMetrics)], withSummary: Bool) {
        self.rows = rows
        summary = withSummary ? (try? summarize(rows.map(\.metrics))) : nil
    }

    private var allRows: [(name: String, metrics: SegmentationMetrics)] {
        var out = rows
        if let summary {
            out.append(("mean", summary.mean))
            out.append(("std", summary.standardDeviation))
        }
        return out
    }

    var hasInfinite: Bool {
        allRows.contains { r in values(r.metrics).contains { !$0.isFinite } }
    }

    private func values(_ m: SegmentationMetrics) -> [Double] {
        [m.accuracy, m.dice, m.jaccard, m.hausdorff, m.hausdorff95, m.assd]
    }

    func table() -> String {
        let cells = allRows.map { r in
            [r.name] + values(r.metrics).enumerated().map { i, v in fixed(v, i < 3 ? 4 : 3) }
        }
        let widths = Self.columns.indices.map { c in
            max(Self.columns[c].count, cells.map { $0[c].count }.max() ?? 0)
        }
        func line(_ row: [String]) -> String {
            row.enumerated().map { c, s in
                let pad = String(repeating: " ", count: widths[c] - s.count)
                return c == 0 ? s + pad : pad + s
            }.joined(separator: "  ")
        }
        var out = line(Self.columns) + "\n"
        for row in cells { out += line(row) + "\n" }
        if hasInfinite { out += "note: \(Self.infiniteNote)\n" }
        return out
    }

    func csv() -> String {
        var out = Self.columns.joined(separator: ",") + "\n"
        for r in allRows {
            out += ([csvField(r.name)] + values(r.metrics).map(exact)).joined(separator: ",") + "\n"
        }
        return out
    }

    func json() -> String {
        func object(_ m: SegmentationMetrics) -> String {
            zip(Self.columns.dropFirst(), values(m)).map { "\(jsonString($0)): \(jsonNumber($1))" }
                .joined(separator: ", ")
        }
        var parts = ["\"volumes\": [\n" + rows.map { "    {\"case\": \(jsonString($0.name)), \(object($0.metrics))}" }
            .joined(separator: ",\n") + "\n  ]"]
        if let summary {
            parts.append("\"count\": \(summary.count)")
            parts.append("\"mean\": {\(object(summary.mean))}")
            parts.append("\"std\": {\(object(summary.standardDeviation))}")
        }
        let notes = hasInfinite ? [jsonString(Self.infiniteNote)] : []
        parts.append("\"notes\": [\(notes.joined(separator: ", "))]")
        return "{\n  " + parts.joined(separator: ",\n  ") + "\n}\n"
    }

    private func csvField(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" })
            ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }
}
