#!/usr/bin/env python3
"""Builds the NIfTI reader's test fixtures in Tests/Fixtures/nifti/.

1. golden.json "real": for a few volumes of ../shared/data (read with nibabel) the shape, pixdim,
   datatype, scaling, affines and statistics of the scaled data (float64), plus voxel values at
   seeded random indices. The data files themselves are never copied into the repository.
2. Tiny synthetic files (5x4x3, a few bytes each) for every supported datatype in both byte
   orders, some gzipped, most with scaling. Their headers are packed here with `struct`
   (independently of nibabel and of the Swift reader); expected voxel values come from numpy
   (raw * slope + inter in float64, x fastest). nibabel then re-reads each file as a cross-check.

Run from the repository root:  python3 tools/make_nifti_fixture.py
"""
import gzip
import json
import os
import struct
import sys

import logging

import nibabel as nib
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(os.path.dirname(ROOT), "shared", "data")
OUT = os.path.join(ROOT, "Tests", "Fixtures", "nifti")

REAL = [
    "la2018/images/06SR5RBREL16DQ6M8LWS.nii.gz",
    "la2018/images/0RZDK210BSMWAA6467LU.nii.gz",
    "la2018/masks/06SR5RBREL16DQ6M8LWS.nii.gz",
    "ircadb-17/ct.nii.gz",
    "ircadb-17/masks/liver.nii.gz",
]

# NIfTI datatype code -> numpy dtype (native byte order; the file order is chosen per file).
DTYPES = {2: "u1", 4: "i2", 8: "i4", 16: "f4", 64: "f8", 256: "i1", 512: "u2", 768: "u4"}


def real_entry(rel, rng):
    img = nib.load(os.path.join(DATA, rel))
    h = img.header
    data = np.asarray(img.get_fdata(dtype=np.float64))
    shape = list(data.shape)
    samples = []
    for _ in range(20):
        idx = [int(rng.integers(0, n)) for n in shape]
        samples.append({"index": idx, "value": float(data[tuple(idx)])})
    # Raw header values (nibabel reports slope 1 / inter 0 as NaN; read the raw fields).
    slope = float(h.structarr["scl_slope"])
    inter = float(h.structarr["scl_inter"])
    return {
        "path": rel,
        "shape": shape,
        "pixdim": [float(v) for v in h["pixdim"][1:4]],
        "datatype": int(h["datatype"]),
        "scl_slope": None if np.isnan(slope) else slope,
        "scl_inter": None if np.isnan(inter) else inter,
        "qform_code": int(h["qform_code"]),
        "sform_code": int(h["sform_code"]),
        "sform": [[float(v) for v in row] for row in h.get_sform()],
        "sum": float(data.sum()),
        "sum_abs": float(np.abs(data).sum()),
        "min": float(data.min()),
        "max": float(data.max()),
        "mean": float(data.mean()),
        "samples": samples,
    }


def pack_header(order, dims, datatype, bitpix, pixdim, slope, inter, qform, sform, descrip):
    """The 348-byte NIfTI-1 header + 4-byte extension flag, packed field by field."""
    e = "<" if order == "little" else ">"
    dim = [len(dims)] + list(dims) + [1] * (7 - len(dims))
    b = bytearray(352)
    struct.pack_into(e + "i", b, 0, 348)
    b[39] = 0  # dim_info
    struct.pack_into(e + "8h", b, 40, *dim)
    struct.pack_into(e + "3fh", b, 56, 0.0, 0.0, 0.0, 0)  # intent_p1..3, intent_code
    struct.pack_into(e + "hhh", b, 70, datatype, bitpix, 0)
    struct.pack_into(e + "8f", b, 76, *pixdim)
    struct.pack_into(e + "3f", b, 108, 352.0, slope, inter)
    b[123] = 2 | 8  # xyzt_units: mm, s
    struct.pack_into(e + "ff", b, 124, 0.0, 0.0)  # cal_max, cal_min
    d = descrip.encode()[:79]
    b[148:148 + len(d)] = d
    qcode, quat, qoff = qform
    scode, srows = sform
    struct.pack_into(e + "hh", b, 252, qcode, scode)
    struct.pack_into(e + "6f", b, 256, *quat, *qoff)
    struct.pack_into(e + "12f", b, 280, *[v for row in srows for v in row])
    b[344:348] = b"n+1\0"
    return bytes(b)


