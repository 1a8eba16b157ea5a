/// Foreground masks: 1 where F > 0, 0 elsewhere (F == 0 exactly and NaN are background).
extension ImplicitSpline {
    /// Mask of F on an H x W grid, H*W bytes row-major.
    public func mask(rows h: Int, cols w: Int, threads: Int = 1) throws(SplineError) -> [UInt8] {
        ImplicitSpline.mask(values: try evaluate(rows: h, cols: w, threads: threads))
    }

    /// Thresholds evaluated grid values.
    public static func mask(values: [Float]) -> [UInt8] {
        values.map { $0 > 0 ? 1 : 0 }
    }

    /// Number of foreground pixels (F > 0) among evaluated grid values.
    public static func foregroundCount(values: [Float]) -> Int {
        values.reduce(0) { $0 + ($1 > 0 ? 1 : 0) }
    }
}
