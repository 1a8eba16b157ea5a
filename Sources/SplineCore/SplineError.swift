/// Validation errors of SplineCore. Every public entry point checks its input once and throws
/// one of these; nothing in the module traps on caller-provided sizes or values.
public enum SplineError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The degree is negative.
    case negativeDegree(Int)
    /// O <= p: an open uniform knot vector needs more coefficients than the degree.
    case tooFewCoefficients(coefficients: Int, degree: Int)
    /// The coefficient array does not hold O*O values.
    case coefficientCount(expected: Int, got: Int)
    /// A grid or axis with no pixels.
    case emptyGrid(rows: Int, cols: Int)
    /// A size product overflows Int.
    case sizeOverflow(what: String)
    /// A caller-provided buffer is shorter than needed.
    case bufferTooSmall(name: String, needed: Int, got: Int)
    /// A collocation does not match the spline (coefficient count or degree) or is a derivative
    /// collocation where values are needed.
    case collocationMismatch(String)
    /// A pixel spacing that is not finite and positive.
    case invalidSpacing(row: Double, column: Double)
    /// Grid values given to the contour extraction do not have rows*cols entries.
    case valueCount(expected: Int, got: Int)

    public var description: String {
        switch self {
        case .negativeDegree(let p):
            return "SplineCore (KnotVector.swift): degree \(p) is negative; use a degree p >= 0"
        case .tooFewCoefficients(let o, let p):
            return "SplineCore (KnotVector.swift): \(o) coefficients per axis with degree \(p); "
                + "an open uniform spline needs O > p, use at least \(max(p, 0) + 1) coefficients"
        case .coefficientCount(let e, let g):
            return "SplineCore (ImplicitSpline.swift): got \(g) coefficients, expected O*O = \(e) "
                + "(row-major, row = y); pass exactly O*O values"
        case .emptyGrid(let r, let c):
            return "SplineCore (PixelGrid.swift): grid \(r) x \(c) has no pixels; rows and cols must be >= 1"
        case .sizeOverflow(let w):
            return "SplineCore: size of \(w) overflows Int; use smaller dimensions"
        case .bufferTooSmall(let n, let need, let got):
            return "SplineCore (GridEvaluation.swift): buffer '\(n)' holds \(got) floats, needs \(need); "
                + "allocate at least that many"
        case .collocationMismatch(let m):
            return "SplineCore (GridEvaluation.swift): \(m)"
        case .invalidSpacing(let r, let c):
            return "SplineCore (Contours.swift): pixel spacing (row \(r), column \(c)) must be finite and > 0"
        case .valueCount(let e, let g):
            return "SplineCore (Contours.swift): \(g) grid values given, expected rows*cols = \(e)"
        }
    }
}

/// a*b with overflow reported as a typed error. `what` is only built on overflow (the
/// allocation-free evaluation path calls this on every run).
@inline(__always)
func checkedProduct(_ a: Int, _ b: Int, _ what: @autoclosure () -> String) throws(SplineError) -> Int {
    let (r, o) = a.multipliedReportingOverflow(by: b)
    if o { throw SplineError.sizeOverflow(what: what()) }
    return r
}
