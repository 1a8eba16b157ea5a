import ArgumentParser

/// --threads, shared by the commands that segment. 0 is refused rather than meaning "all
/// cores", so a typo never silently changes the machine's load.
struct ThreadsOption: ParsableArguments {
    @Option(help: "Threads used per image (at least 1).")
    var threads: Int = 1

    func validate() throws {
        if threads < 1 { throw ValidationError("--threads must be at least 1 (got \(threads))") }
    }
}
