import SplineSeg

/// How far one layer's output is from its reference: max |mine - ref| over the compared
/// elements, relative to max |ref| over the whole layer, and where the worst element sits.
public struct LayerDiff: Sendable {
    public struct Position: Sendable, Equatable { public let channel: Int, row: Int, column: Int }
    public let name: String
    /// [1, C, H, W].
    public let shape: [Int]
    /// Elements compared (the whole layer, or the fixture's strided sample).
    public let compared: Int
    /// NaN when either side has a NaN: such a layer never passes a tolerance.
    public let maxAbsDiff: Double
    public let referenceMaxAbs: Double
    /// The worst element (CHW position), its value and the reference's.
    public let worst: Position
    public let value: Float, reference: Float
    public var relative: Double { maxAbsDiff / max(referenceMaxAbs, 1e-30) }
    public func passes(tolerance: Double) -> Bool { relative <= tolerance }
}

/// One element of a layer against its reference.
public struct ElementDiff: Sendable {
    public let position: LayerDiff.Position
    public let value: Float, reference: Float
    /// |value - reference|; NaN when either is NaN.
    public var difference: Double { abs(Double(value) - Double(reference)) }
}

/// Coefficients and native-grid values relative to max |ref|, and mask agreement.
public struct OutputDiff: Sendable {
    public let coefficientsRelative: Double, valuesRelative: Double
    public let maskAgree: Int, maskPixels: Int
    public var maskAgreement: Double { Double(maskAgree) / Double(max(maskPixels, 1)) }
}

/// Per-layer comparison of an engine's `layerOutputs` against a golden fixture or against
/// another engine: the first layer out of tolerance is where to look.
public enum LayerComparison {
    /// `outputs` against the fixture's layers, by name, in `outputs`' order. Fixture layers the
    /// engine does not materialise (fused away) are returned in `notMaterialised`.
    public static func compare(_ outputs: [LayerOutput], with fixture: GoldenFixture) throws(GoldenError)
        -> (diffs: [LayerDiff], notMaterialised: [String])
    {
        var byName: [String: GoldenFixture.Layer] = [:]
        for l in fixture.layers { byName[l.name] = l }
        var diffs: [LayerDiff] = []
        for o in outputs {
            guard let g = byName[o.name] else {
                throw .layerMismatch(fixture: fixture.name, detail: "layer \(o.name) is not among PyTorch's layers")
            }
            guard o.shape == g.shape else {
                throw .layerMismatch(fixture: fixture.name, detail: "layer \(o.name) has shape \(o.shape), PyTorch's \(g.shape)")
            }
            let ref = try fixture.reference(g)
            let n = (o.values.count + g.stride - 1) / g.stride
            guard ref.count == g.count, n == g.count else {
                throw .layerMismatch(fixture: fixture.name, detail: "layer \(o.name): sample of \(n) values, the fixture holds \(ref.count) (index says \(g.count))")
            }
            diffs.append(diff(o, ref, stride: g.stride, referenceMaxAbs: g.maxAbs))
        }
        let seen = Set(outputs.map(\.name))
        return (diffs, fixture.layers.map(\.name).filter { !seen.contains($0) })
    }

    /// `outputs` against `reference` (another engine on the same input), by name; layers only
    /// `reference` has are returned in `notMaterialised`.
    public static func compare(_ outputs: [LayerOutput], with reference: [LayerOutput]) throws(GoldenError)
        -> (diffs: [LayerDiff], notMaterialised: [String])
    {
        var byName: [String: LayerOutput] = [:]
        for l in reference { byName[l.name] = l }
        var diffs: [LayerDiff] = []
        for o in outputs {
            guard let r = byName[o.name], r.shape == o.shape else {
                throw .layerMismatch(fixture: "engines", detail: "layer \(o.name) \(o.shape) has no counterpart of that shape in the reference engine")
            }
            diffs.append(diff(o, r.values, stride: 1, referenceMaxAbs: nil))
        }
        let seen = Set(outputs.map(\.name))
        return (diffs, reference.map(\.name).filter { !seen.contains($0) })
    }

