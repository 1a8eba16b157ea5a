import ArgumentParser
import NIfTIIO
import SplineSeg

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

    @Option(help: ArgumentHelp(stringLiteral: ArgumentHelpText.model))
    var model: String?

    @Flag(help: "Show the progress bar even when stderr is not a terminal.")
    var progress = false

    @Flag(help: "Keep only the largest 3-D 6-connected component.")
    var largestComponent = false

    @OptionGroup var threadOptions: ThreadsOption

    func run() throws {
        if !(output.hasSuffix(".nii") || output.hasSuffix(".nii.gz")) {
            throw CLIError.usage("\(output): the output must end in .nii or .nii.gz")
        }
        try checkOutputFile(output)
        let volume: NIfTIVolume
        do { volume = try NIfTIVolume.read(path: input) } catch { throw CLIError(reading: error) }
        let (nx, ny, nz) = (volume.shape[0], volume.shape[1], volume.shape[2])
        let segmenter = try makeSegmenter(try loadModel(model), threads: threadOptions.threads)
        var mask = [UInt8](repeating: 0, count: volume.voxels.count)
        var progressBar = ProgressBar(total: nz, enabled: progress || stderrIsTTY)
        // Slice [:, :, k] with rows = axis 0: pixel (row i, column j) is voxel i + nx * (j + ny * k).
        var slice = [Float](repeating: 0, count: nx * ny)
        for k in 0..<nz {
            let base = nx * ny * k
            for i in 0..<nx {
                for j in 0..<ny { slice[i * ny + j] = volume.voxels[base + i + nx * j] }
            }
            let seg: Segmentation
            do { seg = try segmenter.segment(pixels: slice, width: ny, height: nx) } catch {
                throw CLIError(.segmentation, "\(input): slice \(k): \(error.description)")
            }
            for i in 0..<nx {
                for j in 0..<ny { mask[base + i + nx * j] = seg.mask[i * ny + j] }
            }
            progressBar.advance()
        }
        progressBar.finish()
        if largestComponent { keepLargestComponent(&mask, nx: nx, ny: ny, nz: nz) }
        do { try writeNIfTIMask(mask, like: volume.header, to: output) } catch { throw CLIError(writing: error) }
        let voxels = mask.reduce(0) { $0 + Int($1) }
        let millilitres = Double(voxels) * volume.spacing[0] * volume.spacing[1] * volume.spacing[2] / 1000
        print("\(output): \(voxels) foreground voxels, \(fixed(millilitres, 3)) mL")
    }
}
