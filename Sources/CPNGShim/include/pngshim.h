// pngshim: libpng behind plain C calls that never longjmp into Swift.
//
// libpng reports errors by longjmp. Swift cannot be unwound through, so every
// setjmp/png_* call lives in pngshim.c; each entry point returns a status code
// and copies libpng's message into a caller-supplied buffer.
#pragma once
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    PNGSHIM_OK = 0,
    PNGSHIM_ERR_TRUNCATED = 1,   // the data ended before libpng was done
    PNGSHIM_ERR_CORRUPT = 2,     // CRC, zlib or structure error (see message)
    PNGSHIM_ERR_TOO_LARGE = 3,   // over a limit (checked again here, before allocating)
    PNGSHIM_ERR_ZERO_SIZE = 4,   // width or height 0
    PNGSHIM_ERR_UNSUPPORTED = 5, // e.g. an unknown critical chunk
    PNGSHIM_ERR_NO_MEMORY = 6,   // malloc failed
    PNGSHIM_ERR_ARGUMENT = 7     // bad arguments from the caller
} pngshim_status;

typedef struct {
    uint32_t max_width;
    uint32_t max_height;
    uint64_t max_pixels;
    uint64_t max_chunk_bytes;  // png_set_chunk_malloc_max: bounds any chunk (zTXt, iCCP...)
} pngshim_limits;

// A decoded image. `data` holds height rows of width * channels samples,
// samples 8-bit, or 16-bit big-endian (as stored in PNG) when bit_depth == 16.
// Transformations applied: palette -> RGB, gray 1/2/4-bit -> 8-bit (scaled to
// 0...255), interlacing removed. tRNS is ignored, alpha channels are kept.
typedef struct {
    uint8_t *data;           // malloc'ed; release with pngshim_free
    size_t size;             // bytes in data
    uint32_t width, height;
    int src_bit_depth;       // as in IHDR
    int src_color_type;      // as in IHDR (0 gray, 2 RGB, 3 palette, 4 gray+alpha, 6 RGBA)
    int interlaced;          // 1 for Adam7
    int channels;            // channels in data: 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA
    int bit_depth;           // 8 or 16
} pngshim_image;

// Decodes a whole PNG from memory. On success fills *out (caller frees
// out->data with pngshim_free). On failure returns a status, out->data is
// NULL, and msg (capacity msg_cap, may be 0) holds a NUL-terminated reason.
pngshim_status pngshim_decode(const uint8_t *bytes, size_t length, const pngshim_limits *limits,
                              pngshim_image *out, char *msg, size_t msg_cap);

// An encoded PNG in memory.
typedef struct {
    uint8_t *data;  // malloc'ed; release with pngshim_free
    size_t size;
} pngshim_buffer;

// Encodes height rows of width * channels samples (channels from color_type:
// 0 gray -> 1, 2 RGB -> 3); 16-bit samples are given big-endian. Non-interlaced,
// default filters and compression.
pngshim_status pngshim_encode(const uint8_t *pixels, size_t pixels_size, uint32_t width, uint32_t height,
                              int color_type, int bit_depth, pngshim_buffer *out, char *msg, size_t msg_cap);

void pngshim_free(void *p);

#ifdef __cplusplus
}
#endif
