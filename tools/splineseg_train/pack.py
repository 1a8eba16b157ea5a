"""Prepared data packs: a data set already preprocessed for one input size, small enough to carry
to another machine (a lent GPU machine has no nibabel and takes at most 64 MiB with the repo).

A pack is a folder with pack.json and one <case>.npz.xz per case (lzma over an uncompressed .npz):
  q     (K, I, I) uint8   the preprocessed network input quantised per slice to `bits` bits:
                          x ~= lo + q * (hi - lo) / (2^bits - 1); |error| <= (hi - lo) / (2^(bits+1) - 2)
  lo/hi (K,) float32      per-slice range of the preprocessed input
  y     packbits of the (K, I, I) training target
  mask  packbits of the native (H, W, K) mask, with mask_shape (3,) and spacing (3,)
pack.json records the preprocessing config (it must equal the trainer's), the bits and the cases.
The quantisation is lossy on purpose (6 bits: 80 la2018 volumes at I = 128 take ~44 MB): a model
trained on a pack is evaluated afterwards on the exact inputs (tools/evaluate.py), never on the pack.
"""
from __future__ import annotations

import io
import json
import lzma
import os
from pathlib import Path

import numpy as np

PACK_FILE = "pack.json"
FORMAT = "splineseg-data-pack-1"


def quantize(x: np.ndarray, bits: int):
    """x (K, I, I) float -> q uint8, lo (K,), hi (K,) float32 (per-slice range)."""
    if not 1 <= bits <= 8:
        raise ValueError(f"bits must be in 1..8, got {bits}")
    x = np.asarray(x, dtype=np.float64)
    lo = x.min(axis=(1, 2))
    hi = x.max(axis=(1, 2))
    span = np.maximum(hi - lo, 1e-12)[:, None, None]
    levels = (1 << bits) - 1
    q = np.rint((x - lo[:, None, None]) / span * levels).astype(np.uint8)
    return q, lo.astype(np.float32), hi.astype(np.float32)


def dequantize(q: np.ndarray, lo: np.ndarray, hi: np.ndarray, bits: int) -> np.ndarray:
    levels = (1 << bits) - 1
    lo64, hi64 = lo.astype(np.float64)[:, None, None], hi.astype(np.float64)[:, None, None]
    return (lo64 + q.astype(np.float64) * (hi64 - lo64) / levels).astype(np.float32)


def write_case(folder: Path, vol: dict, bits: int) -> int:
    """One preprocessed case (data.load_case) -> folder/<name>.npz.xz; returns its size in bytes."""
    q, lo, hi = quantize(np.asarray(vol["x"]), bits)
    y = np.asarray(vol["y"]).astype(bool)
    mask = np.asarray(vol["mask"]).astype(bool)
    buf = io.BytesIO()
    np.savez(buf, q=q, lo=lo, hi=hi, y=np.packbits(y), y_shape=np.array(y.shape),
             mask=np.packbits(mask), mask_shape=np.array(mask.shape),
             spacing=np.array(vol["spacing"], dtype=np.float64))
    blob = lzma.compress(buf.getvalue(), preset=9 | lzma.PRESET_EXTREME)
    path = folder / f"{vol['name']}.npz.xz"
    tmp = path.with_name(path.name + f".tmp{os.getpid()}")
    tmp.write_bytes(blob)
    os.replace(tmp, path)
    return len(blob)


def write_index(folder: Path, prep: dict, bits: int, names: list[str], source: str) -> None:
    (folder / PACK_FILE).write_text(json.dumps(
        {"format": FORMAT, "preprocessing": prep, "bits": bits, "cases": sorted(names),
         "source": source}, indent=1))


def is_pack(folder: Path) -> bool:
    return (Path(folder) / PACK_FILE).is_file()


def read_index(folder: Path) -> dict:
    meta = json.loads((Path(folder) / PACK_FILE).read_text())
    if meta.get("format") != FORMAT:
        raise ValueError(f"{folder}/{PACK_FILE}: format {meta.get('format')!r}, expected "
                         f"{FORMAT!r}; rebuild it with tools/pack_data.py")
    return meta


def read_case(folder: Path, name: str, prep: dict) -> dict:
    """-> the same dict as data.load_case (x float32 dequantised, y uint8, mask uint8 native)."""
    meta = read_index(folder)
    if meta["preprocessing"] != prep:
        raise ValueError(f"data pack {folder} was made for preprocessing {meta['preprocessing']}, "
                         f"but training asks for {prep}; make a pack with the same --input/"
                         f"--intensity/--geometry")
    path = Path(folder) / f"{name}.npz.xz"
    if not path.is_file():
        raise FileNotFoundError(f"data pack {folder} lists case {name} but {path} is missing")
    z = np.load(io.BytesIO(lzma.decompress(path.read_bytes())))
    ys, ms = tuple(z["y_shape"]), tuple(z["mask_shape"])
    y = np.unpackbits(z["y"], count=int(np.prod(ys))).reshape(ys).astype(np.uint8)
    mask = np.unpackbits(z["mask"], count=int(np.prod(ms))).reshape(ms).astype(np.uint8)
    return {"name": name, "spacing": tuple(float(s) for s in z["spacing"]),
            "x": dequantize(z["q"], z["lo"], z["hi"], int(meta["bits"])), "y": y, "mask": mask}
