// splineseg-codegen: turns one model into fused fixed-shape Swift code and packed weights.
//
//   swift run splineseg-codegen weights/<name>.json [--builtin | --remove-builtin] [--root DIR] [--plan]
//
// Writes (relative to the package root DIR, default the current directory):
//   Sources/GeneratedModels/<name>.swift, Sources/GeneratedModels/Registry.swift,
//   weights/<name>.sspack, Sources/CBuiltinModels/builtin_models.c
// --builtin embeds the model in the binary (SplineSegModel.builtIn(name:)); --remove-builtin
// takes it out again. Then rebuild. Prints the plan's arena size (--plan: every step).
import Foundation
import SplineCodegen

func fail(_ message: String, code: Int32) -> Never {
    FileHandle.standardError.write(Data("splineseg-codegen: \(message)\n".utf8))
    exit(code)
}

var args = Array(CommandLine.arguments.dropFirst())
var root = FileManager.default.currentDirectoryPath
var change = Codegen.BuiltinChange.keep
var showPlan = false
var spec: String?
while !args.isEmpty {
    let a = args.removeFirst()
    switch a {
    case "--builtin": change = .add
    case "--remove-builtin": change = .remove
    case "--plan": showPlan = true
    case "--root":
        guard !args.isEmpty else { fail("--root needs a directory", code: 2) }
        root = args.removeFirst()
    case "-h", "--help":
        print("usage: splineseg-codegen weights/<name>.json [--builtin | --remove-builtin] [--root DIR] [--plan]")
        exit(0)
    default:
        guard spec == nil, !a.hasPrefix("-") else {
            fail("unexpected argument '\(a)'; usage: splineseg-codegen weights/<name>.json [--builtin]", code: 2)
        }
        spec = a
    }
}
guard let spec else {
    fail("give the model spec, e.g. splineseg-codegen weights/la-unet-d4b4f8-i128.json --builtin", code: 2)
}
do {
    let out = try Codegen.generate(specPath: spec, root: root, builtin: change)
    try Codegen.write(out, to: root)
    let p = out.plan
    if showPlan { print(p.summary, terminator: "") }
    print("splineseg-codegen: \(out.name): plan \(p.hash.prefix(16)), \(p.steps.count) steps, arena \(p.arenaBytes(threads: 1)) bytes "
          + "(activations \(4 * p.activationFloats) + Winograd scratch \(4 * p.scratchFloatsPerThread) per thread; "
          + "\(4 * p.unsharedFloats) without reuse), weights \(4 * p.weightFloats) bytes")
    for f in out.files { print("  wrote \(f.path) (\(f.bytes.count) bytes)") }
} catch {
    fail("\(error)", code: 1)
}