    /// max |a[k * stride] - b[k]| over b's indices, the k where it is, and max |b[k]|. A NaN on
    /// either side makes the difference NaN (the first NaN's k): it never passes a tolerance.
    public static func maxAbsDifference(_ a: [Float], _ b: [Float], stride: Int = 1) -> (diff: Double, at: Int, refMax: Double) {
        var worst = 0.0, at = 0, refMax = 0.0
        for k in b.indices {
            let d = abs(Double(a[k * stride]) - Double(b[k]))
            if !(d <= worst) && !worst.isNaN {  // the first NaN sticks
                worst = d
                at = k
            }
            refMax = max(refMax, abs(Double(b[k])))
        }
        return (worst, at, refMax)
    }

    /// Elements 0, stride, 2 stride, ... of `o` against `ref`; `referenceMaxAbs` nil: from `ref`.
    static func diff(_ o: LayerOutput, _ ref: [Float], stride: Int, referenceMaxAbs: Double?) -> LayerDiff {
        let (worst, worstK, refMax) = maxAbsDifference(o.values, ref, stride: stride)
        let flat = worstK * stride
        return LayerDiff(name: o.name, shape: o.shape, compared: ref.count, maxAbsDiff: worst,
                         referenceMaxAbs: referenceMaxAbs ?? refMax, worst: position(flat, o.shape),
                         value: ref.isEmpty ? 0 : o.values[flat], reference: ref.isEmpty ? 0 : ref[worstK])
    }

    /// The CHW position of element `flat` of a [1, C, H, W] layer.
    static func position(_ flat: Int, _ shape: [Int]) -> LayerDiff.Position {
        let c = shape.count == 4 ? shape[1] : 1, h = shape.count == 4 ? shape[2] : 1, w = max(shape.last ?? 1, 1)
        return LayerDiff.Position(channel: flat / (h * w) % max(c, 1), row: flat / w % max(h, 1), column: flat % w)
    }

    /// The `count` elements of `o` farthest from `ref` (elements 0, stride, 2 stride, ... of
    /// `o`), largest difference first, NaN before everything: several of them show the pattern
    /// of a kernel bug (one column of every tile, one channel block, the last rows) that the
    /// single worst element does not.
    public static func worstElements(_ o: LayerOutput, _ ref: [Float], stride: Int, count: Int) -> [ElementDiff] {
        guard count > 0 else { return [] }
        var all: [(d: Double, k: Int)] = []
        all.reserveCapacity(ref.count)
        for k in ref.indices {
            let d = abs(Double(o.values[k * stride]) - Double(ref[k]))
            all.append((d.isNaN ? .infinity : d, k))
        }
        // Stable order for equal differences: lower index first.
        all.sort { $0.d != $1.d ? $0.d > $1.d : $0.k < $1.k }
        return all.prefix(count).map {
            ElementDiff(position: position($0.k * stride, o.shape), value: o.values[$0.k * stride], reference: ref[$0.k])
        }
    }

    /// A segmentation's coefficients, native values and mask against the fixture's.
    public static func compare(_ s: Segmentation, with fixture: GoldenFixture) -> OutputDiff {
        func rel(_ a: [Float], _ b: [Float]) -> Double {
            guard a.count == b.count else { return .infinity }
            let d = maxAbsDifference(a, b)
            return d.diff / max(d.refMax, 1e-30)
        }
        let agree = s.mask.count == fixture.mask.count ? zip(s.mask, fixture.mask).filter { $0 == $1 }.count : 0
        return OutputDiff(coefficientsRelative: rel(s.coefficients, fixture.coefficients),
                          valuesRelative: rel(s.values, fixture.nativeValues),
                          maskAgree: agree, maskPixels: fixture.mask.count)
    }
}
