import FileSupport
import Foundation
import SplineKernels
import SplineModel

/// splineseg-codegen: one model (weights/<name>.json + its safetensors) -> its ExecutionPlan ->
///   Sources/GeneratedModels/<name>.swift   straight-line fixed-shape code (ModelSource)
///   Sources/GeneratedModels/Registry.swift every generated model in that directory
///   weights/<name>.sspack                  packed weights in kernel order (SSPack)
///   Sources/CBuiltinModels/builtin_models.c the built-in (embedded) models (BuiltinSource)
public enum Codegen {
    public static let generatedDirectory = "Sources/GeneratedModels"
    public static let builtinSource = "Sources/CBuiltinModels/builtin_models.c"

    public struct Output {
        /// (path relative to the package root, contents).
        public var files: [(path: String, bytes: [UInt8])]
        public let plan: ExecutionPlan
        public let name: String
    }

    public enum BuiltinChange: Equatable {
        /// Keep the built-in list (refreshing this model's pack hash if it is built in).
        case keep
        case add
        case remove
    }

    /// Generates every file for the model whose spec is `<root>/weights/<name>.json`, given the
    /// current contents of `root` (registry, built-in list). Writes nothing.
    public static func generate(specPath: String, root: String, builtin: BuiltinChange = .keep) throws(CodegenError) -> Output {
        let name = ModelFiles.stem(specPath)
        let specFile = "weights/\(name).json"
        let (specBytes, spec): ([UInt8], ModelSpec)
        let weights: [UInt8]
        do {
            (specBytes, spec) = try ModelFiles.spec(at: specPath)
            weights = try ModelFiles.read(ModelFiles.weightsPath(specPath: specPath, spec: spec), for: specPath, what: "weights")
        } catch { throw .model(error) }
        let digest = SHA256.hex(weights)
        guard digest == spec.sha256 else { throw .model(.checksumMismatch(expected: spec.sha256, actual: digest)) }
        let built: (plan: ExecutionPlan, weights: [Float])
        do {
            let network = try NetworkBuilder.build(spec: spec, tensors: try SafeTensors(bytes: weights))
            built = try buildPlan(network)
        } catch let e as ModelError { throw .model(e) } catch let e as PlanError { throw .plan(e) } catch {
            throw .usage("\(error)")
        }
        let plan = built.plan
        let source = ModelSource.emit(
            name: name, specFile: specFile, specSHA256: SHA256.hex(specBytes), weightsSHA256: spec.sha256, plan: plan)
        let pack = SSPack.encode(weights: built.weights, weightsSHA256: spec.sha256, planHash: plan.hash)

        // Registry over the generated files in the directory, this model's replaced.
        let modelPath = "\(generatedDirectory)/\(name).swift"
        var texts = [source]
        let dir = root + "/" + generatedDirectory
        let listing = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        for f in listing.sorted() where f.hasSuffix(".swift") && "\(generatedDirectory)/\(f)" != modelPath {
            if let t = try? String(contentsOfFile: dir + "/" + f, encoding: .utf8) { texts.append(t) }
        }
        let registry = RegistrySource.emit(RegistrySource.identifiers(inSources: texts))

        // Built-in list.
        let oldC = (try? String(contentsOfFile: root + "/" + builtinSource, encoding: .utf8)) ?? ""
        var entries = BuiltinSource.entries(inSource: oldC)
        let entry = BuiltinSource.Entry(name: name, packSHA256: SHA256.hex(pack))
        let index = entries.firstIndex { $0.name == name }
        switch (builtin, index) {
        case (.add, nil): entries.append(entry)
        case (.add, let i?), (.keep, let i?): entries[i] = entry
        case (.remove, let i?): entries.remove(at: i)
        case (.keep, nil), (.remove, nil): break
        }
        entries.sort { $0.name < $1.name }
        return Output(
            files: [
                (modelPath, Array(source.utf8)),
                ("\(generatedDirectory)/Registry.swift", Array(registry.utf8)),
                ("weights/\(name).sspack", pack),
                (builtinSource, Array(BuiltinSource.emit(entries).utf8)),
            ], plan: plan, name: name)
    }

    private static func buildPlan(_ network: Network) throws(PlanError) -> (plan: ExecutionPlan, weights: [Float]) {
        try ExecutionPlan.build(network: network, policy: .auto)
    }

    /// Writes the files under `root` (each atomically).
    public static func write(_ output: Output, to root: String) throws(CodegenError) {
        for (path, bytes) in output.files {
            let full = root + "/" + path
            do {
                try FileManager.default.createDirectory(
                    atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            } catch { throw .io(path: full, reason: "cannot create its directory (\(error))") }
            do { try writeFileAtomically(bytes, to: full) } catch { throw .io(path: full, reason: "\(error)") }
        }
    }
}
