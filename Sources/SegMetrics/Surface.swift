/// Surface voxels: foreground voxels with a background face neighbour (4-connectivity in 2-D,
/// 6 in 3-D), where outside the array is background. Equals
/// `mask & ~binary_erosion(mask, generate_binary_structure(ndim, 1), border_value=0)`.
/// Returns flat indices in ascending order.
func surfaceIndices(_ mask: [UInt8], grid: Grid) -> [Int] {
    let n0 = grid.n0, n1 = grid.n1, n2 = grid.n2
    let plane = n0 * n1
    let checkZ = grid.rank == 3
    var result: [Int] = []
    mask.withUnsafeBufferPointer { m in
        for k in 0..<n2 {
            for j in 0..<n1 {
                let row = (k * n1 + j) * n0
                for i in 0..<n0 {
                    let p = row + i
                    if m[p] == 0 { continue }
                    var edge = i == 0 || i == n0 - 1 || m[p - 1] == 0 || m[p + 1] == 0
                    edge = edge || j == 0 || j == n1 - 1 || m[p - n0] == 0 || m[p + n0] == 0
                    if checkZ && !edge {
                        edge = k == 0 || k == n2 - 1 || m[p - plane] == 0 || m[p + plane] == 0
                    }
                    if edge { result.append(p) }
                }
            }
        }
    }
    return result
}

/// The surface of `mask` as a mask of the same shape (1 = surface voxel), see `SegMetrics.swift`.
public func surfaceMask(_ mask: [UInt8], shape: [Int]) throws(MetricsError) -> [UInt8] {
    // Spacing plays no role in the surface; validate the shape with unit spacing.
    let grid = try Grid(shape: shape, spacing: Array(repeating: 1, count: shape.count))
    try grid.check(mask, name: "mask")
    var out = [UInt8](repeating: 0, count: grid.count)
    for p in surfaceIndices(mask, grid: grid) { out[p] = 1 }
    return out
}
