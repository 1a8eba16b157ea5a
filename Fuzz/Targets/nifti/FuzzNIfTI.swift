// libFuzzer target: the NIfTI-1 reader on .nii bytes and .nii.gz bytes (zlib from the system is not
// instrumented). An uncompressed input is also gzip-compressed and decoded again, so the gzip path
// sees structured NIfTI content (not only bytes zlib rejects), and both paths must agree.
import NIfTIIO

/// Small ceilings so a header announcing a huge volume is refused (not allocated) under the
/// fuzzer's RSS limit; the logic under test is the same as with the defaults.
let limits = NIfTILimits(maxVoxels: 1 << 20, maxBytes: 1 << 23)

func same(_ a: NIfTIVolume, _ b: NIfTIVolume) -> Bool {
    a.shape == b.shape && a.voxels.count == b.voxels.count
        && zip(a.voxels, b.voxels).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }
}

func check(_ v: NIfTIVolume) {
    precondition(v.shape.count >= 3 && v.shape.allSatisfy { $0 >= 1 })
    precondition(v.voxels.count == v.shape.reduce(1, *))
    precondition(v.spacing.count == 3)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNIfTI(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = size == 0 || data == nil ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    let plain: NIfTIVolume?
    do {
        let v = try NIfTIVolume.decode(bytes, name: "fuzz", limits: limits)
        check(v)
        plain = v
    } catch {
        _ = error.description
        plain = nil
    }
    let isGzip = bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
    if !isGzip && bytes.count <= 1 << 16 {
        do {
            let gz = try gzipCompress(bytes, level: 1)
            let v = try NIfTIVolume.decode(gz, name: "fuzz.gz", limits: limits)
            check(v)
            precondition(plain != nil, ".nii.gz accepted what .nii refused")
            precondition(same(plain!, v), ".nii and .nii.gz decodes differ")
        } catch {
            // Every refusal must be shared, except one by design: bytes after the data are allowed
            // in a .nii but refused in a .nii.gz (more output than announced: bomb protection).
            if plain != nil, case .tooLarge = error.kind { return 0 }
            precondition(plain == nil, ".nii.gz refused what .nii accepted: \(error)")
        }
    }
    return 0
}
