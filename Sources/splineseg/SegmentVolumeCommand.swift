import ArgumentParser

/// `splineseg segment-volume`: every axial slice of a NIfTI volume, mask volume out.
struct SegmentVolumeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segment-volume",
        abstract: "Segment every slice [:, :, k] of a NIfTI volume into a uint8 mask volume.",
        discussion: """
            Slices are [:, :, k] with rows = the first axis. The output keeps the input's header \
            geometry (dims, pixdim, qform/sform) and is written atomically (.nii.gz is gzipped). \
            Prints the foreground volume in mL. A progress bar with slices/s goes to stderr when \
            it is a terminal, or always with --progress. --largest-component keeps only the largest \
            3-D 6-connected foreground component.

            EXAMPLES:
              splineseg segment-volume --model unet.json case.nii.gz -o case_mask.nii.gz
              splineseg segment-volume --model unet.json ct.nii -o m.nii --largest-component
            """)

    @Argument(help: "Input volume (.nii or .nii.gz).")
    var input: String

    @Option(name: .shortAndLong, help: "Output mask volume (.nii or .nii.gz).")
    var output: String

    @Option(help: "Model spec (weights/<model>.json). Required: there is no built-in model yet.")
    var model: String?

    @Flag(help: "Show the progress bar even when stderr is not a terminal.")
    var progress = false

    @Flag(help: "Keep only the largest 3-D 6-connected component.")
    var largestComponent = false

    @OptionGroup var threadOptions: ThreadsOption

    func run() throws {
        _ = try loadFrameSegmenter(modelPath: model, threads: threadOptions.threads)
    }
}
