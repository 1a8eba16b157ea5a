/// Builds the layer program of tools/splineseg_train/networks.py from a validated spec and its
/// weights, checking that every tensor exists with the architecture's shape. BatchNorm (eps 1e-5,
/// eval mode) is folded into the preceding conv of each conv block, in Double.
package struct NetworkBuilder {
    package static let bnEpsilon = 1e-5

    /// Returns the named tensor after checking it has `shape` (safetensors, or a recorder).
    package typealias Fetch = (_ name: String, _ shape: [Int]) throws(ModelError) -> [Float]
    private let fetch: Fetch
    private var steps: [Network.Step] = []
    /// Register of the latest output and its channel count.
    private var current = 0
    private var channels = 1

    private init(fetch: @escaping Fetch) { self.fetch = fetch }

    package static func build(spec: ModelSpec, tensors: SafeTensors) throws(ModelError) -> Network {
        try build(spec: spec) { (name, shape) throws(ModelError) in try checkedWeight(tensors, name, shape) }
    }

    /// The tensors (name, shape) the spec's architecture reads, in PyTorch state_dict order
    /// (without BatchNorm's num_batches_tracked). The spec must be valid.
    package static func manifest(spec: ModelSpec) -> [(name: String, shape: [Int])] {
        final class Box { var list: [(name: String, shape: [Int])] = [] }
        let box = Box()
        _ = try? build(spec: spec) { (name, shape) throws(ModelError) in
            box.list.append((name, shape))
            return [Float](repeating: 1, count: shape.reduce(1, *))
        }
        return box.list
    }

    /// The spec's network with placeholder weights (all ones): its structure, for planning a
    /// model whose weights come packed (.sspack, built-in). The spec must be valid.
    package static func placeholder(spec: ModelSpec) -> Network {
        guard let n = try? build(spec: spec, fetch: { (_, shape) throws(ModelError) in
            [Float](repeating: 1, count: shape.reduce(1, *))
        }) else { preconditionFailure("NetworkBuilder.placeholder: a validated spec failed to build (internal bug)") }
        return n
    }

    private static func build(spec: ModelSpec, fetch: @escaping Fetch) throws(ModelError) -> Network {
        var b = NetworkBuilder(fetch: fetch)
        switch spec.architecture {
        case "vgg-implicit1": try b.vgg(blocks: 3, head: 16)
        case "vgg-implicit2": try b.vgg(blocks: 4, head: 32)
        default: try b.unet(depth: spec.depth ?? 0, bottleneck: spec.bottleneck ?? 1, filters: spec.filters ?? 1, input: spec.input)
        }
        return Network(steps: b.steps, input: spec.input, output: spec.coefficients)
    }

    // MARK: architectures

    /// VGG-16 blocks 1...n (pool between blocks), head 1x1 conv -> BN -> tanh -> 1x1 conv.
    private mutating func vgg(blocks: Int, head: Int) throws(ModelError) {
        let layout = [(64, 2), (128, 2), (256, 3), (512, 3)]
        for b in 1...blocks {
            if b > 1 { add("features.pool\(b - 1)", .maxPool2, [current]) }
            for k in 1...layout[b - 1].1 { try convBlock("features.conv\(b)_\(k)", cout: layout[b - 1].0) }
        }
        try conv1x1("head.conv", cout: head)
        try batchNorm("head.bn", channels: head)
        add("head.tanh", .tanh, [current])
        try conv1x1("head.out", cout: 1)
    }

    /// UNetImplicit(d, b, f): encoder levels, bottleneck pool, d up steps, 1x1 head.
    private mutating func unet(depth d: Int, bottleneck b: Int, filters f: Int, input: Int) throws(ModelError) {
        var skips: [(reg: Int, channels: Int, size: Int)] = []
        var size = input
        for i in 0...d {
            try convBlock("encoder.\(i).conv1", cout: f << i)
            try convBlock("encoder.\(i).conv2", cout: f << i)
            if i < d {
                skips.append((current, channels, size))
                add("pools.\(i)", .maxPool2, [current])
                size /= 2
            }
        }
        add("bottleneck_pool", .avgPool(kernel: size / b), [current])
        size = b
        for j in 0..<d {
            let c = f << (d - 1 - j), skip = skips[d - 1 - j], deeper = current
            size *= 2
            add("decoder.\(j).skip_pool", .avgPool(kernel: skip.size / size), [skip.reg])
            let pooled = current
            let w = try weight("decoder.\(j).upconv.weight", [2 * c, c, 2, 2])
            let bias = try weight("decoder.\(j).upconv.bias", [c])
            add("decoder.\(j).upconv", .upconv(weight: w, bias: bias, cout: c), [deeper])
            add("decoder.\(j).cat", .concat, [pooled, current])
            channels = 2 * c
            try convBlock("decoder.\(j).conv1", cout: c)
            try convBlock("decoder.\(j).conv2", cout: c)
        }
        try conv1x1("head", cout: 1)
    }

    // MARK: layers

    /// conv 3x3 + BN + ReLU with the BN folded: w' = w g/sqrt(v+eps), b' = (b-m) g/sqrt(v+eps) + beta.
    private mutating func convBlock(_ name: String, cout: Int) throws(ModelError) {
        let cin = channels
        var w = try weight("\(name).conv.weight", [cout, cin, 3, 3])
        var bias = try weight("\(name).conv.bias", [cout])
        let (scale, shift) = try bnAffine("\(name).bn", channels: cout)
        let k = cin * 9
        for co in 0..<cout {
            let s = Double(scale[co])
            for i in 0..<k { w[co * k + i] = Float(Double(w[co * k + i]) * s) }
            bias[co] = Float(Double(bias[co]) * s + Double(shift[co]))
        }
        add(name, .conv(weight: w, bias: bias, cout: cout, kernel: 3, relu: true), [current])
        channels = cout
    }

    private mutating func conv1x1(_ name: String, cout: Int) throws(ModelError) {
        let w = try weight("\(name).weight", [cout, channels, 1, 1])
        let b = try weight("\(name).bias", [cout])
        add(name, .conv(weight: w, bias: b, cout: cout, kernel: 1, relu: false), [current])
        channels = cout
    }

    private mutating func batchNorm(_ name: String, channels c: Int) throws(ModelError) {
        let (scale, shift) = try bnAffine(name, channels: c)
        add(name, .affine(scale: scale.map { Float($0) }, shift: shift.map { Float($0) }), [current])
    }

    /// Eval BatchNorm as y = x scale + shift (Double): scale = g/sqrt(v+eps), shift = beta - m scale.
    private func bnAffine(_ name: String, channels c: Int) throws(ModelError) -> ([Double], [Double]) {
        let g = try weight("\(name).weight", [c]), beta = try weight("\(name).bias", [c])
        let m = try weight("\(name).running_mean", [c]), v = try weight("\(name).running_var", [c])
        var scale = [Double](repeating: 0, count: c), shift = scale
        for i in 0..<c {
            guard v[i] >= 0 else {
                throw ModelError.specInvalid("'\(name).running_var' has a negative entry (\(v[i])); the weights are corrupt, re-export")
            }
            scale[i] = Double(g[i]) / (Double(v[i]) + NetworkBuilder.bnEpsilon).squareRoot()
            shift[i] = Double(beta[i]) - Double(m[i]) * scale[i]
        }
        return (scale, shift)
    }

    private mutating func add(_ name: String, _ op: Network.Op, _ inputs: [Int]) {
        let out = steps.count + 1
        steps.append(Network.Step(name: name, op: op, inputs: inputs, output: out))
        current = out
    }

    private func weight(_ name: String, _ shape: [Int]) throws(ModelError) -> [Float] {
        try fetch(name, shape)
    }

    /// The named F32 tensor, checked for presence, shape and finiteness.
    private static func checkedWeight(_ tensors: SafeTensors, _ name: String, _ shape: [Int]) throws(ModelError) -> [Float] {
        guard let e = tensors.entries[name] else { throw ModelError.missingTensor(name: name, expectedShape: shape) }
        guard e.shape == shape else { throw ModelError.tensorShape(name: name, expected: shape, got: e.shape) }
        guard let v = tensors.floats(name) else {
            throw ModelError.safetensors("tensor '\(name)' has dtype \(e.dtype.rawValue), expected F32")
        }
        guard v.allSatisfy({ $0.isFinite }) else { throw ModelError.nonFiniteWeight(name: name) }
        return v
    }
}
