/// Every field of the 348-byte NIfTI-1 header, in file units (shorts as Int16, floats as Float),
/// so the writer can reproduce them bit for bit. Arrays have fixed lengths: `dim` and `pixdim` 8,
/// `srowX/Y/Z` 4. Strings are the fixed-size char fields up to the first NUL (Latin-1 decoded).
///
/// Equatable compares floats with `==`, so a header holding a NaN (e.g. scl_slope NaN, common in
/// files written by nibabel) is not equal to itself; compare the fields you need instead.
public struct NIfTIHeader: Sendable, Equatable {
    /// Byte order of the file the header came from (the writer always writes little-endian).
    public var littleEndian: Bool = true
    public var dataTypeField: String = ""      // data_type[10], unused by NIfTI-1
    public var dbName: String = ""             // db_name[18], unused
    public var extents: Int32 = 0              // unused
    public var sessionError: Int16 = 0         // unused
    public var regular: UInt8 = 0              // unused ('r')
    public var dimInfo: UInt8 = 0              // freq/phase/slice dims, 2 bits each
    /// dim[0] = number of dimensions (1...7), dim[1...dim[0]] the sizes; 8 entries.
    public var dim: [Int16] = [3, 1, 1, 1, 1, 1, 1, 1]
    public var intentP1: Float = 0
    public var intentP2: Float = 0
    public var intentP3: Float = 0
    public var intentCode: Int16 = 0
    public var datatype: Int16 = 2
    public var bitpix: Int16 = 8
    public var sliceStart: Int16 = 0
    /// pixdim[0] is qfac (±1), pixdim[1...3] voxel sizes, pixdim[4] the time step; 8 entries.
    public var pixdim: [Float] = [1, 1, 1, 1, 1, 1, 1, 1]
    public var voxOffset: Float = 352
    public var sclSlope: Float = 1
    public var sclInter: Float = 0
    public var sliceEnd: Int16 = 0
    public var sliceCode: UInt8 = 0
    public var xyztUnits: UInt8 = 2             // NIFTI_UNITS_MM
    public var calMax: Float = 0
    public var calMin: Float = 0
    public var sliceDuration: Float = 0
    public var toffset: Float = 0
    public var glmax: Int32 = 0
    public var glmin: Int32 = 0
    public var descrip: String = ""            // descrip[80]
    public var auxFile: String = ""            // aux_file[24]
    public var qformCode: Int16 = 0
    public var sformCode: Int16 = 0
    public var quaternB: Float = 0
    public var quaternC: Float = 0
    public var quaternD: Float = 0
    public var qoffsetX: Float = 0
    public var qoffsetY: Float = 0
    public var qoffsetZ: Float = 0
    public var srowX: [Float] = [1, 0, 0, 0]
    public var srowY: [Float] = [0, 1, 0, 0]
    public var srowZ: [Float] = [0, 0, 1, 0]
    public var intentName: String = ""         // intent_name[16]
    public var magic: String = "n+1"           // magic[4]
    /// extension[0] of the 4 bytes after the header: nonzero when extensions follow.
    public var hasExtensions: Bool = false

    /// A default header (uint8, no scaling, no orientation: qform/sform codes 0) for a volume of
    /// `shape` (1 to 7 sizes) with voxel sizes `spacing` in mm. Sizes are clamped to Int16 range;
    /// `writeNIfTIMask` validates them.
    public init(shape: [Int] = [1, 1, 1], spacing: [Double] = [1, 1, 1]) {
        dim[0] = Int16(clamping: shape.count)
        for (i, n) in shape.prefix(7).enumerated() { dim[i + 1] = Int16(clamping: n) }
        for (i, s) in spacing.prefix(7).enumerated() { pixdim[i + 1] = Float(s) }
        srowX[0] = pixdim[1]
        srowY[1] = pixdim[2]
        srowZ[2] = pixdim[3]
    }

    /// dim[1...dim[0]] as Int (empty when dim[0] is out of 1...7).
    public var sizes: [Int] {
        let n = Int(dim.first ?? 0)
        guard (1...7).contains(n), dim.count == 8 else { return [] }
        return dim[1...n].map { Int($0) }
    }
}
