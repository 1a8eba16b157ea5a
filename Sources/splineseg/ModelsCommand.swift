import ArgumentParser
import Foundation
import SplineSeg

/// `splineseg models`: the built-in models, then the model specs in a directory.
struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List the built-in models and the model specs in a directory.",
        discussion: """
            Prints one line per model: name, architecture, input size I, coefficients O, \
            degree p, the validation mean Dice recorded at training, the weights' sha256 (first \
            16 hex digits) and where it comes from. Built-in models come first; the first one \
            is the default of every command. Then every *.json spec in --dir (default weights/, \
            skipped silently when absent); a spec that does not load is listed with its error.

            EXAMPLES:
              splineseg models
              splineseg models --dir /opt/splineseg/weights
            """)

    @Option(help: "Directory holding <model>.json specs (default: weights, if present).")
    var dir: String?

    func run() throws {
        var lines = ["name  architecture  I  O  p  val-dice  sha256  source"]
        for (i, name) in SplineSegModel.builtInNames.enumerated() {
            do {
                let spec = try SplineSegModel.builtIn(name: name).spec
                lines.append(describe(spec, source: i == 0 ? "built-in (default)" : "built-in"))
            } catch {
                lines.append("\(name)  -  -  -  -  -  -  built-in, error: \(error.description)")
            }
        }
        let folder = dir ?? "weights"
        if isDirectory(folder) {
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
                .filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.sorted(by: naturalLess)
            for name in names {
                let path = joinPath(folder, name)
                do {
                    lines.append(describe(try loadModel(path).spec, source: "--model \(path)"))
                } catch {
                    lines.append("\(name)  -  -  -  -  -  -  error: \(error.description)")
                }
            }
        } else if let dir {
            throw CLIError.inputMissing("\(dir): no such directory; pass --dir with the folder holding the model specs")
        }
        try emit(lines.joined(separator: "\n") + "\n", to: nil)
    }

    private func describe(_ spec: ModelSpec, source: String) -> String {
        let dice = validationDice(spec).map { String(format: "%.4f", $0) } ?? "-"
        return "\(spec.name)  \(spec.architecture)  \(spec.input)  \(spec.coefficients)  \(spec.degree)  \(dice)  \(spec.sha256.prefix(16))  \(source)"
    }
}

/// training.validation.mean.dice of the spec, when recorded.
func validationDice(_ spec: ModelSpec) -> Double? {
    guard case .object(let training)? = spec.training, case .object(let validation)? = training["validation"],
          case .object(let mean)? = validation["mean"], case .number(let dice)? = mean["dice"] else { return nil }
    return dice
}
