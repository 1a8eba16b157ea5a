/// Serialises a header as the 348-byte little-endian NIfTI-1 header plus a zero 4-byte extension
/// flag (352 bytes), for `writeNIfTIMask`. Checks array lengths first so a hand-built header can
/// never index out of range.
func encodeHeaderLittleEndian(_ h: NIfTIHeader, name: String) throws(NIfTIError) -> [UInt8] {
    guard h.dim.count == 8, h.pixdim.count == 8, h.srowX.count == 4, h.srowY.count == 4, h.srowZ.count == 4 else {
        throw NIfTIError(name: name, kind: .badHeader(reason: "dim and pixdim need 8 entries and srow_x/y/z 4 each"))
    }
    var b = [UInt8](repeating: 0, count: nifti1MinimumOffset)
    func i16(_ o: Int, _ v: Int16) {
        let u = UInt16(bitPattern: v)
        b[o] = UInt8(truncatingIfNeeded: u)
        b[o + 1] = UInt8(truncatingIfNeeded: u >> 8)
    }
    func i32(_ o: Int, _ v: Int32) {
        let u = UInt32(bitPattern: v)
        for k in 0..<4 { b[o + k] = UInt8(truncatingIfNeeded: u >> (8 * UInt32(k))) }
    }
    func f32(_ o: Int, _ v: Float) { i32(o, Int32(bitPattern: v.bitPattern)) }
    /// Fixed-size char field: Latin-1 bytes (other characters become '?'), NUL-padded, and always
    /// at least one NUL for fields read as C strings.
    func str(_ o: Int, _ n: Int, _ s: String, terminated: Bool = true) {
        let bytes = s.unicodeScalars.map { $0.value < 256 ? UInt8($0.value) : UInt8(ascii: "?") }
        for (k, c) in bytes.prefix(terminated ? n - 1 : n).enumerated() { b[o + k] = c }
    }
    i32(0, 348)
    str(4, 10, h.dataTypeField)
    str(14, 18, h.dbName)
    i32(32, h.extents)
    i16(36, h.sessionError)
    b[38] = h.regular
    b[39] = h.dimInfo
    for k in 0..<8 { i16(40 + 2 * k, h.dim[k]) }
    f32(56, h.intentP1)
    f32(60, h.intentP2)
    f32(64, h.intentP3)
    i16(68, h.intentCode)
    i16(70, h.datatype)
    i16(72, h.bitpix)
    i16(74, h.sliceStart)
    for k in 0..<8 { f32(76 + 4 * k, h.pixdim[k]) }
    f32(108, h.voxOffset)
    f32(112, h.sclSlope)
    f32(116, h.sclInter)
    i16(120, h.sliceEnd)
    b[122] = h.sliceCode
    b[123] = h.xyztUnits
    f32(124, h.calMax)
    f32(128, h.calMin)
    f32(132, h.sliceDuration)
    f32(136, h.toffset)
    i32(140, h.glmax)
    i32(144, h.glmin)
    str(148, 80, h.descrip)
    str(228, 24, h.auxFile)
    i16(252, h.qformCode)
    i16(254, h.sformCode)
    f32(256, h.quaternB)
    f32(260, h.quaternC)
    f32(264, h.quaternD)
    f32(268, h.qoffsetX)
    f32(272, h.qoffsetY)
    f32(276, h.qoffsetZ)
    for k in 0..<4 {
        f32(280 + 4 * k, h.srowX[k])
        f32(296 + 4 * k, h.srowY[k])
        f32(312 + 4 * k, h.srowZ[k])
    }
    str(328, 16, h.intentName)
    b[344] = UInt8(ascii: "n"); b[345] = UInt8(ascii: "+"); b[346] = UInt8(ascii: "1"); b[347] = 0
    // b[348...351]: extension flag 0 (no extensions).
    return b
}
