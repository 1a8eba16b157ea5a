// Random-weight models built in memory (no weights files): the spec, every tensor of the
// architecture's manifest filled from a seeded generator (conv weights U(+-sqrt(6/fan-in)),
// BatchNorm statistics in plausible ranges), serialised as safetensors and loaded like a file.
import SplineModel
import SplineSeg

struct SplitMix {
    var state: UInt64
    mutating func next() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Double((z ^ (z >> 31)) >> 11) * 0x1p-53
    }
}

struct ModelConfig {
    let label: String
    let architecture: String
    let input: Int
    var depth: Int? = nil, bottleneck: Int? = nil, filters: Int? = nil

    var coefficients: Int {
        switch architecture {
        case "vgg-implicit1": return input / 4
        case "vgg-implicit2": return input / 8
        default: return (bottleneck ?? 1) << (depth ?? 0)
        }
    }

    func load(seed: UInt64) throws -> SplineSegModel {
        var spec = ModelSpec(
            name: label, architecture: architecture, input: input, coefficients: coefficients, degree: 1,
            depth: depth, bottleneck: bottleneck, filters: filters,
            preprocessing: .init(parameters: .init(input: input)), sha256: String(repeating: "0", count: 64))
        var rng = SplitMix(state: seed)
        var header = "{"
        var data: [UInt8] = []
        for (i, t) in NetworkBuilder.manifest(spec: spec).enumerated() {
            let n = t.shape.reduce(1, *)
            let (lo, hi): (Double, Double)
            if t.name.hasSuffix("running_var") { (lo, hi) = (0.5, 2) }
            else if t.name.hasSuffix("running_mean") || t.name.hasSuffix("bias") { (lo, hi) = (-0.1, 0.1) }
            else if t.name.contains(".bn.") || t.name.hasPrefix("head.bn") { (lo, hi) = (0.5, 1.5) }
            else {
                let fan = Double(t.shape.count == 4 ? t.shape[1] * t.shape[2] * t.shape[3] : 1)
                (lo, hi) = (-(6 / fan).squareRoot(), (6 / fan).squareRoot())
            }
            let begin = data.count
            data.reserveCapacity(data.count + 4 * n)
            for _ in 0..<n {
                let v = Float(lo + (hi - lo) * rng.next())
                withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) }
            }
            header += (i > 0 ? "," : "") + "\"\(t.name)\":{\"dtype\":\"F32\",\"shape\":\(t.shape),\"data_offsets\":[\(begin),\(data.count)]}"
        }
        header += "}"
        var bytes: [UInt8] = []
        withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { bytes.append(contentsOf: $0) }
        bytes += Array(header.utf8)
        bytes += data
        spec.sha256 = SHA256.hex(bytes)
        return try SplineSegModel.load(spec: spec, safetensors: bytes)
    }
}
