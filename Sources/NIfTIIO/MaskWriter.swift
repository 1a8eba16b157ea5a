import FileSupport

/// The header a mask is written with: geometry from `reference` (dim, dim_info, pixdim including
/// qfac, xyzt_units, qform/sform codes, quaternion, offsets, srow rows, slice fields), everything
/// else reset for a uint8 label volume: datatype 2, bitpix 8, scl_slope 1, scl_inter 0,
/// cal_min 0, cal_max 1, vox_offset 352, no intent, no extensions, little-endian, magic n+1.
public func maskHeader(like reference: NIfTIHeader) -> NIfTIHeader {
    var h = NIfTIHeader()
    h.dimInfo = reference.dimInfo
    h.dim = reference.dim
    h.pixdim = reference.pixdim
    h.xyztUnits = reference.xyztUnits
    h.sliceStart = reference.sliceStart
    h.sliceEnd = reference.sliceEnd
    h.sliceCode = reference.sliceCode
    h.sliceDuration = reference.sliceDuration
    h.toffset = reference.toffset
    h.qformCode = reference.qformCode
    h.sformCode = reference.sformCode
    h.quaternB = reference.quaternB
    h.quaternC = reference.quaternC
    h.quaternD = reference.quaternD
    h.qoffsetX = reference.qoffsetX
    h.qoffsetY = reference.qoffsetY
    h.qoffsetZ = reference.qoffsetZ
    h.srowX = reference.srowX
    h.srowY = reference.srowY
    h.srowZ = reference.srowZ
    h.datatype = 2
    h.bitpix = 8
    h.sclSlope = 1
    h.sclInter = 0
    h.calMin = 0
    h.calMax = 1
    h.voxOffset = Float(nifti1MinimumOffset)
    h.descrip = "SplineSeg mask"
    h.magic = "n+1"
    h.littleEndian = true
    h.hasExtensions = false
    return h
}

/// Writes `mask` (one byte per voxel, x fastest, count = product of the header's dims) as a uint8
/// NIfTI-1 volume with the geometry of `header` (see `maskHeader(like:)`). Gzipped when `path`
/// ends in ".gz", else a plain .nii. Written atomically: on any failure no file (and no partial
/// file) is left at `path`.
public func writeNIfTIMask(_ mask: [UInt8], like header: NIfTIHeader, to path: String) throws(NIfTIError) {
    let h = maskHeader(like: header)
    // Same dimension rules as the reader, so whatever is written can be read back.
    let layout = try DataLayout(h, name: path, limits: NIfTILimits(maxVoxels: Int.max, maxBytes: Int.max))
    guard mask.count == layout.voxelCount else {
        throw NIfTIError(name: path, kind: .maskSizeMismatch(expected: layout.voxelCount, got: mask.count))
    }
    var bytes = try encodeHeaderLittleEndian(h, name: path)
    bytes.reserveCapacity(layout.totalBytes)
    bytes.append(contentsOf: mask)
    if path.hasSuffix(".gz") {
        bytes = try gzipCompress(bytes, name: path)
    }
    do {
        try writeFileAtomically(bytes, to: path)
    } catch {
        throw NIfTIError(name: path, kind: .file(error))
    }
}
