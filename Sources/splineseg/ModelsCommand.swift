import ArgumentParser
import Foundation
import SplineSeg

/// `splineseg models`: what models are available.
struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List the model specs in a directory (default weights/).",
        discussion: """
            Prints one line per *.json model spec: name, architecture, input size I, coefficients \
            O, degree p. A spec that does not load is listed with its error.

            EXAMPLES:
              splineseg models
              splineseg models --dir /opt/splineseg/weights
            """)

    @Option(help: "Directory holding weights/<model>.json specs.")
    var dir: String = "weights"

    func run() throws {
        guard isDirectory(dir) else {
            throw CLIError.inputMissing("\(dir): no such directory; pass --dir with the folder holding the model specs")
        }
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [])
            .filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.sorted(by: naturalLess)
        if names.isEmpty { throw CLIError.inputMissing("\(dir): no *.json model specs here") }
        var lines = ["name  architecture  I  O  p  status"]
        for name in names {
            let path = joinPath(dir, name)
            do {
                let spec = try SplineSegModel.load(specPath: path).spec
                lines.append("\(spec.name)  \(spec.architecture)  \(spec.input)  \(spec.coefficients)  \(spec.degree)  ok  (--model \(path))")
            } catch {
                lines.append("\(name)  -  -  -  -  error: \(error.description)")
            }
        }
        try emit(lines.joined(separator: "\n") + "\n", to: nil)
    }
}
