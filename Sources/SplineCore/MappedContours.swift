/// Maps pixel coordinates of one grid axis to spline parameters: s = domainEnd (index + offset)
/// / (points - 1), i.e. the axis is a window starting at `offset` on an axis of `points` pixels
/// spanning [0, O-p] (s = 0 for a single point). offset 0, points = n is the plain PixelGrid.
/// Used for images padded to a square before the network (SplineSeg pad-square geometry).
public struct AxisMap: Sendable, Equatable {
    public let points: Int
    public let offset: Int
    public let domainEnd: Double

    public init(points: Int, offset: Int, domainEnd: Double) {
        self.points = points
        self.offset = offset
        self.domainEnd = domainEnd
    }

    @inline(__always)
    public func parameter(_ index: Double) -> Double {
        points > 1 ? domainEnd * (index + Double(offset)) / Double(points - 1) : 0
    }
}
