#!/usr/bin/env python3
"""Writes the small synthetic PNGs used by Tests/PNGIOTests, plus expected.json.

The PNGs are built here byte by byte (numpy + zlib + struct, no image library),
so every colour type, bit depth, filter type and Adam7 interlacing is covered
with known sample values. Expected decoded values are computed here
independently of the Swift decoder:
  gray  = stored gray sample, 1/2/4-bit scaled by 255 / (2^depth - 1);
          colour: 0.299 R + 0.587 G + 0.114 B on the stored values; alpha dropped.
  rgb   = R, G, B per pixel (gray replicated, palette looked up); alpha separate.
Each PNG is cross-checked against Pillow where Pillow decodes that format
exactly. Real-data checksums for a few hvsmr2-mini files (decoded with Pillow)
go into the same JSON; those files themselves are never copied here.

Usage: python3 tools/make_png_fixtures.py   (from the repository root)
"""
import json
import os
import struct
import zlib

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "png")
DATA = os.path.join(ROOT, "..", "shared", "data", "hvsmr2-mini")

SIG = b"\x89PNG\r\n\x1a\n"
CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
# Adam7 passes: (x start, y start, x step, y step).
ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def ihdr(width, height, depth, color_type, interlace):
    return chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, color_type, 0, 0, interlace))


