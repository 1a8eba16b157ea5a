"""Inference: coefficients for preprocessed slices, spline on the native grid, per-volume metrics."""
from __future__ import annotations

import numpy as np
import torch

from . import preprocess as pp
from .collocation import evaluate
from .metrics import overlap_metrics, volume_metrics


@torch.no_grad()
def coefficients(model: torch.nn.Module, x: np.ndarray, batch_size: int = 16) -> torch.Tensor:
    """x (K, I, I) preprocessed slices -> C (K, 1, O, O), model in eval mode."""
    model.eval()
    device = next(model.parameters()).device
    out = []
    for i in range(0, len(x), batch_size):
        xb = torch.from_numpy(np.ascontiguousarray(x[i:i + batch_size], dtype=np.float32))
        out.append(model(xb[:, None].to(device)).cpu())
    return torch.cat(out)


def native_values(coeffs: torch.Tensor, h: int, w: int, degree: int, prep: dict) -> torch.Tensor:
    """C (K, 1, O, O) -> F on each slice's native H x W grid, (K, H, W) float32."""
    o = coeffs.shape[-1]
    ur, uc = pp.native_basis(h, w, o, degree, prep)
    return evaluate(coeffs[:, 0].double(), torch.from_numpy(ur), torch.from_numpy(uc)).float()


def predict_volume(model, vol: dict, degree: int, prep: dict, batch_size: int = 16) -> np.ndarray:
    """Native-resolution mask (H, W, K) bool for a preprocessed case (see data.load_case)."""
    h, w, _ = vol["mask"].shape
    f = native_values(coefficients(model, vol["x"], batch_size), h, w, degree, prep)
    return (f > 0).permute(1, 2, 0).numpy()


def evaluate_volumes(model, vols: list[dict], degree: int, prep: dict, batch_size: int = 16,
                     overlap_only: bool = False):
    """-> list of dicts: name + metrics (DESIGN section 6) per volume; overlap_only: accuracy,
    Dice and Jaccard alone (no surface distances, which cost ~1 s per volume)."""
    rows = []
    for vol in vols:
        pred = predict_volume(model, vol, degree, prep, batch_size)
        m = (overlap_metrics if overlap_only else volume_metrics)(
            pred, np.asarray(vol["mask"]) > 0, vol["spacing"])
        rows.append({"name": vol["name"], **m})
    return rows
