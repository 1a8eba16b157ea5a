/// A minimal 8-bit gray (or RGB) PNG encoder for test inputs: zlib "stored" blocks, no
/// compression, so the tests do not depend on the code under test to make their inputs.
func grayPNG(width: Int, height: Int, pixels: [UInt8], channels: Int = 1) -> [UInt8] {
    precondition(pixels.count == width * height * channels)
    var raw = [UInt8]()
    for r in 0..<height {
        raw.append(0)  // filter: none
        raw += pixels[(r * width * channels)..<((r + 1) * width * channels)]
    }
    var z: [UInt8] = [0x78, 0x01]
    var offset = 0
    repeat {
        let n = min(65535, raw.count - offset)
        let last: UInt8 = offset + n == raw.count ? 1 : 0
        z += [last, UInt8(n & 0xff), UInt8(n >> 8), UInt8(~n & 0xff), UInt8((~n >> 8) & 0xff)]
        z += raw[offset..<(offset + n)]
        offset += n
    } while offset < raw.count
    var a: UInt32 = 1, b: UInt32 = 0
    for v in raw {
        a = (a + UInt32(v)) % 65521
        b = (b + a) % 65521
    }
    z += be32(b << 16 | a)
    var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    png += chunk("IHDR", be32(UInt32(width)) + be32(UInt32(height)) + [8, channels == 3 ? 2 : 0, 0, 0, 0])
    png += chunk("IDAT", z)
    png += chunk("IEND", [])
    return png
}

private func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 0xff), UInt8((v >> 8) & 0xff), UInt8(v & 0xff)] }

private func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
    let body = Array(type.utf8) + data
    var crc: UInt32 = 0xffff_ffff
    for byte in body {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return be32(UInt32(data.count)) + body + be32(~crc)
}
