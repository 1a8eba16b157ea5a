import SplineCore

/// SVG of the sub-pixel contours over a width x height image. Contour points have pixel centres
/// at integers; SVG pixels span [i, i+1], so points are shifted by +0.5 to sit on the image.
/// One path, even-odd fill, so holes show as holes.
func contoursSVG(_ set: ContourSet, width: Int, height: Int) -> String {
    var d = ""
    for c in set.contours where !c.points.isEmpty {
        for (i, p) in c.points.enumerated() {
            d += (i == 0 ? "M" : "L") + coord(p.x + 0.5) + " " + coord(p.y + 0.5) + " "
        }
        d += "Z "
    }
    return """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)">
        <path d="\(d.trimmingTrailingSpace())" fill="red" fill-opacity="0.3" fill-rule="evenodd" stroke="red" stroke-width="0.5"/>
        </svg>

        """
}

/// GeoJSON FeatureCollection with one MultiPolygon in pixel coordinates [x = column, y = row]
/// (pixel centres at integers). Each hole is attached to the smallest outer boundary that
/// contains it; rings are closed (first point repeated); outer rings are counter-clockwise in
/// the (x, y) frame, holes clockwise, as RFC 7946 asks.
func contoursGeoJSON(_ set: ContourSet, properties: String) -> String {
    let outers = set.contours.filter { !$0.isHole && $0.points.count >= 3 }
    var holes = [[Contour]](repeating: [], count: outers.count)
    for h in set.contours where h.isHole && h.points.count >= 3 {
        let p = h.points[0]
        let owner = outers.indices.filter { contains(outers[$0].points, p) }
            .min { outers[$0].signedArea < outers[$1].signedArea }
        if let owner { holes[owner].append(h) }
    }
    func ring(_ c: Contour) -> String {
        "[" + (c.points + [c.points[0]]).map { "[\(coord($0.x)),\(coord($0.y))]" }.joined(separator: ",") + "]"
    }
    let polygons = outers.indices.map { i in "[" + ([ring(outers[i])] + holes[i].map(ring)).joined(separator: ",") + "]" }
    return """
        {"type":"FeatureCollection","features":[{"type":"Feature","properties":\(properties),\
        "geometry":{"type":"MultiPolygon","coordinates":[\(polygons.joined(separator: ","))]}}]}

        """
}

/// Even-odd point-in-polygon test.
private func contains(_ poly: [SIMD2<Double>], _ p: SIMD2<Double>) -> Bool {
    var inside = false
    var j = poly.count - 1
    for i in poly.indices {
        let a = poly[i], b = poly[j]
        if (a.y > p.y) != (b.y > p.y), p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x { inside.toggle() }
        j = i
    }
    return inside
}

/// Sub-pixel coordinates to 4 decimals: 1e-4 px is far below any display's resolution.
private func coord(_ v: Double) -> String { fixed(v, 4) }

private extension String {
    func trimmingTrailingSpace() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
