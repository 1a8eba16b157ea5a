import CBuiltinModels
import SplineModel

/// Models whose weights come packed by splineseg-codegen: built into the binary
/// (`builtIn(name:)`) or a `<name>.sspack` next to the spec (`loadPacked(specPath:)`). They run
/// the fast engine only (no safetensors, so no reference engine and no re-planning).
extension SplineSegModel {
    /// Names of the models built into this binary.
    public static var builtInNames: [String] {
        (0..<Int(splineseg_builtin_count())).map { String(cString: splineseg_builtin_name(Int32($0))) }
    }

    /// A built-in model: spec and packed weights embedded in the binary (no copy of the weights).
    public static func builtIn(name: String) throws(ModelError) -> SplineSegModel {
        let names = builtInNames
        guard let i = names.firstIndex(of: name) else { throw ModelError.unknownBuiltIn(name: name, available: names) }
        var specSize = 0, packSize = 0
        let specBytes = splineseg_builtin_spec(Int32(i), &specSize)!
        let pack = UnsafeRawBufferPointer(start: splineseg_builtin_pack(Int32(i), &packSize)!, count: packSize)
        let spec = try ModelSpec.decode(json: Array(UnsafeBufferPointer(start: specBytes, count: specSize)))
        let header = try SSPack.header(pack)
        let floats = (pack.baseAddress! + SSPack.headerBytes).assumingMemoryBound(to: Float.self)
        return try packed(spec: spec, header: header, weights: PackedWeights(embedded: floats, count: header.floatCount))
    }

    /// Loads `<name>.json` and the code generator's `<name>.sspack` next to it.
    public static func loadPacked(specPath: String) throws(ModelError) -> SplineSegModel {
        let spec = try ModelFiles.spec(at: specPath).spec
        let path = ModelFiles.packPath(specPath: specPath)
        return try load(spec: spec, sspack: try ModelFiles.read(path, for: specPath, what: "packed weights (.sspack)"))
    }

    /// A model from a spec and .sspack bytes (checked against the spec's weights hash and plan).
    public static func load(spec: ModelSpec, sspack: [UInt8]) throws(ModelError) -> SplineSegModel {
        try spec.validate()
        let header = try sspack.withUnsafeBytes { p in
            Result { () throws(ModelError) in try SSPack.header(p) }
        }.get()
        var floats = [Float](repeating: 0, count: header.floatCount)
        floats.withUnsafeMutableBytes { dst in
            sspack.withUnsafeBytes { src in
                dst.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[SSPack.headerBytes...]))
            }
        }
        #if _endian(big)
        for i in floats.indices { floats[i] = Float(bitPattern: UInt32(littleEndian: floats[i].bitPattern)) }
        #endif
        return try packed(spec: spec, header: header, weights: PackedWeights(floats))
    }

    /// Checks a pack against the spec: same weights, same plan (shapes, algorithms, offsets),
    /// same float count.
    static func packed(spec: ModelSpec, header: SSPack.Header, weights: PackedWeights) throws(ModelError) -> SplineSegModel {
        guard header.weightsSHA256 == spec.sha256 else {
            throw ModelError.packMismatch(
                "'\(spec.name)' pack was made from weights with sha256 \(header.weightsSHA256), the spec names \(spec.sha256)")
        }
        // Packing folds BatchNorm (5 floats per channel become 1) but never drops a conv weight,
        // so a real pack holds more than half the spec's weights: check that before planning,
        // which allocates the spec's weights (the pack's size is bounded by its file).
        guard spec.weightCount / 2 <= header.floatCount else {
            throw ModelError.packMismatch(
                "'\(spec.name)' pack holds \(header.floatCount) floats, far fewer than the spec's \(spec.weightCount) weights")
        }
        let plan: ExecutionPlan
        do { plan = try ExecutionPlan.structure(spec: spec) } catch { throw ModelError.specInvalid(error.description) }
        guard header.planHash == plan.hash else {
            throw ModelError.packMismatch(
                "'\(spec.name)' pack was made for execution plan \(header.planHash.prefix(16)), this runtime plans "
                    + "\(plan.hash.prefix(16)) for the spec (different shapes, algorithms or runtime version)")
        }
        guard header.floatCount == plan.weightFloats else {
            throw ModelError.packMismatch("'\(spec.name)' pack holds \(header.floatCount) floats, the plan reads \(plan.weightFloats)")
        }
        return SplineSegModel(spec: spec, network: nil, plan: plan, weights: weights)
    }
}
