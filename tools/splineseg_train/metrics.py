"""Per-volume segmentation metrics (DESIGN section 6).

pred, gt: boolean arrays of one volume (any rank, here (H, W, K)); spacing: voxel size in mm per
axis. Conventions when a side is empty:
  both empty  -> Dice = Jaccard = 1, HD = HD95 = ASSD = 0;
  one empty   -> Dice = Jaccard = 0, HD = HD95 = ASSD = inf.
Surface = mask & ~binary_erosion(mask, cross structure, border_value=0), so foreground touching
the volume border counts as surface. HD95 is the 95th percentile (numpy default, linear) of the
concatenated directed surface distances in both directions, ASSD their mean.
"""
from __future__ import annotations

import math

import numpy as np
from scipy import ndimage


def surface(mask: np.ndarray) -> np.ndarray:
    struct = ndimage.generate_binary_structure(mask.ndim, 1)  # cross (face neighbours)
    return mask & ~ndimage.binary_erosion(mask, structure=struct, border_value=0)


def _directed(from_surf: np.ndarray, to_surf: np.ndarray, spacing) -> np.ndarray:
    # Distance (mm) from each voxel of from_surf to the nearest voxel of to_surf.
    dt = ndimage.distance_transform_edt(~to_surf, sampling=spacing)
    return dt[from_surf]


def overlap_metrics(pred: np.ndarray, gt: np.ndarray, spacing=None) -> dict:
    """Accuracy, Dice and Jaccard of volume_metrics alone (same empty-mask rules)."""
    pred = np.asarray(pred, dtype=bool)
    gt = np.asarray(gt, dtype=bool)
    if pred.shape != gt.shape:
        raise ValueError(f"prediction shape {pred.shape} differs from ground truth {gt.shape}")
    tp = np.count_nonzero(pred & gt)
    np_, ng = np.count_nonzero(pred), np.count_nonzero(gt)
    acc = float(np.count_nonzero(pred == gt)) / pred.size
    if np_ == 0 and ng == 0:
        return dict(accuracy=acc, dice=1.0, jaccard=1.0)
    return dict(accuracy=acc, dice=2.0 * tp / (np_ + ng), jaccard=tp / (np_ + ng - tp))


def volume_metrics(pred: np.ndarray, gt: np.ndarray, spacing) -> dict:
    m = overlap_metrics(pred, gt)
    pred = np.asarray(pred, dtype=bool)
    gt = np.asarray(gt, dtype=bool)
    spacing = tuple(float(s) for s in spacing)
    if len(spacing) != pred.ndim:
        raise ValueError(f"spacing {spacing} needs one value per axis of shape {pred.shape}")
    has_p, has_g = pred.any(), gt.any()
    if not has_p and not has_g:
        return dict(m, hd=0.0, hd95=0.0, assd=0.0)
    if not has_p or not has_g:
        return dict(m, hd=math.inf, hd95=math.inf, assd=math.inf)
    sp, sg = surface(pred), surface(gt)
    d = np.concatenate([_directed(sp, sg, spacing), _directed(sg, sp, spacing)])
    return dict(m, hd=float(d.max()), hd95=float(np.percentile(d, 95)), assd=float(d.mean()))


METRIC_NAMES = ["accuracy", "dice", "jaccard", "hd", "hd95", "assd"]
