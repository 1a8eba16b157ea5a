/// The packed-weights file `weights/<name>.sspack` written by splineseg-codegen: the floats of
/// an ExecutionPlan in the order its kernels read them, behind a 128-byte header (so the floats
/// start 64-byte aligned when the file is, e.g. embedded with `.balign 64`). Little-endian:
///
///   0   8   magic "SSPACK\r\n"
///   8   4   format version (2; version 1 packed a transposed conv's trailing odd 8-channel block
///           per tap, version 2 pairs its two dx taps, see WeightPacking.swift: a version-1 pack
///           of such a model would be misread, so every version-1 pack is refused)
///   12  4   header bytes (128)
///   16  32  SHA-256 of the safetensors weights it was packed from (the spec's `sha256`)
///   48  32  ExecutionPlan.hash (SHA-256 of the plan's canonical description)
///   80  8   float count
///   88  40  zero
///   128     float32 values
public enum SSPack {
    public static let magic: [UInt8] = Array("SSPACK\r\n".utf8)
    public static let version: UInt32 = 2
    public static let headerBytes = 128

    public struct Header: Sendable, Equatable {
        public let weightsSHA256: String
        public let planHash: String
        public let floatCount: Int
    }

    /// Header + floats.
    public static func encode(weights: [Float], weightsSHA256: String, planHash: String) -> [UInt8] {
        var out = magic
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        u32(version)
        u32(UInt32(headerBytes))
        out += bytes(hex: weightsSHA256) + bytes(hex: planHash)
        withUnsafeBytes(of: UInt64(weights.count).littleEndian) { out.append(contentsOf: $0) }
        out += [UInt8](repeating: 0, count: headerBytes - out.count)
        out.reserveCapacity(headerBytes + 4 * weights.count)
        for w in weights { withUnsafeBytes(of: w.bitPattern.littleEndian) { out.append(contentsOf: $0) } }
        return out
    }

    /// Parses and checks the header of a pack of `size` bytes at `p`.
    public static func header(_ p: UnsafeRawBufferPointer) throws(ModelError) -> Header {
        func bad(_ m: String) -> ModelError {
            .safetensors("packed weights (.sspack): \(m); regenerate it with splineseg-codegen")
        }
        guard p.count >= headerBytes else { throw bad("\(p.count) bytes, shorter than the \(headerBytes)-byte header") }
        guard Array(p[0..<8]) == magic else { throw bad("not an .sspack file (bad magic)") }
        func u32(_ o: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(p[o + $1]) << (8 * UInt32($1)) } }
        guard u32(8) == version else { throw bad("format version \(u32(8)), this runtime reads \(version)") }
        guard u32(12) == UInt32(headerBytes) else { throw bad("header size \(u32(12)), expected \(headerBytes)") }
        let count = (0..<8).reduce(UInt64(0)) { $0 | UInt64(p[80 + $1]) << (8 * UInt64($1)) }
        guard count <= UInt64((p.count - headerBytes) / 4), Int(count) * 4 == p.count - headerBytes else {
            throw bad("header says \(count) floats but the file holds \(p.count - headerBytes) bytes of data (truncated?)")
        }
        return Header(weightsSHA256: hex(Array(p[16..<48])), planHash: hex(Array(p[48..<80])), floatCount: Int(count))
    }

    static func bytes(hex: String) -> [UInt8] {
        let d = Array(hex.utf8)
        precondition(d.count == 64, "SSPack: hash must be 64 hex digits")
        func v(_ c: UInt8) -> UInt8 { c >= 97 ? c - 87 : c - 48 }
        return (0..<32).map { v(d[2 * $0]) << 4 | v(d[2 * $0 + 1]) }
    }

    static func hex(_ b: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: b.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] }, as: UTF8.self)
    }
}
