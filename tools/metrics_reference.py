#!/usr/bin/env python3
"""Independent reference for SegMetrics (Sources/SegMetrics/SegMetrics.swift has the definitions).

Loads real masks from ../shared/data (run from the repository root), builds prediction /
ground-truth pairs by transforms that are trivial to reproduce in Swift, computes every metric
with numpy and scipy.ndimage.distance_transform_edt(sampling=spacing), and writes
Tests/Fixtures/metrics/reference.json, which Tests/SegMetricsTests/RealMaskReferenceTests.swift
replays.

Arrays are indexed [x, y(, z)] as nibabel returns them (x fastest in the file, d0 in Swift).
Transforms (applied to the ground truth GT to make the prediction P):
  shift [dx, dy(, dz)]:  P[x, y, z] = GT[x - dx, y - dy, z - dz] where in range, else 0.
  clear_x_mod m:         P = GT with every voxel whose x % m == 0 set to 0.
A 2-D case takes the slice GT[:, :, k] and the first two spacings.

Usage: python3 tools/metrics_reference.py   (needs numpy, scipy, nibabel)
"""
import json
import os
import sys

import nibabel as nib
import numpy as np
from scipy import ndimage

DATA = "../shared/data"
OUT = "Tests/Fixtures/metrics/reference.json"

LA = ["la2018/masks/06SR5RBREL16DQ6M8LWS.nii.gz", "la2018/masks/0RZDK210BSMWAA6467LU.nii.gz"]
LIVER = "ircadb-17/masks/liver.nii.gz"

# (file, slice k or None for 3-D, transform)
CASES = [
    (LA[0], None, {"kind": "shift", "offset": [2, -1, 1]}),
    (LA[0], None, {"kind": "clear_x_mod", "modulus": 7}),
    (LA[1], None, {"kind": "shift", "offset": [2, -1, 1]}),
    (LA[1], None, {"kind": "clear_x_mod", "modulus": 7}),
    (LA[0], 40, {"kind": "shift", "offset": [2, -1]}),
    (LA[1], 40, {"kind": "clear_x_mod", "modulus": 7}),
    (LIVER, 80, {"kind": "shift", "offset": [2, -1]}),
    (LIVER, 80, {"kind": "clear_x_mod", "modulus": 7}),
    (LIVER, None, {"kind": "shift", "offset": [2, -1, 1]}),
]


def shift(gt, offset):
    """P[x] = GT[x - offset] where in range, zero elsewhere."""
    p = np.zeros_like(gt)
    dst, src = [], []
    for d, n in zip(offset, gt.shape):
        dst.append(slice(max(d, 0), n + min(d, 0)))
        src.append(slice(max(-d, 0), n - max(d, 0)))
    p[tuple(dst)] = gt[tuple(src)]
    return p


def transform(gt, t):
    if t["kind"] == "shift":
        return shift(gt, t["offset"])
    if t["kind"] == "clear_x_mod":
        p = gt.copy()
        p[np.arange(gt.shape[0]) % t["modulus"] == 0] = 0
        return p
    raise ValueError(t)


def surface(mask):
    st = ndimage.generate_binary_structure(mask.ndim, 1)
    return mask & ~ndimage.binary_erosion(mask, st, border_value=0)


def metrics(p, g, spacing):
    n = p.size
    tp = int(np.sum(p & g)); fp = int(np.sum(p & ~g)); fn = int(np.sum(~p & g))
    tn = n - tp - fp - fn
    out = {"accuracy": (tp + tn) / n}
    sp, sg = surface(p), surface(g)
    out["surface_prediction"] = int(sp.sum())
    out["surface_truth"] = int(sg.sum())
    if not p.any() and not g.any():
        out.update(dice=1.0, jaccard=1.0, hausdorff=0.0, hausdorff95=0.0, assd=0.0)
        return out
    out["dice"] = 2 * tp / (2 * tp + fp + fn)
    out["jaccard"] = tp / (tp + fp + fn)
    if not p.any() or not g.any():
        out.update(hausdorff=float("inf"), hausdorff95=float("inf"), assd=float("inf"))
        return out
    # Distance (mm) from every voxel to the nearest surface voxel of the other mask.
    to_g = ndimage.distance_transform_edt(~sg, sampling=spacing)
    to_p = ndimage.distance_transform_edt(~sp, sampling=spacing)
    d = np.concatenate([to_g[sp], to_p[sg]])
    out["hausdorff"] = float(d.max())
    out["hausdorff95"] = float(np.percentile(d, 95))
    out["assd"] = float(d.mean())
    return out


def main():
    if not os.path.isdir(DATA):
        sys.exit(f"{DATA} not found: run from the repository root next to ../shared/data")
    cases = []
    for file, k, t in CASES:
        img = nib.load(os.path.join(DATA, file))
        gt = np.asarray(img.dataobj) != 0
        spacing = [float(s) for s in img.header.get_zooms()[:3]]
        if k is not None:
            gt = gt[:, :, k]
            spacing = spacing[:2]
        p = transform(gt, t)
        m = metrics(p, gt, spacing)
        cases.append({"file": file, "slice": k, "shape": list(gt.shape), "spacing": spacing,
                      "transform": t, "expected": m})
        print(file, k, t, m, flush=True)
    doc = {
        "generator": "tools/metrics_reference.py",
        "data_root": DATA,
        "notes": "prediction = transform(ground truth); slice k means GT[:, :, k]; spacing in mm",
        "cases": cases,
    }
    with open(OUT, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
