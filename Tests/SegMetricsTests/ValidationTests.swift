import SegMetrics
import XCTest

/// Bad input is rejected once, with a typed error whose message says what to fix.
final class ValidationTests: XCTestCase {
    func error(_ body: () throws(MetricsError) -> Void) -> MetricsError? {
        do { try body() } catch { return error }
        return nil
    }

    func testRejectsBadShapesSpacingsAndLengths() {
        let four = [UInt8](repeating: 0, count: 4)
        let cases: [(MetricsError?, MetricsError, String)] = [
            (error { () throws(MetricsError) in _ = try evaluateSegmentation(prediction: four, groundTruth: four, shape: [4], spacing: [1]) },
             .unsupportedDimensionality(shape: [4]), "2-D"),
            (error { () throws(MetricsError) in _ = try evaluateSegmentation(prediction: four, groundTruth: four, shape: [1, 1, 2, 2], spacing: [1, 1, 1, 1]) },
             .unsupportedDimensionality(shape: [1, 1, 2, 2]), "3-D"),
            (error { () throws(MetricsError) in _ = try evaluateSegmentation(prediction: [], groundTruth: [], shape: [0, 4], spacing: [1, 1]) },
             .nonPositiveExtent(shape: [0, 4], axis: 0), "at least 1"),
            (error { () throws(MetricsError) in _ = try evaluateSegmentation(prediction: four, groundTruth: four, shape: [2, 2], spacing: [1]) },
             .spacingCount(spacing: [1], axes: 2), "one spacing"),
            (error { () throws(MetricsError) in _ = try evaluateSegmentation(prediction: four, groundTruth: four, shape: [2, 2], spacing: [1, 0]) },
             .nonPositiveSpacing(spacing: [1, 0], axis: 1), "> 0"),
            (error { () throws(MetricsError) in _ = try evaluateSegmentation(prediction: four, groundTruth: four, shape: [2, 2], spacing: [-1, 1]) },
             .nonPositiveSpacing(spacing: [-1, 1], axis: 0), "> 0"),
            (error { () throws(MetricsError) in _ = try evaluateSegmentation(prediction: four, groundTruth: [0, 0, 0], shape: [2, 2], spacing: [1, 1]) },
             .countMismatch(name: "groundTruth", count: 3, shape: [2, 2], expected: 4), "groundTruth has 3"),
            (error { () throws(MetricsError) in _ = try evaluateSegmentation(prediction: four, groundTruth: four, shape: [2, 1, 1], spacing: [1, 1, 1]) },
             .countMismatch(name: "prediction", count: 4, shape: [2, 1, 1], expected: 2), "prediction has 4"),
            (error { () throws(MetricsError) in _ = try euclideanDistanceTransform(features: four, shape: [2, 3], spacing: [1, 1]) },
             .countMismatch(name: "features", count: 4, shape: [2, 3], expected: 6), "features"),
            (error { () throws(MetricsError) in _ = try mean([]) }, .emptyList(what: "mean"), "empty"),
            (error { () throws(MetricsError) in _ = try summarize([]) }, .emptyList(what: "summary"), "empty"),
            (error { () throws(MetricsError) in _ = try percentile([1], 101) }, .percentileOutOfRange(101), "0...100"),
        ]
        for (got, expected, phrase) in cases {
            XCTAssertEqual(got, expected)
            XCTAssertTrue(expected.description.contains(phrase), expected.description)
        }
        // NaN spacing is not equatable to itself; check the kind.
        let nan = error { () throws(MetricsError) in _ = try evaluateSegmentation(prediction: four, groundTruth: four, shape: [2, 2], spacing: [.nan, 1]) }
        guard case .nonPositiveSpacing(_, let axis)? = nan else { return XCTFail("expected nonPositiveSpacing, got \(String(describing: nan))") }
        XCTAssertEqual(axis, 0)
    }
}
