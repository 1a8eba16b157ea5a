// Plain reference of the Winograd F(m x m, 3x3) algorithm: the same transform math as
// WinogradF43.swift / WinogradF63.swift written with naive matrix loops in Double on plain CHW
// arrays, one function for both tile sizes (the matrices set n = m + 2 and m). Used by the tests
// to check the fast kernels (and, against a naive direct conv, the math).

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
    winogradReferenceConv(bt: WinogradF43Matrices.bt, g: WinogradF43Matrices.g, at: WinogradF43Matrices.at,
                          input: input, inChannels: c, height: h, width: w,
                          weights: weights, bias: bias, outChannels: k, relu: relu)
}

/// Reference F(m x m, 3x3) conv for the matrices B^T (n x n), G (n x 3), A^T (m x n), n = m + 2;
/// same arguments and result as `winogradF43ReferenceConv`. Output tile (ty, tx) reads the
/// n x n patch at (m ty - 1, m tx - 1), zeros outside the image.
func winogradReferenceConv(bt: [[Double]], g: [[Double]], at: [[Double]],
                           input: [Float], inChannels c: Int, height h: Int, width w: Int,
                           weights: [Float], bias: [Float], outChannels k: Int, relu: Bool) -> [Float] {
    precondition(input.count == c * h * w && weights.count == k * c * 9 && bias.count == k)
    let n = bt.count, m = at.count, nn = n * n
    precondition(n == m + 2 && g.count == n && at.allSatisfy { $0.count == n }, "winograd reference: matrix shapes")
    // U[k][c] = G g G^T (n x n)
    var u = [Double](repeating: 0, count: k * c * nn)
    for ko in 0..<k {
        for ci in 0..<c {
            for i in 0..<n {
                for j in 0..<n {
                    var s = 0.0
                    for a in 0..<3 {
                        for b in 0..<3 {
                            s += g[i][a] * Double(weights[((ko * c + ci) * 3 + a) * 3 + b]) * g[j][b]
                        }
                    }
                    u[(ko * c + ci) * nn + i * n + j] = s
                }
            }
        }
    }
    var out = [Float](repeating: 0, count: k * h * w)
    let tilesH = (h + m - 1) / m, tilesW = (w + m - 1) / m
    var v = [Double](repeating: 0, count: c * nn)
    for ty in 0..<tilesH {
        for tx in 0..<tilesW {
            // V[c] = B^T d B, d = the n x n patch at (m ty - 1, m tx - 1), zero outside the image
            for ci in 0..<c {
                var d = [Double](repeating: 0, count: nn)
                for r in 0..<n {
                    for q in 0..<n {
                        let y = ty * m - 1 + r, x = tx * m - 1 + q
                        if y >= 0 && y < h && x >= 0 && x < w { d[r * n + q] = Double(input[(ci * h + y) * w + x]) }
                    }
                }
                for i in 0..<n {
                    for j in 0..<n {
                        var s = 0.0
                        for a in 0..<n { for b in 0..<n { s += bt[i][a] * d[a * n + b] * bt[j][b] } }
                        v[ci * nn + i * n + j] = s
                    }
                }
            }
            for ko in 0..<k {
                var mm = [Double](repeating: 0, count: nn)
                for ci in 0..<c {
                    for p in 0..<nn { mm[p] += v[ci * nn + p] * u[(ko * c + ci) * nn + p] }
                }
                for i in 0..<m {
                    for j in 0..<m {
                        let y = ty * m + i, x = tx * m + j
                        if y >= h || x >= w { continue }
                        var s = Double(bias[ko])
                        for a in 0..<n { for b in 0..<n { s += at[i][a] * mm[a * n + b] * at[j][b] } }
                        if relu { s = max(s, 0) }
                        out[(ko * h + y) * w + x] = Float(s)
                    }
                }
            }
        }
    }
    return out
}
