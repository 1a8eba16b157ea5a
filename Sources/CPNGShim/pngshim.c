// libpng wrapped so that its longjmp never crosses into Swift (see pngshim.h).
//
// Every piece of state that changes after setjmp lives in heap-allocated
// structs reached through pointers that never change after setjmp: C leaves
// non-volatile locals modified between setjmp and longjmp indeterminate, heap
// objects are not affected, so cleanup after an error sees the current values.
#include "pngshim.h"

#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

static void copy_msg(char *msg, size_t cap, const char *text) {
    if (msg == NULL || cap == 0) return;
    size_t n = strlen(text);
    if (n >= cap) n = cap - 1;
    memcpy(msg, text, n);
    msg[n] = 0;
}

typedef struct {
    // Input (decoding).
    const uint8_t *bytes;
    size_t length;
    size_t offset;
    int truncated;     // set by the read callback when data runs out
    int unsupported;   // set when libpng's message means "valid but unsupported"
    // Output (encoding).
    uint8_t *out;
    size_t out_size;
    size_t out_cap;
    int out_of_memory;
    // Error message from libpng.
    char message[256];
} shim_ctx;

static void on_error(png_structp png, png_const_charp text) {
    shim_ctx *ctx = (shim_ctx *)png_get_error_ptr(png);
    const char *t = text ? text : "unknown libpng error";
    size_t n = strlen(t);
    if (n >= sizeof ctx->message) n = sizeof ctx->message - 1;
    memcpy(ctx->message, t, n);
    ctx->message[n] = 0;
    // libpng says "unknown" or "unhandled critical chunk" depending on the version.
    if (strstr(t, "critical chunk") != NULL) ctx->unsupported = 1;
    png_longjmp(png, 1);
}

// Warnings (ancillary chunk CRC errors, tRNS oddities) are not failures; stay quiet.
static void on_warning(png_structp png, png_const_charp text) {
    (void)png;
    (void)text;
}

static void on_read(png_structp png, png_bytep dest, size_t n) {
    shim_ctx *ctx = (shim_ctx *)png_get_io_ptr(png);
    if (n > ctx->length - ctx->offset) {
        ctx->truncated = 1;
        png_error(png, "the data ends early (file truncated)");
    }
    memcpy(dest, ctx->bytes + ctx->offset, n);
    ctx->offset += n;
}

// Overflow-checked a * b for sizes.
static int mul_size(size_t a, size_t b, size_t *r) {
    if (a != 0 && b > SIZE_MAX / a) return 0;
    *r = a * b;
    return 1;
}

typedef struct {
    png_structp png;
    png_infop info;
    uint8_t *data;
    png_bytep *rows;
} decode_state;

