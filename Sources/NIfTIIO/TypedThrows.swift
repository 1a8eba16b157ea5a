/// Array's withUnsafe(Mutable)Bytes rethrow untyped errors; these wrappers keep `NIfTIError`
/// typed through the closure by carrying it in a Result.
@inline(__always)
func withBytes<R>(_ a: [UInt8], _ body: (UnsafeRawBufferPointer) throws(NIfTIError) -> R) throws(NIfTIError) -> R {
    let r: Result<R, NIfTIError> = a.withUnsafeBytes { b in Result { () throws(NIfTIError) in try body(b) } }
    return try r.get()
}

@inline(__always)
func withMutableBytes<R>(_ a: inout [UInt8], _ body: (UnsafeMutableRawBufferPointer) throws(NIfTIError) -> R) throws(NIfTIError) -> R {
    let r: Result<R, NIfTIError> = a.withUnsafeMutableBytes { b in Result { () throws(NIfTIError) in try body(b) } }
    return try r.get()
}
