"""Evaluation outputs: metrics table (CSV + Markdown with mean and std), box plot, overlays."""
from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np

from .metrics import METRIC_NAMES

LABELS = {"accuracy": "Accuracy", "dice": "Dice", "jaccard": "Jaccard", "hd": "HD (mm)",
          "hd95": "HD95 (mm)", "assd": "ASSD (mm)"}


def summary(rows: list[dict]) -> dict:
    """mean and std (population) per metric over finite values; counts infinite ones."""
    out = {}
    for m in METRIC_NAMES:
        v = np.array([r[m] for r in rows], dtype=np.float64)
        fin = v[np.isfinite(v)]
        out[m] = {"mean": float(fin.mean()) if fin.size else math.nan,
                  "std": float(fin.std()) if fin.size else math.nan,
                  "infinite": int((~np.isfinite(v)).sum())}
    return out


def write_tables(rows: list[dict], out_dir: Path) -> str:
    with open(out_dir / "metrics.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["name", *METRIC_NAMES])
        w.writeheader()
        w.writerows(rows)
    s = summary(rows)
    head = "| volume | " + " | ".join(LABELS[m] for m in METRIC_NAMES) + " |"
    lines = [head, "|" + "---|" * (len(METRIC_NAMES) + 1)]
    for r in rows:
        lines.append(f"| {r['name']} | " + " | ".join(f"{r[m]:.4f}" for m in METRIC_NAMES) + " |")
    lines.append("| **mean** | " + " | ".join(f"{s[m]['mean']:.4f}" for m in METRIC_NAMES) + " |")
    lines.append("| **std** | " + " | ".join(f"{s[m]['std']:.4f}" for m in METRIC_NAMES) + " |")
    inf = {m: s[m]["infinite"] for m in METRIC_NAMES if s[m]["infinite"]}
    if inf:
        lines.append(f"\nInfinite distances (one side empty) left out of mean/std: {inf}")
    text = "\n".join(lines) + "\n"
    (out_dir / "metrics.md").write_text(text)
    return text


def box_plot(rows: list[dict], path: Path, title: str) -> None:
    """One box per metric, as in the paper's Figure 6 (overlap metrics and distances apart)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(9, 4))
    for ax, ms in ((a1, ["accuracy", "dice", "jaccard"]), (a2, ["hd", "hd95", "assd"])):
        data = [[r[m] for r in rows if math.isfinite(r[m])] for m in ms]
        ax.boxplot(data)
        ax.set_xticks(range(1, len(ms) + 1), [LABELS[m] for m in ms])
        ax.grid(axis="y", alpha=0.3)
    a1.set_ylim(min(0.0, a1.get_ylim()[0]), 1.0)
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def overlay(image: np.ndarray, pred: np.ndarray, gt: np.ndarray, path: Path, title: str) -> None:
    """Slice (H, W) with predicted (red) and ground-truth (green) contours."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(4, 4))
    ax.imshow(image, cmap="gray")
    if gt.any():
        ax.contour(gt.astype(float), levels=[0.5], colors="lime", linewidths=1)
    if pred.any():
        ax.contour(pred.astype(float), levels=[0.5], colors="red", linewidths=1)
    ax.set_title(title + "  (green: truth, red: prediction)", fontsize=7)
    ax.axis("off")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
