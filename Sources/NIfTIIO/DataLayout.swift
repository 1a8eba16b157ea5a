/// Where the voxel data is and how big it is, derived from a parsed header after checking every
/// field it depends on. All arithmetic is overflow-checked; limits are checked here, before
/// anything is allocated.
struct DataLayout {
    let type: VoxelType
    /// dim[1...dim[0]] padded with 1 to at least three entries: (nx, ny, nz, ...).
    let shape: [Int]
    let voxelCount: Int
    /// Byte offset of the first voxel (vox_offset) and byte length of the data.
    let offset: Int
    let dataBytes: Int
    /// offset + dataBytes: the bytes the (decompressed) file must hold.
    let totalBytes: Int

    init(_ h: NIfTIHeader, name: String, limits: NIfTILimits) throws(NIfTIError) {
        func bad(_ reason: String) -> NIfTIError { NIfTIError(name: name, kind: .badDimensions(reason: reason)) }
        guard h.dim.count == 8, h.pixdim.count == 8 else {
            throw NIfTIError(name: name, kind: .badHeader(reason: "dim and pixdim must have 8 entries"))
        }
        let n = Int(h.dim[0])
        guard (1...7).contains(n) else { throw bad("dim[0] is \(n), must be 1...7") }
        var shape: [Int] = []
        var count = 1
        for i in 1...n {
            let d = Int(h.dim[i])
            guard d >= 1 else { throw bad("dim[\(i)] is \(d), must be at least 1") }
            shape.append(d)
            let (p, o) = count.multipliedReportingOverflow(by: d)
            guard !o else { throw NIfTIError(name: name, kind: .tooLarge(what: "the voxel count", limit: limits.maxVoxels)) }
            count = p
        }
        // Only single volumes: a 4D series would need a choice of volume the caller cannot make here.
        if n > 3, let i = (4...n).first(where: { h.dim[$0] != 1 }) {
            throw bad("dim[\(i)] is \(h.dim[i]); only 2D/3D volumes are supported (dims 4...7 must be 1), split the series into single volumes first")
        }
        while shape.count < 3 { shape.append(1) }
        guard count <= limits.maxVoxels else {
            throw NIfTIError(name: name, kind: .tooLarge(what: "the voxel count \(count)", limit: limits.maxVoxels))
        }
        guard let type = VoxelType(rawValue: h.datatype) else {
            throw NIfTIError(name: name, kind: .unsupportedDatatype(code: Int(h.datatype)))
        }
        // vox_offset is a float in the file; it must be a whole byte offset past the header and flag.
        let vo = h.voxOffset
        guard let offset = Int(exactly: vo), offset >= nifti1MinimumOffset else {
            throw NIfTIError(name: name, kind: .badHeader(reason: "vox_offset is \(vo); a single-file NIfTI-1 needs a whole number >= 352"))
        }
        let (bytes, o1) = count.multipliedReportingOverflow(by: type.byteCount)
        let (total, o2) = bytes.addingReportingOverflow(offset)
        guard !o1, !o2, total <= limits.maxBytes else {
            throw NIfTIError(name: name, kind: .tooLarge(what: "the image size (header + data bytes)", limit: limits.maxBytes))
        }
        self.type = type
        self.shape = shape
        self.voxelCount = count
        self.offset = offset
        self.dataBytes = bytes
        self.totalBytes = total
    }
}
