// Plain reference of Winograd F(6x6, 3x3): naive matrix loops in Double on CHW arrays.

/// B^T (8x8), G (8x3) and A^T (6x8) of F(6x6, 3x3) (points 0, +-1, +-2, +-1/2, inf).
public enum WinogradF63Matrices {
    public static let bt: [[Double]] = [
        [1, 0, -21.0 / 4, 0, 21.0 / 4, 0, -1, 0],
        [0, 1, 1, -17.0 / 4, -17.0 / 4, 1, 1, 0],
        [0, -1, 1, 17.0 / 4, -17.0 / 4, -1, 1, 0],
        [0, 0.5, 0.25, -2.5, -1.25, 2, 1, 0],
        [0, -0.5, 0.25, 2.5, -1.25, -2, 1, 0],
        [0, 2, 4, -2.5, -5, 0.5, 1, 0],
        [0, -2, 4, 2.5, -5, -0.5, 1, 0],
        [0, -1, 0, 21.0 / 4, 0, -21.0 / 4, 0, 1],
    ]
    public static let g: [[Double]] = [
        [1, 0, 0],
        [-2.0 / 9, -2.0 / 9, -2.0 / 9],
        [-2.0 / 9, 2.0 / 9, -2.0 / 9],
        [1.0 / 90, 1.0 / 45, 2.0 / 45],
        [1.0 / 90, -1.0 / 45, 2.0 / 45],
        [32.0 / 45, 16.0 / 45, 8.0 / 45],
        [32.0 / 45, -16.0 / 45, 8.0 / 45],
        [0, 0, 1],
    ]
    public static let at: [[Double]] = [
        [1, 1, 1, 1, 1, 1, 1, 0],
        [0, 1, -1, 2, -2, 0.5, -0.5, 0],
        [0, 1, 1, 4, 4, 0.25, 0.25, 0],
        [0, 1, -1, 8, -8, 0.125, -0.125, 0],
        [0, 1, 1, 16, 16, 0.0625, 0.0625, 0],
        [0, 1, -1, 32, -32, 0.03125, -0.03125, 1],
    ]
}

/// Reference F(6x6,3x3) conv (stride 1, pad 1): CHW [C][H][W] in, OIHW weights, bias [K],
/// CHW [K][H][W] out. All arithmetic in Double.
public func winogradF63ReferenceConv(input: [Float], inChannels c: Int, height h: Int, width w: Int,
                                     weights: [Float], bias: [Float], outChannels k: Int,
                                     relu: Bool) -> [Float] {
    precondition(input.count == c * h * w && weights.count == k * c * 9 && bias.count == k)
    let bt = WinogradF63Matrices.bt, g = WinogradF63Matrices.g, at = WinogradF63Matrices.at
    var u = [Double](repeating: 0, count: k * c * 64)
    for ko in 0..<k {
        for ci in 0..<c {
            for i in 0..<8 {
                for j in 0..<8 {
                    var s = 0.0
                    for a in 0..<3 {
                        for b in 0..<3 {
                            s += g[i][a] * Double(weights[((ko * c + ci) * 3 + a) * 3 + b]) * g[j][b]
                        }
                    }
                    u[(ko * c + ci) * 64 + i * 8 + j] = s
                }
            }
        }
    }
    var out = [Float](repeating: 0, count: k * h * w)
    let tilesH = (h + 5) / 6, tilesW = (w + 5) / 6
    var v = [Double](repeating: 0, count: c * 64)
    for ty in 0..<tilesH {
        for tx in 0..<tilesW {
            for ci in 0..<c {
                var d = [Double](repeating: 0, count: 64)
                for r in 0..<8 {
                    for q in 0..<8 {
                        let y = ty * 6 - 1 + r, x = tx * 6 - 1 + q
                        if y >= 0 && y < h && x >= 0 && x < w { d[r * 8 + q] = Double(input[(ci * h + y) * w + x]) }
                    }
                }
                for i in 0..<8 {
                    for j in 0..<8 {
                        var s = 0.0
                        for a in 0..<8 { for b in 0..<8 { s += bt[i][a] * d[a * 8 + b] * bt[j][b] } }
                        v[ci * 64 + i * 8 + j] = s
                    }
                }
            }
            for ko in 0..<k {
                var m = [Double](repeating: 0, count: 64)
                for ci in 0..<c {
                    for p in 0..<64 { m[p] += v[ci * 64 + p] * u[(ko * c + ci) * 64 + p] }
                }
                for i in 0..<6 {
                    for j in 0..<6 {
                        let y = ty * 6 + i, x = tx * 6 + j
                        if y >= h || x >= w { continue }
                        var s = Double(bias[ko])
                        for a in 0..<8 { for b in 0..<8 { s += at[i][a] * m[a * 8 + b] * at[j][b] } }
                        if relu { s = max(s, 0) }
                        out[(ko * h + y) * w + x] = Float(s)
                    }
                }
            }
        }
    }
    return out
}