def synthetic(rng):
    entries = []
    i = 0
    for code, np_type in DTYPES.items():
        for order in ("little", "big"):
            dims = (5, 4, 3)
            dt = np.dtype(np_type)
            if dt.kind == "f":
                raw = rng.normal(0, 100, size=dims).astype(dt)
            else:
                info = np.iinfo(dt)
                raw = rng.integers(info.min, info.max, size=dims, endpoint=True, dtype=dt)
                # Make sure the extremes of the type are exercised.
                raw.flat[0] = info.min
                raw.flat[1] = info.max
            # Scaling: integers get slope/inter, float32 gets one too, float64 none (slope 0)
            # and int8 big-endian a NaN slope (also "no scaling" per the standard).
            if code == 64:
                slope, inter = 0.0, 7.0
            elif code == 256 and order == "big":
                slope, inter = float("nan"), 3.0
            else:
                slope = float(np.float32(rng.uniform(0.25, 2.0)))
                inter = float(np.float32(rng.uniform(-10, 10)))
            scaled = np.isfinite(slope) and slope != 0
            expected = raw.astype(np.float64) * slope + inter if scaled else raw.astype(np.float64)
            pixdim = [1.0, 0.5 + i * 0.1, 0.75, -2.5, 1, 1, 1, 1]  # negative: spacing is abs
            qform = (1, (0.0, 0.0, 1.0), (-10.0 - i, 20.5, 3.25))
            sform = (2, [[0.5, 0, 0, -10.0], [0, -0.75, 0, 20.5], [0, 0, 2.5, 3.25 + i]])
            hdr = pack_header(order, dims, code, dt.itemsize * 8, pixdim, slope, inter,
                              qform, sform, f"synthetic {np_type} {order}")
            body = raw.astype(dt.newbyteorder("<" if order == "little" else ">")).tobytes(order="F")
            gz = i % 2 == 1
            name = f"syn_{code}_{order}.nii" + (".gz" if gz else "")
            blob = hdr + body
            # mtime=0 keeps the gzip bytes reproducible.
            blob = gzip.compress(blob, mtime=0) if gz else blob
            with open(os.path.join(OUT, name), "wb") as f:
                f.write(blob)
            # Cross-check with nibabel (an independent reader).
            img = nib.load(os.path.join(OUT, name))
            got = np.asarray(img.get_fdata(dtype=np.float64))
            assert got.shape == dims, (name, got.shape)
            assert np.allclose(got, expected, rtol=1e-12, atol=0), name
            entries.append({
                "file": name, "datatype": code, "little_endian": order == "little",
                "gzip": gz, "shape": list(dims),
                "spacing": [float(np.float32(abs(v))) for v in pixdim[1:4]],
                "pixdim": pixdim, "scl_slope": None if np.isnan(slope) else slope,
                "scl_inter": inter,
                "qform_code": qform[0], "quatern": list(qform[1]), "qoffset": list(qform[2]),
                "sform_code": sform[0], "srow": sform[1],
                "values": [float(v) for v in expected.flatten(order="F")],
            })
            i += 1
    # A 2D file (dim[0] = 2): the reader pads the shape to three entries.
    raw = np.arange(20, dtype=np.int16).reshape(5, 4) - 7
    hdr = pack_header("little", (5, 4), 4, 16, [1, 0.8, 0.9, 0, 1, 1, 1, 1], 1.0, 0.0,
                      (0, (0, 0, 0), (0, 0, 0)), (0, [[0] * 4] * 3), "2d")
    with open(os.path.join(OUT, "syn_2d.nii"), "wb") as f:
        f.write(hdr + raw.astype("<i2").tobytes(order="F"))
    entries.append({"file": "syn_2d.nii", "datatype": 4, "little_endian": True, "gzip": False,
                    "shape": [5, 4, 1], "spacing": [0.800000011920929, 0.8999999761581421, 1.0],
                    "pixdim": [1, 0.8, 0.9, 0, 1, 1, 1, 1], "scl_slope": 1.0, "scl_inter": 0.0,
                    "qform_code": 0, "quatern": [0, 0, 0], "qoffset": [0, 0, 0],
                    "sform_code": 0, "srow": [[0] * 4] * 3,
                    "values": [float(v) for v in raw.astype(np.float64).flatten(order="F")]})
    return entries


def main():
    # The synthetic files have a negative pixdim on purpose; nibabel warns about it.
    logging.getLogger("nibabel").setLevel(logging.ERROR)
    if not os.path.isdir(DATA):
        sys.exit(f"shared data not found at {DATA}")
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(20240517)
    golden = {
        "generator": "tools/make_nifti_fixture.py (nibabel %s, numpy %s)" % (nib.__version__, np.__version__),
        "real": [real_entry(rel, rng) for rel in REAL],
        "synthetic": synthetic(rng),
    }
    with open(os.path.join(OUT, "golden.json"), "w") as f:
        json.dump(golden, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
