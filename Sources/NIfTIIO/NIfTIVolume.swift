import FileSupport

/// A decoded 2D/3D NIfTI-1 volume.
public struct NIfTIVolume: Sendable {
    public var header: NIfTIHeader
    /// (nx, ny, nz): dim[1...dim[0]], padded with 1 to at least 3 entries.
    public var shape: [Int]
    /// |pixdim[1...3]| in the file's units (mm for these data sets). An axis beyond dim[0] whose
    /// pixdim is 0 or not finite gets 1.
    public var spacing: [Double]
    /// Scaled values (value = stored * scl_slope + scl_inter unless the slope is 0 or not finite),
    /// in file order: x fastest, then y, then z. Count = product of `shape`.
    public var voxels: [Float]

    public init(header: NIfTIHeader, shape: [Int], spacing: [Double], voxels: [Float]) {
        self.header = header
        self.shape = shape
        self.spacing = spacing
        self.voxels = voxels
    }

    /// Reads a .nii or .nii.gz file (gzip is recognised by its magic bytes, not the name).
    public static func read(path: String, limits: NIfTILimits = .init()) throws(NIfTIError) -> NIfTIVolume {
        let bytes: [UInt8]
        do {
            bytes = try readFile(path, maxBytes: limits.maxBytes)
        } catch {
            throw NIfTIError(name: path, kind: .file(error))
        }
        return try decode(bytes, name: path, limits: limits)
    }

    /// Decodes the bytes of a .nii or .nii.gz file; `name` is used in error messages.
    public static func decode(_ bytes: [UInt8], name: String, limits: NIfTILimits = .init()) throws(NIfTIError) -> NIfTIVolume {
        if bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B {
            return try decodeGzip(bytes, name: name, limits: limits)
        }
        return try withBytes(bytes) { (raw) throws(NIfTIError) -> NIfTIVolume in
            guard raw.count <= limits.maxBytes else {
                throw NIfTIError(name: name, kind: .tooLarge(what: "the file size \(raw.count)", limit: limits.maxBytes))
            }
            let header = try parseHeader(raw, name: name)
            let layout = try DataLayout(header, name: name, limits: limits)
            // Bytes after the data are allowed (the standard does not forbid them).
            guard raw.count >= layout.totalBytes else {
                throw NIfTIError(name: name, kind: .truncated(
                    what: "the header, extensions and \(layout.voxelCount) voxels", needed: layout.totalBytes, available: raw.count))
            }
            let data = UnsafeRawBufferPointer(rebasing: raw[layout.offset..<layout.totalBytes])
            return assemble(header, layout, data)
        }
    }

    /// Gzip path: inflate the header, then exactly the announced data, then check the stream ends.
    /// Decompressed bytes are capped by the header-derived size (itself capped by
    /// `limits.maxBytes`); the data buffer is allocated only once the compressed size shows it can
    /// be filled.
    private static func decodeGzip(_ bytes: [UInt8], name: String, limits: NIfTILimits) throws(NIfTIError) -> NIfTIVolume {
        try withBytes(bytes) { (input) throws(NIfTIError) -> NIfTIVolume in
            var inf = try GzipInflater(input: input, name: name)
            defer { inf.end() }

            var head = [UInt8](repeating: 0, count: nifti1MinimumOffset)
            let got = try withMutableBytes(&head) { (b) throws(NIfTIError) -> Int in try inf.read(into: b) }
            let header = try withBytes(head) { (b) throws(NIfTIError) -> NIfTIHeader in
                try parseHeader(UnsafeRawBufferPointer(rebasing: b[0..<got]), name: name)
            }
            let layout = try DataLayout(header, name: name, limits: limits)
            if got < nifti1MinimumOffset {
                throw NIfTIError(name: name, kind: .truncated(what: "the header and data", needed: layout.totalBytes, available: got))
            }
            guard layout.totalBytes <= maximumInflatedSize(compressed: input.count) else {
                throw NIfTIError(name: name, kind: .truncated(
                    what: "the header and data (the \(input.count)-byte gzip stream cannot inflate that far)",
                    needed: layout.totalBytes, available: input.count))
            }
            // Skip extensions between the header and vox_offset.
            var skip = layout.offset - nifti1MinimumOffset
            var scratch = [UInt8](repeating: 0, count: min(skip, 1 << 16))
            while skip > 0 {
                let n = min(skip, scratch.count)
                try withMutableBytes(&scratch) { (b) throws(NIfTIError) in
                    try inf.readExactly(into: UnsafeMutableRawBufferPointer(rebasing: b[0..<n]), what: "the header extensions and data",
                                        neededTotal: layout.totalBytes, before: layout.offset - skip)
                }
                skip -= n
            }
            var failure: NIfTIError?
            let data = [UInt8](unsafeUninitializedCapacity: layout.dataBytes) { buf, initialized in
                do throws(NIfTIError) {
                    try inf.readExactly(into: UnsafeMutableRawBufferPointer(buf), what: "the header and \(layout.voxelCount) voxels",
                                        neededTotal: layout.totalBytes, before: layout.offset)
                    initialized = buf.count
                } catch {
                    failure = error
                    initialized = 0
                }
            }
            if let failure { throw failure }
            try inf.expectEnd(expectedTotal: layout.totalBytes)
            return data.withUnsafeBytes { assemble(header, layout, $0) }
        }
    }

    private static func assemble(_ header: NIfTIHeader, _ layout: DataLayout, _ data: UnsafeRawBufferPointer) -> NIfTIVolume {
        let voxels = decodeVoxels(data, count: layout.voxelCount, type: layout.type,
                                  littleEndian: header.littleEndian, scaling: Scaling(header))
        let dims = Int(header.dim[0])
        let spacing: [Double] = (1...3).map { i in
            let v = abs(Double(header.pixdim[i]))
            return i > dims && !(v.isFinite && v > 0) ? 1 : v
        }
        return NIfTIVolume(header: header, shape: layout.shape, spacing: spacing, voxels: voxels)
    }
}
