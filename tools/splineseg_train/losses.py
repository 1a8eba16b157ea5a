"""The five training losses of DESIGN section 2, reduced over the whole batch tensor.

z: spline values on the pixel grid, any shape (e.g. (N, 1, I, I)); y: mask in {0, 1}, same shape.
EPS keeps the soft mask differentiable at 0 and makes Dice/Jaccard defined on batches
without foreground (the paper's reference code divides by zero there).
"""
from __future__ import annotations

import torch

EPS = 1e-4


def soft_mask(z: torch.Tensor, eps: float = EPS) -> torch.Tensor:
    """Z_hat = (Z / (eps + |Z|) + 1) / 2, in (0, 1)."""
    return (z / (eps + z.abs()) + 1.0) / 2.0


def mask_mae(z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return (z - (2.0 * y - 1.0)).abs().mean()


def mask_mse(z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return ((z - (2.0 * y - 1.0)) ** 2).mean()


def dice_loss(z: torch.Tensor, y: torch.Tensor, eps: float = EPS) -> torch.Tensor:
    # 1 - 2 sum(Y Zh) / sum(Y + Zh). Zh > 0 everywhere, so the denominator is > 0 on any
    # non-empty tensor even when Y is all zero; no extra eps is needed in the fraction.
    zh = soft_mask(z, eps)
    return 1.0 - 2.0 * (y * zh).sum() / (y + zh).sum()


def jaccard_loss(z: torch.Tensor, y: torch.Tensor, eps: float = EPS) -> torch.Tensor:
    # 1 - sum(Y Zh) / sum(Y + Zh - Y Zh); Y + Zh - Y Zh >= Zh > 0 per pixel.
    zh = soft_mask(z, eps)
    inter = (y * zh).sum()
    return 1.0 - inter / (y + zh - y * zh).sum()


def accuracy_loss(z: torch.Tensor, y: torch.Tensor, eps: float = EPS) -> torch.Tensor:
    # 1 - sum(1 - Y - Zh + 2 Y Zh) / N: per pixel 1 - Y - Zh + 2 Y Zh is Zh for Y=1, 1-Zh for Y=0.
    zh = soft_mask(z, eps)
    return 1.0 - (1.0 - y - zh + 2.0 * y * zh).sum() / y.numel()


LOSSES = {
    "mask-mae": mask_mae,
    "mask-mse": mask_mse,
    "dice": dice_loss,
    "jaccard": jaccard_loss,
    "accuracy": accuracy_loss,
}


def get_loss(name: str):
    try:
        return LOSSES[name]
    except KeyError:
        raise ValueError(f"unknown loss {name!r}; choose one of {sorted(LOSSES)}") from None