def pack_row(samples, depth):
    """One scanline's samples (1-D uint array) to bytes, MSB first for depth < 8."""
    if depth == 16:
        return samples.astype(">u2").tobytes()
    if depth == 8:
        return samples.astype(np.uint8).tobytes()
    per = 8 // depth
    out = bytearray((len(samples) + per - 1) // per)
    for i, v in enumerate(samples):
        out[i // per] |= int(v) << (8 - depth * (i % per + 1))
    return bytes(out)


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def filter_row(kind, row, prev, bpp):
    """PNG filter `kind` (0-4) applied to `row` given the previous raw row."""
    out = bytearray(len(row))
    for i, x in enumerate(row):
        a = row[i - bpp] if i >= bpp else 0
        b = prev[i] if prev is not None else 0
        c = prev[i - bpp] if (prev is not None and i >= bpp) else 0
        pred = [0, a, b, (a + b) // 2, paeth(a, b, c)][kind]
        out[i] = (x - pred) & 0xFF
    return bytes([kind]) + bytes(out)


def scanlines(img, depth, channels):
    """Filtered scanlines of img (H, W, C); filter type cycles 0..4 by row."""
    bpp = max(1, channels * depth // 8)
    data, prev = b"", None
    for y in range(img.shape[0]):
        raw = pack_row(img[y].reshape(-1), depth)
        data += filter_row(y % 5, raw, prev, bpp)
        prev = raw
    return data


def encode(img, depth, color_type, interlace=False, palette=None, extra=b""):
    """img: (H, W, C) array of stored samples (palette indices for type 3)."""
    h, w, c = img.shape
    if interlace:
        raw = b""
        for x0, y0, dx, dy in ADAM7:
            sub = img[y0::dy, x0::dx]
            if sub.shape[0] and sub.shape[1]:
                raw += scanlines(sub, depth, c)
    else:
        raw = scanlines(img, depth, c)
    png = SIG + ihdr(w, h, depth, color_type, 1 if interlace else 0)
    if palette is not None:
        png += chunk(b"PLTE", bytes(np.asarray(palette, np.uint8).reshape(-1)))
    png += extra
    z = zlib.compress(raw, 9)
    # Two IDAT chunks, so chunk boundaries inside the stream are exercised.
    png += chunk(b"IDAT", z[: len(z) // 2]) + chunk(b"IDAT", z[len(z) // 2 :])
    return png + chunk(b"IEND", b"")


def expected(img, depth, color_type, palette=None):
    h, w, c = img.shape
    if color_type == 3:
        rgb = np.asarray(palette, np.float64)[img[:, :, 0]]
        alpha = None
    else:
        s = img.astype(np.float64)
        if color_type in (0, 4) and depth < 8:
            s = s * 255.0 / (2**depth - 1)
        colour = s[:, :, :3] if color_type in (2, 6) else np.repeat(s[:, :, :1], 3, axis=2)
        rgb = colour
        alpha = s[:, :, -1] if color_type in (4, 6) else None
    gray = 0.299 * rgb[:, :, 0] + 0.587 * rgb[:, :, 1] + 0.114 * rgb[:, :, 2]
    if color_type in (0, 4):
        gray = rgb[:, :, 0]
    return {
        "width": w,
        "height": h,
        "bitDepth": depth,
        "colorType": color_type,
        "maxValue": 65535 if depth == 16 else 255,
        "gray": [float(v) for v in gray.reshape(-1)],
        "rgb": [int(v) for v in rgb.reshape(-1)],
        "alpha": None if alpha is None else [int(v) for v in alpha.reshape(-1)],
    }


def cross_check(path, exp):
    """Pillow must agree where it decodes the format without loss."""
    try:
        from PIL import Image
    except ImportError:
        return
    with Image.open(path) as im:
        im.load()
        mode = im.mode
        if exp["bitDepth"] == 16 and mode not in ("I;16", "I;16B", "I"):
            return  # Pillow reduces 16-bit colour to 8 bits
        a = np.asarray(im.convert("RGB") if mode in ("P", "1") else im).astype(np.float64)
    if mode in ("P", "1", "RGB", "RGBA"):
        got = a[:, :, :3].reshape(-1)
        want = np.array(exp["rgb"], np.float64)
    elif mode == "LA":
        got = a[:, :, 0].reshape(-1)
        want = np.array(exp["gray"], np.float64)
    else:
        got = a.reshape(-1)
        want = np.array(exp["gray"], np.float64)
    if mode in ("LA", "RGBA"):
        assert np.array_equal(a[:, :, -1].reshape(-1), np.array(exp["alpha"], np.float64)), path
    assert np.array_equal(got, want), f"Pillow disagrees on {path}"


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(20240611)
    cases = {}

    def add(name, img, depth, color_type, interlace=False, palette=None):
        data = encode(img, depth, color_type, interlace, palette)
        path = os.path.join(OUT, name + ".png")
        with open(path, "wb") as f:
            f.write(data)
        exp = expected(img, depth, color_type, palette)
        exp["interlaced"] = interlace
        cross_check(path, exp)
        cases[name] = exp

    W, H = 7, 5  # odd sizes: partial bytes at row ends, partial Adam7 blocks
    for depth in (1, 2, 4, 8, 16):
        add(f"gray{depth}", rng.integers(0, 2**depth, (H, W, 1)), depth, 0)
    for depth in (8, 16):
        add(f"grayalpha{depth}", rng.integers(0, 2**depth, (H, W, 2)), depth, 4)
        add(f"rgb{depth}", rng.integers(0, 2**depth, (H, W, 3)), depth, 2)
        add(f"rgba{depth}", rng.integers(0, 2**depth, (H, W, 4)), depth, 6)
    for depth in (1, 2, 4, 8):
        n = min(2**depth, 20)
        pal = rng.integers(0, 256, (n, 3))
        add(f"palette{depth}", rng.integers(0, n, (H, W, 1)), depth, 3, palette=pal)
    IW, IH = 13, 11  # covers every Adam7 pass with a partial last block
    add("gray8_interlaced", rng.integers(0, 256, (IH, IW, 1)), 8, 0, interlace=True)
    add("gray1_interlaced", rng.integers(0, 2, (IH, IW, 1)), 1, 0, interlace=True)
    add("rgb16_interlaced", rng.integers(0, 65536, (IH, IW, 3)), 16, 2, interlace=True)
    pal = rng.integers(0, 256, (16, 3))
    add("palette4_interlaced", rng.integers(0, 16, (IH, IW, 1)), 4, 3, interlace=True, palette=pal)

    # Malformed files whose CRCs are valid, so only the stated defect is wrong.
    tiny = np.zeros((1, 1, 1), np.uint8)
    ok = encode(tiny, 8, 0)
    idat_iend = ok[8 + 25 :]  # everything after the signature and IHDR chunk
    bad = {
        "bad_zero_width": SIG + ihdr(0, 5, 8, 0, 0) + idat_iend,
        "bad_huge": SIG + ihdr(100000, 100000, 8, 0, 0) + idat_iend,
        "bad_unknown_critical": SIG + ihdr(1, 1, 8, 0, 0) + chunk(b"ZZZZ", b"x") + idat_iend,
    }
    for name, data in bad.items():
        with open(os.path.join(OUT, name + ".png"), "wb") as f:
            f.write(data)

    real = {}
    try:
        from PIL import Image

        for rel in ("images/10000_121.png", "images/10001_12.png", "images/10000_79.png"):
            with Image.open(os.path.join(DATA, rel)) as im:
                a = np.asarray(im).astype(np.int64).reshape(-1)
                real[rel] = {
                    "width": im.size[0],
                    "height": im.size[1],
                    "mode": im.mode,
                    "sum": int(a.sum()),
                    # position-weighted, so a transposed or shifted decode fails
                    "weightedSum": int((a * (np.arange(a.size) % 251 + 1)).sum()),
                    "first": int(a[0]),
                    "center": int(a[(im.size[1] // 2) * im.size[0] + im.size[0] // 2]),
                }
        rel = "masks_multiclass/10000_121.png"
        with Image.open(os.path.join(DATA, rel)) as im:
            a = np.asarray(im.convert("RGB")).reshape(-1, 3)
            colours, counts = np.unique(a, axis=0, return_counts=True)
            real[rel] = {
                "width": im.size[0],
                "height": im.size[1],
                "mode": im.mode,
                "colours": {f"{r},{g},{b}": int(n) for (r, g, b), n in zip(colours, counts)},
                "weightedRed": int((a[:, 0].astype(np.int64) * (np.arange(len(a)) % 251 + 1)).sum()),
            }
    except (ImportError, FileNotFoundError) as e:
        raise SystemExit(f"need Pillow and ../shared/data/hvsmr2-mini for the real-data checksums: {e}")

    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump({"synthetic": cases, "real": real}, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"wrote {len(cases)} synthetic + {len(bad)} malformed PNGs and expected.json to {OUT}")


if __name__ == "__main__":
    main()
