#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where stream bytes come from: a descriptor (stdin, a FIFO, a file) or memory (tests, fuzzing).
protocol ByteSource: SendableMetatype {
    /// Reads up to `buffer.count` bytes; 0 means end of input.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(CLIError) -> Int
}

struct DescriptorSource: ByteSource {
    let fd: Int32
    let name: String

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(CLIError) -> Int {
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw .inputMissing("\(name): read failed (\(String(cString: strerror(errno)))); check the input")
        }
    }
}

struct MemorySource: ByteSource {
    let bytes: [UInt8]
    var offset = 0
    /// Largest chunk per read, to exercise short reads as a pipe delivers them.
    var chunk = Int.max

    init(_ bytes: [UInt8], chunk: Int = Int.max) {
        self.bytes = bytes
        self.chunk = chunk
    }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(CLIError) -> Int {
        let n = min(buffer.count, bytes.count - offset, chunk)
        if n > 0 {
            bytes.withUnsafeBytes { src in
                buffer.baseAddress!.copyMemory(from: src.baseAddress! + offset, byteCount: n)
            }
        }
        offset += n
        return n
    }
}

/// Splits a byte stream into decoded frames (see StreamProtocol.swift).
///
/// Malformed input: by default the first malformed frame is a `.streamProtocol` error naming the
/// frame's position and byte offset. With `skipBad`, a frame whose header is valid but whose
/// payload is not (corrupt PNG, non-finite pixel) is skipped; after a bad header the reader
/// drops bytes until the next "SSF1"/"SSP1" magic; a truncated last frame is dropped. Each such
/// event adds 1 to `badFrames` (a run of garbage counts once). Dropping garbage builds no text
/// and allocates nothing: the header parse describes a problem by plain values.
///
/// Memory: a payload is read in steps into a buffer that grows (geometrically, to at most the
/// declared size) only as bytes arrive, so a header announcing a huge frame costs nothing until
/// the bytes come. The buffer keeps its largest size and is reused by later frames.
struct FrameReader<Source: ByteSource> {
    var source: Source
    let name: String
    let limits: StreamLimits
    let skipBad: Bool
    private(set) var badFrames = 0
    /// Frames seen so far, good and bad: the id of a PNG frame, and the position in messages.
    private(set) var frameIndex = 0
    private(set) var bytesRead = 0
    private var header: [UInt8] = []
    private var payload: [UInt8] = []
    /// First payload step; each later step doubles what has arrived of the frame.
    static var payloadStep: Int { 1 << 16 }

    /// Bytes reserved for frame payloads (tests: memory must follow the bytes that arrived).
    var payloadCapacity: Int { payload.capacity }

    init(source: Source, name: String, limits: StreamLimits = StreamLimits(), skipBad: Bool = false) {
        self.source = source
        self.name = name
        self.limits = limits
        self.skipBad = skipBad
        header.reserveCapacity(rawHeaderBytes)
    }

    /// The next good frame, decoded into `pixels`, or nil at the end of input.
    mutating func next(into pixels: inout [Float]) throws(CLIError) -> (id: UInt64, width: Int, height: Int)? {
        var resyncing = false
        while true {
            let frameStart = bytesRead - header.count
            let step = header.withUnsafeBytes { parseFrameHeader($0, limits: limits) }
            switch step {
            case .needMore(let n):
                try fillHeader(to: n)
                if header.count < n {  // end of input
                    if header.isEmpty { return nil }
                    if resyncing || skipBad {
                        if !resyncing { badFrames += 1 }
                        return nil
                    }
                    throw problem("truncated frame header (\(header.count) of \(n) bytes) at the end of the input", at: frameStart)
                }
            case .malformed(let what):
                guard skipBad else { throw problem(what.message, at: frameStart) }
                if !resyncing {
                    badFrames += 1
                    frameIndex += 1
                    resyncing = true
                }
                dropToNextMagic()
            case .header(let h):
                let got = try readExactly(h.payloadBytes)
                header.removeAll(keepingCapacity: true)
                let index = frameIndex
                frameIndex += 1
                guard got == h.payloadBytes else {
                    if skipBad {
                        badFrames += 1
                        return nil
                    }
                    throw problem("truncated frame: payload has \(got) of \(h.payloadBytes) bytes at the end of the input", at: frameStart, index: index)
                }
                let result = payload.withUnsafeBytes { p in
                    decodeFramePayload(h, UnsafeRawBufferPointer(rebasing: p[0..<h.payloadBytes]),
                                       name: "frame \(index)", limits: limits, into: &pixels)
                }
                switch result {
                case .success(let size):
                    return (h.id ?? UInt64(index), size.width, size.height)
                case .failure(let e):
                    guard skipBad else { throw problem(e.message, at: frameStart, index: index) }
                    badFrames += 1
                    resyncing = false
                }
            }
        }
    }

