// NIfTIIO: NIfTI-1 single-file (.nii / .nii.gz) reader and uint8 mask writer.
//
// Entry points: `NIfTIVolume.read(path:limits:)`, `NIfTIVolume.decode(_:name:limits:)`,
// `writeNIfTIMask(_:like:to:)`, `maskHeader(like:)`, `gzipCompress(_:level:name:)`.
// Every failure is a typed `NIfTIError`; no input bytes can trap.
//
// Choices (where the standard leaves room or the brief asked us to pick):
// - Gzip is recognised by the magic bytes 1f 8b, never by the file name. Concatenated gzip
//   members (bgzip, pigz) are read as one stream; any other bytes after the last member are
//   refused as corrupt. A stream whose CRC trailer is missing is refused as truncated.
// - Decompression is capped at the size the header announces (vox_offset + voxels * bytes);
//   more output is refused (`tooLarge`, likely a decompression bomb), unless zlib finds the
//   extra data corrupt within the next MiB (`corruptGzip`). The announced size itself must be
//   <= NIfTILimits.maxBytes (2 GiB) and within deflate's 1032:1 maximum ratio of the compressed
//   size, checked before the data buffer is allocated.
// - Uncompressed .nii: bytes after the data are ignored.
// - Only single volumes: dim[4...dim[0]] must all be 1, else `badDimensions` (no silent
//   "first volume" choice). `shape` keeps dim[0] entries, padded with 1 to at least 3.
// - bitpix is recorded but not checked: the datatype code alone decides the voxel size.
// - Header extensions (between byte 352 and vox_offset) are skipped, not parsed.
// - Scaling: scl_slope 0 or non-finite means none; a non-finite scl_inter counts as 0.
//   Values are computed in Double and rounded once to Float.
// - The writer always writes little-endian n+1 with vox_offset 352 and no extensions.
