#!/usr/bin/env bash
# Builds the fuzzers' seed corpora into $1 (an ignored folder, default .build-fuzz/corpus) from the
# test fixtures, a few real slices/volumes from ../shared/data (cropped, never committed), and
# synthetic stream frames. Committed synthetic seeds live in Fuzz/seeds/TARGET and are passed to
# the fuzzers as a second corpus directory.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-.build-fuzz/corpus}
mkdir -p "$OUT"/{png,nifti,model,spec,safetensors,stream}
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

# Spec: spec JSON alone (Fuzz/Targets/spec). The real specs (tiny-unet, weights/*.json) and specs
# made from the golden fixtures' "model" part (VGG-1/2, UNets; sha256 = their weights'), each
# compact (< 8 KB, the target's max_len, to which libFuzzer truncates seeds) and stripped to
# the fields the runtime decodes, plus variants (window intensity, stretch, odd length = direct
# planning policy, small VGG input).
import json
def compact(j):
    return json.dumps(j, separators=(",", ":")).encode()
specs = {}
for p in sorted(glob.glob("Tests/Fixtures/cli/*.json") + glob.glob("weights/*.json")):
    j = json.load(open(p))
    if j.get("format") == "splineseg-model/1":
        specs[os.path.basename(p)[:-5]] = j
for p in sorted(glob.glob("Tests/Fixtures/golden/*.json") + glob.glob("Tests/Fixtures/golden-shipped/*.json")):
    g = json.load(open(p))
    if "model" in g and "architecture" in g.get("model", {}):
        j = {"format": "splineseg-model/1", "name": g.get("name", "golden")}
        j.update(g["model"])
        j["sha256"] = g.get("weights", {}).get("sha256", "0" * 64)
        specs.setdefault(j["name"], j)
keep = ("format", "name", "architecture", "input", "coefficients", "degree", "depth", "bottleneck", "filters", "sha256")
for name, j in sorted(specs.items()):
    b = compact(j)
    if len(b) < 8192:
        put("spec", f"{name}.json", b)
    s = {k: j[k] for k in keep if k in j}
    s["preprocessing"] = {"parameters": j["preprocessing"]["parameters"]}
    put("spec", f"min_{name}.json", compact(s))
    put("spec", f"min_{name}_pad.json", compact(s) + b" ")  # other length parity: other policy
t = json.loads(compact({k: v for k, v in specs.get("tiny-unet", {}).items() if k != "training"}) or b"{}")
if t:
    t["preprocessing"] = {"parameters": dict(t["preprocessing"]["parameters"], intensity="window", window=[-100.0, 400.5], geometry="stretch")}
    t["weights"] = None
    put("spec", "tiny_window_stretch.json", compact(t))
    v = dict(t, architecture="vgg-implicit1", input=8, coefficients=2, depth=None, bottleneck=None, filters=None)
    v["preprocessing"] = {"parameters": dict(t["preprocessing"]["parameters"], input=8)}
    put("spec", "vgg1_i8.json", compact(v))
    d0 = dict(t, depth=0, bottleneck=4, filters=16, input=16, coefficients=4)
    d0["preprocessing"] = {"parameters": dict(t["preprocessing"]["parameters"], input=16)}
    put("spec", "unet_d0_f16.json", compact(d0))
    put("spec", "unet_d0_f16_pad.json", compact(d0) + b" ")

# Safetensors target: .safetensors files and .sspack packs (Fuzz/Targets/safetensors). The test
# and shipped weights and the golden tensor files cropped to their first 8 small tensors (header
# rewritten, 1-3 KB, below the 4 KB max_len: the header JSON's size sets the cost); synthetic files (U8, empty tensor, metadata only, padded
# header); the shipped .sspack's header with 256 of its floats, and an empty pack.
def st_file(tensors, meta=None, pad=0):
    hdr, data = {}, b""
    if meta is not None:
        hdr["__metadata__"] = meta
    for name, dtype, shape, raw in tensors:
        hdr[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    h = json.dumps(hdr, separators=(",", ":")).encode() + b" " * pad
    return struct.pack("<Q", len(h)) + h + data
def st_crop(p, budget=2048, count=8):
    b = open(p, "rb").read(65536 * 8)
    n = struct.unpack("<Q", b[:8])[0]
    hdr = json.loads(b[8:8 + n])
    b = open(p, "rb").read()
    out = []
    for name, e in sorted(((k, v) for k, v in hdr.items() if k != "__metadata__"), key=lambda kv: kv[1]["data_offsets"][0]):
        lo, hi = e["data_offsets"]
        if hi - lo > budget or len(out) == count:
            continue
        budget -= hi - lo
        out.append((name, e["dtype"], e["shape"], b[8 + n + lo:8 + n + hi]))
    return st_file(out, hdr.get("__metadata__"))
for p in sorted(glob.glob("Tests/Fixtures/*/*.safetensors") + glob.glob("weights/*.safetensors")):
    if os.path.getsize(p) < 4096:
        put("safetensors", os.path.basename(p), open(p, "rb").read())
    else:
        put("safetensors", "crop_" + os.path.basename(p), st_crop(p))
put("safetensors", "synthetic_u8_f32.safetensors", st_file(
    [("mask", "U8", [2, 3], bytes([0, 1, 2, 253, 254, 255])), ("w", "F32", [2], struct.pack("<2f", 1.5, -0.0)),
     ("empty", "F32", [0, 4], b""), ("scalar", "F32", [], struct.pack("<f", 3.0))], {"format": "pt"}, pad=5))
put("safetensors", "metadata_only.safetensors", st_file([], {"a": "b"}))
put("safetensors", "empty_header.safetensors", struct.pack("<Q", 2) + b"{}")
for p in sorted(glob.glob("weights/*.sspack")):
    with open(p, "rb") as f:
        head = f.read(128)
        floats = f.read(1024)
    if len(head) == 128 and head[:8] == b"SSPACK\r\n":
        put("safetensors", "crop_" + os.path.basename(p), head[:80] + struct.pack("<Q", len(floats) // 4) + head[88:] + floats)
put("safetensors", "empty.sspack", b"SSPACK\r\n" + struct.pack("<II", 1, 128) + bytes(range(64)) + struct.pack("<Q", 0) + bytes(40))

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
for t in png nifti model spec safetensors stream; do echo "corpus $t: $(ls "$OUT/$t" | wc -l) files, $(du -sk "$OUT/$t" | cut -f1) KB"; done