pngshim_status pngshim_decode(const uint8_t *bytes, size_t length, const pngshim_limits *limits,
                              pngshim_image *out, char *msg, size_t msg_cap) {
    if (out == NULL || limits == NULL || (bytes == NULL && length != 0)) {
        copy_msg(msg, msg_cap, "pngshim_decode: null argument");
        return PNGSHIM_ERR_ARGUMENT;
    }
    memset(out, 0, sizeof *out);
    shim_ctx *const ctx = (shim_ctx *)calloc(1, sizeof(shim_ctx));
    decode_state *const st = (decode_state *)calloc(1, sizeof(decode_state));
    volatile pngshim_status status = PNGSHIM_OK;
    if (ctx == NULL || st == NULL) {
        copy_msg(msg, msg_cap, "out of memory creating the PNG reader");
        status = PNGSHIM_ERR_NO_MEMORY;
        goto done;
    }
    ctx->bytes = bytes;
    ctx->length = length;

    st->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, ctx, on_error, on_warning);
    if (st->png != NULL) st->info = png_create_info_struct(st->png);
    if (st->png == NULL || st->info == NULL) {
        copy_msg(msg, msg_cap, "out of memory creating the PNG reader");
        status = PNGSHIM_ERR_NO_MEMORY;
        goto done;
    }

    if (setjmp(png_jmpbuf(st->png))) {
        status = ctx->truncated ? PNGSHIM_ERR_TRUNCATED
                 : ctx->unsupported ? PNGSHIM_ERR_UNSUPPORTED
                                    : PNGSHIM_ERR_CORRUPT;
        copy_msg(msg, msg_cap, ctx->message);
        goto done;
    }

    // libpng's own limits: a second line of defence behind the caller's IHDR check.
    png_set_user_limits(st->png, limits->max_width, limits->max_height);
    png_set_chunk_malloc_max(st->png, (png_alloc_size_t)limits->max_chunk_bytes);
    png_set_read_fn(st->png, ctx, on_read);
    png_read_info(st->png, st->info);

    png_uint_32 width = png_get_image_width(st->png, st->info);
    png_uint_32 height = png_get_image_height(st->png, st->info);
    int bit_depth = png_get_bit_depth(st->png, st->info);
    int color_type = png_get_color_type(st->png, st->info);
    int interlace = png_get_interlace_type(st->png, st->info);
    if (width == 0 || height == 0) {
        copy_msg(msg, msg_cap, "image width or height is 0");
        status = PNGSHIM_ERR_ZERO_SIZE;
        goto done;
    }
    if (width > limits->max_width || height > limits->max_height ||
        (uint64_t)width * (uint64_t)height > limits->max_pixels) {
        copy_msg(msg, msg_cap, "image dimensions exceed the limits");
        status = PNGSHIM_ERR_TOO_LARGE;
        goto done;
    }

    if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(st->png);
    if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8) png_set_expand_gray_1_2_4_to_8(st->png);
    (void)png_set_interlace_handling(st->png);
    png_read_update_info(st->png, st->info);

    int channels = png_get_channels(st->png, st->info);
    int out_depth = png_get_bit_depth(st->png, st->info);
    size_t rowbytes = png_get_rowbytes(st->png, st->info);
    size_t expect_row, total;
    if ((out_depth != 8 && out_depth != 16) || channels < 1 || channels > 4 ||
        !mul_size((size_t)width, (size_t)channels * (size_t)(out_depth / 8), &expect_row) ||
        expect_row != rowbytes || !mul_size(rowbytes, (size_t)height, &total)) {
        copy_msg(msg, msg_cap, "unexpected row layout after transformations");
        status = PNGSHIM_ERR_UNSUPPORTED;
        goto done;
    }
    size_t rows_bytes;
    if (!mul_size((size_t)height, sizeof(png_bytep), &rows_bytes)) {
        copy_msg(msg, msg_cap, "image dimensions exceed the limits");
        status = PNGSHIM_ERR_TOO_LARGE;
        goto done;
    }
    st->data = (uint8_t *)malloc(total);
    st->rows = (png_bytep *)malloc(rows_bytes);
    if (st->data == NULL || st->rows == NULL) {
        copy_msg(msg, msg_cap, "out of memory for the decoded image");
        status = PNGSHIM_ERR_NO_MEMORY;
        goto done;
    }
    for (png_uint_32 y = 0; y < height; y++) st->rows[y] = st->data + (size_t)y * rowbytes;
    png_read_image(st->png, st->rows);
    // Reads the chunks after the image data, so a CRC error or truncation there is reported too.
    png_read_end(st->png, NULL);

    out->data = st->data;
    st->data = NULL;
    out->size = total;
    out->width = width;
    out->height = height;
    out->src_bit_depth = bit_depth;
    out->src_color_type = color_type;
    out->interlaced = interlace == PNG_INTERLACE_ADAM7;
    out->channels = channels;
    out->bit_depth = out_depth;

done:
    if (st != NULL) {
        free(st->rows);
        free(st->data);
        if (st->png != NULL) png_destroy_read_struct(&st->png, &st->info, NULL);
    }
    free(st);
    free(ctx);
    return status;
}

static void on_write(png_structp png, png_bytep src, size_t n) {
    shim_ctx *ctx = (shim_ctx *)png_get_io_ptr(png);
    if (n > SIZE_MAX - ctx->out_size) {
        ctx->out_of_memory = 1;
        png_error(png, "encoded PNG too large");
    }
    size_t need = ctx->out_size + n;
    if (need > ctx->out_cap) {
        size_t cap = ctx->out_cap ? ctx->out_cap : 4096;
        while (cap < need) cap = cap > SIZE_MAX / 2 ? need : cap * 2;
        uint8_t *grown = (uint8_t *)realloc(ctx->out, cap);
        if (grown == NULL) {
            ctx->out_of_memory = 1;
            png_error(png, "out of memory for the encoded PNG");
        }
        ctx->out = grown;
        ctx->out_cap = cap;
    }
    memcpy(ctx->out + ctx->out_size, src, n);
    ctx->out_size = need;
}

