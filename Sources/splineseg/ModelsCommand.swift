import ArgumentParser

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
        throw CLIError.model("\(dir): listing models needs the SplineSeg runtime, which this build does not include yet")
    }
}
