"""Data sets: discovery of image/mask pairs, slicing, preprocessing cache, splits.

A "case" is one image/mask pair: a NIfTI volume (slices [:, :, k]) or a single PNG slice.
Accepted --data forms:
  DIR with images/ and masks/ holding files of the same names (.nii, .nii.gz or .png),
  IMAGE::MASK (one pair of files, e.g. ircadb-17/ct.nii.gz::ircadb-17/masks/liver.nii.gz),
  PACK a folder written by tools/pack_data.py (already preprocessed, see pack.py).
Preprocessed slices are cached per case under the cache folder as .npy files (memory-mapped),
keyed by the file's path, size, mtime and the preprocessing config.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import pack as packs
from . import preprocess as pp

IMAGE_EXTS = (".nii.gz", ".nii", ".png")


@dataclass(frozen=True)
class Case:
    name: str
    image: Path
    mask: Path
    pack: Path | None = None  # set for cases of a prepared data pack


def _stem(p: Path) -> str | None:
    for ext in IMAGE_EXTS:
        if p.name.endswith(ext):
            return p.name[: -len(ext)]
    return None


def discover(data: str | os.PathLike) -> list[Case]:
    """All cases of a data set (sorted by name). Raises with a hint if nothing usable is there."""
    data = str(data)
    if "::" in data:
        img, msk = (Path(x) for x in data.split("::", 1))
        for p in (img, msk):
            if not p.is_file():
                raise FileNotFoundError(f"data file {p} does not exist (from --data {data})")
        return [Case(_stem(img) or img.name, img, msk)]
    root = Path(data)
    if packs.is_pack(root):
        names = packs.read_index(root)["cases"]
        return [Case(n, root / f"{n}.npz.xz", root / f"{n}.npz.xz", root) for n in names]
    if not root.is_dir():
        raise FileNotFoundError(f"data directory {root} does not exist; pass --data DIR with "
                                f"images/ and masks/, or IMAGE::MASK")
    idir, mdir = root / "images", root / "masks"
    if not idir.is_dir() or not mdir.is_dir():
        raise FileNotFoundError(f"data directory {root} needs subfolders images/ and masks/ "
                                f"with files of the same names")
    cases = []
    for p in sorted(idir.iterdir()):
        stem = _stem(p)
        if stem is None:
            continue
        m = mdir / p.name
        if not m.is_file():
            raise FileNotFoundError(f"image {p} has no mask {m}; every image needs a mask "
                                    f"of the same file name")
        cases.append(Case(stem, p, m))
    if not cases:
        raise FileNotFoundError(f"data directory {idir} holds no .nii/.nii.gz/.png images")
    return cases


def read_case(case: Case):
    """-> image (H, W, K) float64, mask (H, W, K) bool, spacing (dy, dx, dz) in mm."""
    if case.image.name.endswith(".png"):
        img = _png_gray(case.image)
        msk = _png_gray(case.mask)
        img, msk = img[:, :, None], (msk > 0)[:, :, None]
        spacing = (1.0, 1.0, 1.0)
    else:
        import nibabel as nib
        im, mk = nib.load(str(case.image)), nib.load(str(case.mask))
        img = np.asarray(im.get_fdata(dtype=np.float64))
        msk = np.asarray(mk.dataobj) > 0
        if img.ndim == 2:
            img, msk = img[:, :, None], msk[:, :, None] if msk.ndim == 2 else msk
        spacing = tuple(float(z) for z in im.header.get_zooms()[:3])
    if img.shape != msk.shape:
        raise ValueError(f"case {case.name}: image {case.image} has shape {img.shape} but mask "
                         f"{case.mask} has {msk.shape}; they must match voxel for voxel")
    if img.ndim != 3:
        raise ValueError(f"case {case.name}: expected a 2-D or 3-D image, got shape {img.shape}")
    if not np.all(np.isfinite(img)):
        raise ValueError(f"case {case.name}: image {case.image} contains NaN/inf values")
    return img, msk, spacing


def _png_gray(path: Path) -> np.ndarray:
    """PNG -> (H, W) float64 gray values as stored (8- or 16-bit); colour: mean of R, G, B."""
    from PIL import Image
    with Image.open(path) as im:
        a = np.asarray(im)
    if a.ndim == 3:
        a = a[..., :3].astype(np.float64).mean(axis=2)
    return a.astype(np.float64)


def _cache_key(case: Case, cfg: dict) -> str:
    parts = []
    for p in (case.image, case.mask):
        st = p.stat()
        parts.append(f"{p.resolve()}|{st.st_size}|{st.st_mtime_ns}")
    parts.append(json.dumps(cfg, sort_keys=True))
    parts.append("v1")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:20]


def load_case(case: Case, cfg: dict, cache_dir: str | os.PathLike | None) -> dict:
    """Preprocessed case: x (K, I, I) float32, y (K, I, I) uint8, mask (H, W, K) uint8 native,
    spacing, name. Reads the cache when present, else builds and writes it (atomically)."""
    if case.pack is not None:
        return packs.read_case(case.pack, case.name, cfg)
    if cache_dir is not None:
        d = Path(cache_dir) / f"{case.name}-{_cache_key(case, cfg)}"
        if (d / "meta.json").is_file():
            meta = json.loads((d / "meta.json").read_text())
            return {"name": case.name, "spacing": tuple(meta["spacing"]),
                    "x": np.load(d / "x.npy", mmap_mode="r"),
                    "y": np.load(d / "y.npy", mmap_mode="r"),
                    "mask": np.load(d / "mask.npy", mmap_mode="r")}
    img, msk, spacing = read_case(case)
    k = img.shape[2]
    x = np.stack([pp.preprocess_image(img[:, :, i], cfg) for i in range(k)])
    y = np.stack([pp.preprocess_mask(msk[:, :, i], cfg) for i in range(k)])
    out = {"name": case.name, "spacing": spacing, "x": x, "y": y, "mask": msk.astype(np.uint8)}
    if cache_dir is not None:
        tmp = Path(str(d) + f".tmp{os.getpid()}")
        tmp.mkdir(parents=True, exist_ok=True)
        for key in ("x", "y", "mask"):
            np.save(tmp / f"{key}.npy", out[key])
        (tmp / "meta.json").write_text(json.dumps({"spacing": spacing, "case": case.name}))
        try:
            os.rename(tmp, d)  # atomic publish; a concurrent writer may have won
        except OSError:
            import shutil
            shutil.rmtree(tmp, ignore_errors=True)
    return out


def load_split(path: str | os.PathLike) -> dict:
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"split file {p} does not exist; create one with "
                                f"tools/make_split.py")
    s = json.loads(p.read_text())
    for key in ("train", "val"):
        if key not in s or not isinstance(s[key], list):
            raise ValueError(f"split file {p} needs a list '{key}' of case names")
    if set(s["train"]) & set(s["val"]):
        raise ValueError(f"split file {p}: cases in both train and val: "
                         f"{sorted(set(s['train']) & set(s['val']))}")
    return s


def make_split(names: list[str], val_count: int, seed: int) -> dict:
    """Volume-wise split: a seeded permutation of the sorted names; the first val_count are val."""
    names = sorted(names)
    if not 0 < val_count < len(names):
        raise ValueError(f"val count must be in 1..{len(names) - 1}, got {val_count}")
    perm = np.random.default_rng(seed).permutation(len(names))
    val = sorted(names[i] for i in perm[:val_count])
    train = sorted(names[i] for i in perm[val_count:])
    return {"seed": seed, "method": "numpy default_rng(seed).permutation of the sorted case "
            "names; first val_count are validation", "train": train, "val": val}


def select_cases(cases: list[Case], names: list[str] | None) -> list[Case]:
    if names is None:
        return cases
    by = {c.name: c for c in cases}
    missing = [n for n in names if n not in by]
    if missing:
        raise ValueError(f"split names not found in the data: {missing[:5]}"
                         f"{' ...' if len(missing) > 5 else ''}")
    return [by[n] for n in names]


def slice_index(vols: list[dict], empty_fraction: float, seed: int) -> np.ndarray:
    """(M, 2) array of (volume index, slice index) training slices; keeps all foreground slices
    and a seeded `empty_fraction` of the slices without foreground."""
    if not 0.0 <= empty_fraction <= 1.0:
        raise ValueError(f"--empty-fraction must be in [0, 1], got {empty_fraction}")
    rng = np.random.default_rng(seed)
    idx = []
    for v, vol in enumerate(vols):
        fg = np.asarray(vol["mask"]).any(axis=(0, 1))  # foreground at native resolution
        for k in range(len(fg)):
            if fg[k] or rng.random() < empty_fraction:
                idx.append((v, k))
    if not idx:
        raise ValueError("no training slices left (all empty and --empty-fraction 0?)")
    return np.asarray(idx, dtype=np.int64)