static void on_flush(png_structp png) { (void)png; }

typedef struct {
    png_structp png;
    png_infop info;
} encode_state;

pngshim_status pngshim_encode(const uint8_t *pixels, size_t pixels_size, uint32_t width, uint32_t height,
                              int color_type, int bit_depth, pngshim_buffer *out, char *msg, size_t msg_cap) {
    if (out == NULL || pixels == NULL) {
        copy_msg(msg, msg_cap, "pngshim_encode: null argument");
        return PNGSHIM_ERR_ARGUMENT;
    }
    out->data = NULL;
    out->size = 0;
    size_t channels = color_type == PNG_COLOR_TYPE_GRAY ? 1 : color_type == PNG_COLOR_TYPE_RGB ? 3 : 0;
    if (channels == 0 || (bit_depth != 8 && bit_depth != 16)) {
        copy_msg(msg, msg_cap, "pngshim_encode: only 8/16-bit gray or RGB");
        return PNGSHIM_ERR_ARGUMENT;
    }
    if (width == 0 || height == 0) {
        copy_msg(msg, msg_cap, "image width or height is 0");
        return PNGSHIM_ERR_ZERO_SIZE;
    }
    size_t rowbytes, total;
    if (!mul_size((size_t)width, channels * (size_t)(bit_depth / 8), &rowbytes) ||
        !mul_size(rowbytes, (size_t)height, &total) || total != pixels_size) {
        copy_msg(msg, msg_cap, "pixel buffer size does not match width * height * channels");
        return PNGSHIM_ERR_ARGUMENT;
    }

    shim_ctx *const ctx = (shim_ctx *)calloc(1, sizeof(shim_ctx));
    encode_state *const st = (encode_state *)calloc(1, sizeof(encode_state));
    volatile pngshim_status status = PNGSHIM_OK;
    if (ctx == NULL || st == NULL) {
        copy_msg(msg, msg_cap, "out of memory creating the PNG writer");
        status = PNGSHIM_ERR_NO_MEMORY;
        goto done;
    }
    st->png = png_create_write_struct(PNG_LIBPNG_VER_STRING, ctx, on_error, on_warning);
    if (st->png != NULL) st->info = png_create_info_struct(st->png);
    if (st->png == NULL || st->info == NULL) {
        copy_msg(msg, msg_cap, "out of memory creating the PNG writer");
        status = PNGSHIM_ERR_NO_MEMORY;
        goto done;
    }
    if (setjmp(png_jmpbuf(st->png))) {
        status = ctx->out_of_memory ? PNGSHIM_ERR_NO_MEMORY : PNGSHIM_ERR_ARGUMENT;
        copy_msg(msg, msg_cap, ctx->message);
        goto done;
    }
    // The default write limits (1,000,000 per side) would refuse wide but valid images.
    png_set_user_limits(st->png, 0x7fffffffU, 0x7fffffffU);
    png_set_write_fn(st->png, ctx, on_write, on_flush);
    png_set_IHDR(st->png, st->info, width, height, bit_depth, color_type, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(st->png, st->info);
    for (png_uint_32 y = 0; y < height; y++) {
        // libpng does not modify rows it writes (no transforms are set); the cast drops const only.
        png_write_row(st->png, (png_const_bytep)(pixels + (size_t)y * rowbytes));
    }
    png_write_end(st->png, NULL);
    out->data = ctx->out;
    out->size = ctx->out_size;
    ctx->out = NULL;

done:
    if (ctx != NULL) free(ctx->out);
    if (st != NULL && st->png != NULL) png_destroy_write_struct(&st->png, &st->info);
    free(st);
    free(ctx);
    return status;
}

void pngshim_free(void *p) { free(p); }