    private func problem(_ message: String, at offset: Int, index: Int? = nil) -> CLIError {
        .stream("\(name): frame \(index ?? frameIndex) at byte \(offset): \(message); check that the sender follows the protocol in docs/cli.md, or pass --skip-bad to skip bad frames")
    }

    /// After a bad header: drop its first byte, then everything up to a possible magic start
    /// (one shift of the at most 24 header bytes; nothing allocated).
    private mutating func dropToNextMagic() {
        var start = 1
        while start < header.count && !isMagicPrefix(from: start) { start += 1 }
        header.removeFirst(start)
    }

    /// Whether the header bytes from `start` on (up to 4) could begin a magic. Plain indexing:
    /// slice `elementsEqual` allocates a coroutine frame per element in unoptimised builds.
    private func isMagicPrefix(from start: Int) -> Bool {
        var raw = true, png = true
        var i = 0
        while i < 4 && start + i < header.count {
            let b = header[start + i]
            raw = raw && b == rawMagic[i]
            png = png && b == pngMagic[i]
            i += 1
        }
        return raw || png
    }

    /// Appends bytes to `header` until it holds `count`, or the input ends.
    private mutating func fillHeader(to count: Int) throws(CLIError) {
        var chunk = (UInt64(0), UInt64(0), UInt64(0))  // 24 bytes: a whole raw header
        while header.count < count {
            let want = min(count - header.count, 24)
            let n = try withUnsafeMutableBytes(of: &chunk) { (p) throws(CLIError) -> Int in
                try source.read(into: UnsafeMutableRawBufferPointer(rebasing: p[0..<want]))
            }
            if n == 0 { return }
            bytesRead += n
            withUnsafeBytes(of: &chunk) { header.append(contentsOf: $0[0..<n]) }
        }
    }

    /// Replaces `payload` by a zeroed buffer of `size` bytes that starts with its first `keep`
    /// bytes: one allocation and one copy (appending zeros goes element by element in
    /// unoptimised builds).
    private mutating func growPayload(keeping keep: Int, to size: Int) {
        payload = payload.withUnsafeBytes { old in
            [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
                let raw = UnsafeMutableRawBufferPointer(buffer)
                if keep > 0 { raw.baseAddress!.copyMemory(from: old.baseAddress!, byteCount: keep) }
                (raw.baseAddress! + keep).initializeMemory(as: UInt8.self, repeating: 0, count: size - keep)
                initialized = size
            }
        }
    }

    /// Reads `count` bytes into the start of `payload`; returns how many arrived before the end.
    /// The buffer grows only when it is full and more bytes are due: to twice what has arrived
    /// (at least one step), never past `count`. So its size follows the bytes received, not the
    /// size a header announced; once it holds the largest frame it is reused without growing.
    private mutating func readExactly(_ count: Int) throws(CLIError) -> Int {
        var have = 0
        var src = source
        defer { source = src }
        while have < count {
            if have == payload.count { growPayload(keeping: have, to: min(count, max(have + Self.payloadStep, 2 * have))) }
            let end = min(count, payload.count)
            let n = try payload.withUnsafeMutableBytes { p in
                Result { () throws(CLIError) -> Int in
                    try src.read(into: UnsafeMutableRawBufferPointer(rebasing: p[have..<end]))
                }
            }.get()
            if n == 0 { break }
            have += n
        }
        bytesRead += have
        return have
    }
}
