"""Training-time augmentation on preprocessed batches (N, 1, I, I), seeded by a torch.Generator.

Options (all off by default):
  flip:      random horizontal and vertical flips, each with probability 1/2;
  rotate:    uniform random rotation in [-rotate, rotate] degrees about the centre;
  scale:     uniform random zoom factor in [1-scale, 1+scale];
  intensity: x * (1 + a) + b with a, b uniform in [-intensity, intensity] (in z-score units).
Rotation/scale resample the image bilinearly (zero fill = slice mean after z-scoring) and the
mask bilinearly then > 0.5, so image and mask stay aligned.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F


@dataclass
class AugmentConfig:
    flip: bool = False
    rotate: float = 0.0
    scale: float = 0.0
    intensity: float = 0.0

    def active(self) -> bool:
        return self.flip or self.rotate > 0 or self.scale > 0 or self.intensity > 0


def _uniform(n, lo, hi, g):
    return lo + (hi - lo) * torch.rand(n, generator=g)


def augment(x: torch.Tensor, y: torch.Tensor, cfg: AugmentConfig, g: torch.Generator):
    """x float (N,1,I,I), y float {0,1} (N,1,I,I) -> augmented copies."""
    n = x.shape[0]
    if cfg.flip:
        fh = (torch.rand(n, generator=g) < 0.5).to(x.device)
        fv = (torch.rand(n, generator=g) < 0.5).to(x.device)
        x, y = x.clone(), y.clone()
        x[fh], y[fh] = x[fh].flip(-1), y[fh].flip(-1)
        x[fv], y[fv] = x[fv].flip(-2), y[fv].flip(-2)
    if cfg.rotate > 0 or cfg.scale > 0:
        ang = _uniform(n, -cfg.rotate, cfg.rotate, g) * math.pi / 180.0
        zoom = _uniform(n, 1.0 - cfg.scale, 1.0 + cfg.scale, g)
        cos, sin = torch.cos(ang) / zoom, torch.sin(ang) / zoom
        theta = torch.stack([torch.stack([cos, -sin, torch.zeros(n)], 1),
                             torch.stack([sin, cos, torch.zeros(n)], 1)], 1)  # (N, 2, 3)
        theta = theta.to(x.device)  # random draws stay on the CPU generator (reproducible)
        grid = F.affine_grid(theta, list(x.shape), align_corners=True)
        x = F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=True)
        y = (F.grid_sample(y, grid, mode="bilinear", padding_mode="zeros",
                           align_corners=True) > 0.5).to(y.dtype)
    if cfg.intensity > 0:
        a = _uniform(n, -cfg.intensity, cfg.intensity, g).view(n, 1, 1, 1).to(x.device)
        b = _uniform(n, -cfg.intensity, cfg.intensity, g).view(n, 1, 1, 1).to(x.device)
        x = x * (1.0 + a) + b
    return x, y
