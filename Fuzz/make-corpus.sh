#!/usr/bin/env bash
# Builds the fuzzers' seed corpora into $1 (an ignored folder, default .build-fuzz/corpus) from the
# test fixtures, a few real slices/volumes from ../shared/data (cropped, never committed), and
# synthetic stream frames. Committed synthetic seeds live in Fuzz/seeds/TARGET and are passed to
# the fuzzers as a second corpus directory.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-.build-fuzz/corpus}
mkdir -p "$OUT"/{png,nifti,model,stream}
python3 - "$OUT" <<'PY'
import glob, gzip, io, os, struct, sys, zlib
out = sys.argv[1]
data = "../shared/data"

def put(target, name, b):
    with open(os.path.join(out, target, name), "wb") as f:
        f.write(b)

# PNG: every fixture, plus real slices downscaled/cropped to small sizes (grey and RGB masks).
for p in sorted(glob.glob("Tests/Fixtures/png/*.png")):
    put("png", os.path.basename(p), open(p, "rb").read())
pngs = []
try:
    from PIL import Image
    imgs = sorted(glob.glob(f"{data}/hvsmr2-mini/images/*.png"))[:2]
    imgs += sorted(glob.glob(f"{data}/hvsmr2-mini/masks_multiclass/*.png"))[:1]
    for p in imgs:
        im = Image.open(p)
        for s in (24, 64):
            small = im.resize((s, s * 3 // 4))
            buf = io.BytesIO(); small.save(buf, "PNG")
            b = buf.getvalue(); pngs.append(b)
            put("png", f"real_{s}_{os.path.basename(p)}", b)
        buf = io.BytesIO(); im.crop((200, 200, 232, 240)).save(buf, "PNG", optimize=False)
        put("png", f"real_crop_{os.path.basename(p)}", buf.getvalue())
except Exception as e:  # no PIL or no data set: fixtures only
    print(f"make-corpus: real PNG slices skipped ({e})", file=sys.stderr)
pngs += [open(p, "rb").read() for p in sorted(glob.glob("Tests/Fixtures/png/gray*.png"))[:4]]

# NIfTI: small fixtures, plus crops of real volumes (int16 scl_slope, uint8 mask, CT int16).
for p in sorted(glob.glob("Tests/Fixtures/nifti/*.nii*")):
    if os.path.getsize(p) <= 65536:
        put("nifti", os.path.basename(p), open(p, "rb").read())
try:
    import nibabel as nib, numpy as np
    vols = sorted(glob.glob(f"{data}/la2018/images/*.nii.gz"))[:1] + sorted(glob.glob(f"{data}/la2018/masks/*.nii.gz"))[:1]
    for i, p in enumerate(vols):
        img = nib.load(p)
        a = np.asanyarray(img.dataobj)
        c = a[a.shape[0]//2 - 8:a.shape[0]//2 + 8, a.shape[1]//2 - 6:a.shape[1]//2 + 6, 40:42]
        h = img.header.copy(); h.set_data_shape(c.shape)
        crop = nib.Nifti1Image(c, img.affine, h)
        b = crop.to_bytes()
        put("nifti", f"real_{i}.nii", b)
        put("nifti", f"real_{i}.nii.gz", gzip.compress(b, 6))
except Exception as e:
    print(f"make-corpus: real NIfTI crops skipped ({e})", file=sys.stderr)

# Model: spec JSON + NUL + safetensors (the small ones), and every spec alone.
for spec in sorted(glob.glob("Tests/Fixtures/cli/*.json") + glob.glob("Tests/Fixtures/golden/*.json")):
    st = spec[:-5] + ".safetensors"
    j = open(spec, "rb").read()
    put("model", "spec_" + os.path.basename(spec), j)
    if os.path.exists(st) and os.path.getsize(st) + len(j) < 131072:
        put("model", "pair_" + os.path.basename(spec), j + b"\0" + open(st, "rb").read())

# Stream: first byte = reader mode (see Fuzz/Targets/stream), then frames.
def raw(w, h, t, fid, px):
    return b"SSF1" + struct.pack("<IIB3xQ", w, h, t, fid) + px
def pngf(b):
    return b"SSP1" + struct.pack("<I", len(b)) + b
u8 = raw(5, 3, 1, 7, bytes(range(15)))
u16 = raw(3, 2, 2, 8, struct.pack("<6H", 0, 1, 255, 256, 4095, 65535))
f32 = raw(2, 2, 3, 9, struct.pack("<4f", 0.0, -1.5, 3e38, 1e-38))
nan = raw(2, 1, 3, 10, struct.pack("<2f", 0.0, float("nan")))
small = [p for p in pngs if len(p) < 4096][:3]
for mode in (0, 1, 8, 9):
    put("stream", f"raw_{mode}", bytes([mode]) + u8 + u16 + f32)
    put("stream", f"mixed_{mode}", bytes([mode]) + u8 + (pngf(small[0]) if small else b"") + f32)
    put("stream", f"bad_{mode}", bytes([mode]) + u8 + b"junkSS" + nan + u16 + u8[:30])
for i, p in enumerate(small):
    put("stream", f"png_{i}", bytes([8 | i]) + pngf(p) + pngf(p[:-5]))
PY
for t in png nifti model stream; do echo "corpus $t: $(ls "$OUT/$t" | wc -l) files, $(du -sk "$OUT/$t" | cut -f1) KB"; done
