/// Reads little- or big-endian scalars from a byte buffer at fixed offsets. Offsets are constants
/// of the header layout, all inside the 352 bytes the caller has checked are present.
struct EndianReader {
    let bytes: UnsafeRawBufferPointer
    let little: Bool

    func u8(_ o: Int) -> UInt8 { bytes[o] }
    func i16(_ o: Int) -> Int16 {
        let v = bytes.loadUnaligned(fromByteOffset: o, as: Int16.self)
        return little ? Int16(littleEndian: v) : Int16(bigEndian: v)
    }
    func i32(_ o: Int) -> Int32 {
        let v = bytes.loadUnaligned(fromByteOffset: o, as: Int32.self)
        return little ? Int32(littleEndian: v) : Int32(bigEndian: v)
    }
    func f32(_ o: Int) -> Float {
        let v = bytes.loadUnaligned(fromByteOffset: o, as: UInt32.self)
        return Float(bitPattern: little ? UInt32(littleEndian: v) : UInt32(bigEndian: v))
    }
    func i16s(_ o: Int, _ n: Int) -> [Int16] { (0..<n).map { i16(o + 2 * $0) } }
    func f32s(_ o: Int, _ n: Int) -> [Float] { (0..<n).map { f32(o + 4 * $0) } }
    /// A fixed-size char field up to its first NUL; bytes are taken as Latin-1 so any byte decodes.
    func string(_ o: Int, _ n: Int) -> String {
        var s = ""
        for i in o..<(o + n) {
            let b = bytes[i]
            if b == 0 { break }
            s.unicodeScalars.append(Unicode.Scalar(b))
        }
        return s
    }
}

/// Size of the NIfTI-1 header proper, and of header + the 4-byte extension flag.
let nifti1HeaderSize = 348
let nifti1MinimumOffset = 352

/// Parses the header at the start of `bytes` (at least 348 bytes; the extension flag is read when
/// 352 are present). Checks only what identifies the format: sizeof_hdr and magic. The rest is
/// validated by `DataLayout`.
func parseHeader(_ bytes: UnsafeRawBufferPointer, name: String) throws(NIfTIError) -> NIfTIHeader {
    guard bytes.count >= 4 else {
        throw NIfTIError(name: name, kind: bytes.isEmpty
            ? .notNIfTI(reason: "the file is empty")
            : .notNIfTI(reason: "only \(bytes.count) bytes"))
    }
    let raw = bytes.loadUnaligned(as: UInt32.self)
    let little: Bool
    if Int32(littleEndian: Int32(bitPattern: raw)) == 348 {
        little = true
    } else if Int32(bigEndian: Int32(bitPattern: raw)) == 348 {
        little = false
    } else if Int32(littleEndian: Int32(bitPattern: raw)) == 540 || Int32(bigEndian: Int32(bitPattern: raw)) == 540 {
        throw NIfTIError(name: name, kind: .notNIfTI(reason: "sizeof_hdr is 540: this is NIfTI-2, only NIfTI-1 is supported"))
    } else {
        throw NIfTIError(name: name, kind: .notNIfTI(reason: "sizeof_hdr is not 348 in either byte order"))
    }
    guard bytes.count >= nifti1HeaderSize else {
        throw NIfTIError(name: name, kind: .truncated(what: "the NIfTI-1 header", needed: nifti1HeaderSize, available: bytes.count))
    }
    let r = EndianReader(bytes: bytes, little: little)
    let magic = (r.u8(344), r.u8(345), r.u8(346), r.u8(347))
    switch magic {
    case (0x6E, 0x2B, 0x31, 0):  // "n+1\0"
        break
    case (0x6E, 0x69, 0x31, 0):  // "ni1\0"
        throw NIfTIError(name: name, kind: .pairFormatUnsupported)
    default:
        throw NIfTIError(name: name, kind: .notNIfTI(reason: "magic is not \"n+1\""))
    }

    var h = NIfTIHeader()
    h.littleEndian = little
    h.dataTypeField = r.string(4, 10)
    h.dbName = r.string(14, 18)
    h.extents = r.i32(32)
    h.sessionError = r.i16(36)
    h.regular = r.u8(38)
    h.dimInfo = r.u8(39)
    h.dim = r.i16s(40, 8)
    h.intentP1 = r.f32(56)
    h.intentP2 = r.f32(60)
    h.intentP3 = r.f32(64)
    h.intentCode = r.i16(68)
    h.datatype = r.i16(70)
    h.bitpix = r.i16(72)
    h.sliceStart = r.i16(74)
    h.pixdim = r.f32s(76, 8)
    h.voxOffset = r.f32(108)
    h.sclSlope = r.f32(112)
    h.sclInter = r.f32(116)
    h.sliceEnd = r.i16(120)
    h.sliceCode = r.u8(122)
    h.xyztUnits = r.u8(123)
    h.calMax = r.f32(124)
    h.calMin = r.f32(128)
    h.sliceDuration = r.f32(132)
    h.toffset = r.f32(136)
    h.glmax = r.i32(140)
    h.glmin = r.i32(144)
    h.descrip = r.string(148, 80)
    h.auxFile = r.string(228, 24)
    h.qformCode = r.i16(252)
    h.sformCode = r.i16(254)
    h.quaternB = r.f32(256)
    h.quaternC = r.f32(260)
    h.quaternD = r.f32(264)
    h.qoffsetX = r.f32(268)
    h.qoffsetY = r.f32(272)
    h.qoffsetZ = r.f32(276)
    h.srowX = r.f32s(280, 4)
    h.srowY = r.f32s(296, 4)
    h.srowZ = r.f32s(312, 4)
    h.intentName = r.string(328, 16)
    h.magic = r.string(344, 4)
    h.hasExtensions = bytes.count >= nifti1MinimumOffset && r.u8(348) != 0
    return h
}
