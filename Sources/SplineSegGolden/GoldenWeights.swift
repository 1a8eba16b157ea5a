/// The weights of a splineseg-golden/1 fixture, regenerated from its recipe exactly as
/// tools/splineseg_train/golden.py draws them (generator splitmix64-uniform/1).
public enum GoldenWeights {
    /// u_k in [0, 1) for the k-th element overall (k = 1, 2, ...): z = seed + k * golden ratio,
    /// two xor-shift-multiply rounds, u = (z >> 11) 2^-53.
    public static func uniform(seed: UInt64, k: UInt64) -> Double {
        var z = seed &+ k &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Double(z >> 11) * 0x1p-53
    }

    /// One tensor of the recipe: values uniform in [lo, hi), drawn in order across tensors.
    struct Recipe: Decodable { let name: String, shape: [Int], lo: Double, hi: Double }

    /// The tensors in recipe order.
    static func regenerate(seed: UInt64, _ recipe: [Recipe]) -> [(name: String, shape: [Int], values: [Float])] {
        var k: UInt64 = 0
        var tensors: [(name: String, shape: [Int], values: [Float])] = []
        for t in recipe {
            var v = [Float](repeating: 0, count: t.shape.reduce(1, *))
            let span = t.hi - t.lo
            for i in v.indices {
                k &+= 1
                v[i] = Float(t.lo + span * uniform(seed: seed, k: k))
            }
            tensors.append((t.name, t.shape, v))
        }
        return tensors
    }
}
