extension ModelSpec {
    /// Largest network this runtime plans: 2^28 weights (1 GiB of float32). The paper's largest
    /// configuration, UNet(d4, b8, f64), has 31 M; validate() refuses more, so no spec can make
    /// the planner allocate without bound.
    public static let maxWeights = 1 << 28

    /// Weight floats the architecture reads (conv weights and biases, BatchNorm's four vectors,
    /// transposed convs, heads): the sum over NetworkBuilder.manifest(spec:), computed from the
    /// numbers alone so it allocates nothing. Saturates at Int.max for absurd sizes.
    public var weightCount: Int {
        var total = 0, cin = 1
        func add(_ n: Int) { let (s, o) = total.addingReportingOverflow(n); total = o ? Int.max : s }
        func mul(_ xs: Int...) -> Int {
            xs.reduce(1) { a, b in let (p, o) = a.multipliedReportingOverflow(by: b); return o ? Int.max : p }
        }
        func conv3(_ c: Int) { add(mul(cin, c, 9)); add(mul(5, c)); cin = c }  // conv + bias + BN (4 c)
        switch architecture {
        case "vgg-implicit1", "vgg-implicit2":
            let layout = [(64, 2), (128, 2), (256, 3), (512, 3)]
            for (c, n) in layout.prefix(architecture == "vgg-implicit1" ? 3 : 4) { for _ in 0..<n { conv3(c) } }
            let head = architecture == "vgg-implicit1" ? 16 : 32
            add(mul(cin, head)); add(mul(5, head)); add(head + 1)
        default:
            let d = max(0, min(depth ?? 0, 62)), f = max(1, filters ?? 1)
            func ch(_ i: Int) -> Int { i >= 62 || f > Int.max >> i ? Int.max : f << i }
            for i in 0...d { conv3(ch(i)); conv3(ch(i)) }
            for j in 0..<d {
                let c = ch(d - 1 - j)
                add(mul(2, c, c, 4)); add(c)  // 2x2 transposed conv 2c -> c, bias
                cin = c == Int.max ? c : 2 * c
                conv3(c); conv3(c)
            }
            add(cin == Int.max ? cin : cin + 1)
        }
        return total
    }
}
