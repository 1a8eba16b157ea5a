// Plain reference of the Winograd F(4x4, 3x3) algorithm: the same transform math as
// WinogradF43.swift written with naive matrix loops in Double on plain CHW arrays.
// Used by the tests to check the fast kernel (and, against a naive direct conv, the math).

/// B^T (6x6), G (6x3) and A^T (4x6) of F(4x4, 3x3).
public enum WinogradF43Matrices {
    public static let bt: [[Double]] = [
        [4, 0, -5, 0, 1, 0],
        [0, -4, -4, 1, 1, 0],
        [0, 4, -4, -1, 1, 0],
        [0, -2, -1, 2, 1, 0],
        [0, 2, -1, -2, 1, 0],
        [0, 4, 0, -5, 0, 1],
    ]
    public static let g: [[Double]] = [
        [1.0 / 4, 0, 0],
        [-1.0 / 6, -1.0 / 6, -1.0 / 6],
        [-1.0 / 6, 1.0 / 6, -1.0 / 6],
        [1.0 / 24, 1.0 / 12, 1.0 / 6],
        [1.0 / 24, -1.0 / 12, 1.0 / 6],
        [0, 0, 1],
    ]
    public static let at: [[Double]] = [
        [1, 1, 1, 1, 1, 0],
        [0, 1, -1, 2, -2, 0],
        [0, 1, 1, 4, 4, 0],
        [0, 1, -1, 8, -8, 1],
    ]
}

/// Reference F(4x4,3x3) conv (stride 1, pad 1) on plain CHW input [C][H][W], OIHW weights
/// [K][C][3][3], bias [K]; returns CHW [K][H][W]. All arithmetic in Double.
public func winogradF43ReferenceConv(input: [Float], inChannels c: Int, height h: Int, width w: Int,
                                     weights: [Float], bias: [Float], outChannels k: Int,
                                     relu: Bool) -> [Float] {
    precondition(input.count == c * h * w && weights.count == k * c * 9 && bias.count == k)
    let bt = WinogradF43Matrices.bt, g = WinogradF43Matrices.g, at = WinogradF43Matrices.at
    // U[k][c] = G g G^T (6x6)
    var u = [Double](repeating: 0, count: k * c * 36)
    for ko in 0..<k {
        for ci in 0..<c {
            for i in 0..<6 {
                for j in 0..<6 {
                    var s = 0.0
                    for a in 0..<3 {
                        for b in 0..<3 {
                            s += g[i][a] * Double(weights[((ko * c + ci) * 3 + a) * 3 + b]) * g[j][b]
                        }
                    }
                    u[(ko * c + ci) * 36 + i * 6 + j] = s
                }
            }
        }
    }
    var out = [Float](repeating: 0, count: k * h * w)
    let tilesH = (h + 3) / 4, tilesW = (w + 3) / 4
    var v = [Double](repeating: 0, count: c * 36)
    for ty in 0..<tilesH {
        for tx in 0..<tilesW {
            // V[c] = B^T d B, d = 6x6 patch at (4ty - 1, 4tx - 1), zero outside the image
            for ci in 0..<c {
                var d = [Double](repeating: 0, count: 36)
                for r in 0..<6 {
                    for q in 0..<6 {
                        let y = ty * 4 - 1 + r, x = tx * 4 - 1 + q
                        if y >= 0 && y < h && x >= 0 && x < w { d[r * 6 + q] = Double(input[(ci * h + y) * w + x]) }
                    }
                }
                for i in 0..<6 {
                    for j in 0..<6 {
                        var s = 0.0
                        for a in 0..<6 { for b in 0..<6 { s += bt[i][a] * d[a * 6 + b] * bt[j][b] } }
                        v[ci * 36 + i * 6 + j] = s
                    }
                }
            }
            for ko in 0..<k {
                var m = [Double](repeating: 0, count: 36)
                for ci in 0..<c {
                    for p in 0..<36 { m[p] += v[ci * 36 + p] * u[(ko * c + ci) * 36 + p] }
                }
                for i in 0..<4 {
                    for j in 0..<4 {
                        let y = ty * 4 + i, x = tx * 4 + j
                        if y >= h || x >= w { continue }
                        var s = Double(bias[ko])
                        for a in 0..<6 { for b in 0..<6 { s += at[i][a] * m[a * 6 + b] * at[j][b] } }
                        if relu { s = max(s, 0) }
                        out[(ko * h + y) * w + x] = Float(s)
                    }
                }
            }
        }
    }
    return out
}
