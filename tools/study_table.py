#!/usr/bin/env python3
"""Markdown table of a parameter study: one row per run, from its training history and its exact
per-volume evaluation (tools/evaluate.py output folder).

  python3 tools/study_table.py LABEL=RUN_DIR=EVAL_DIR ... > weights/STUDY.md-fragment
"""
import csv
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))


def row(label: str, run: Path, ev: Path) -> str:
    import torch
    c = torch.load(run / "best.pt", map_location="cpu", weights_only=False)
    cfg, hist = c["model_config"], c["history"]
    params = sum(v.numel() for k, v in c["model"].items() if not k.endswith("num_batches_tracked")
                 and "running" not in k)
    with open(ev / "metrics.csv") as f:
        rows = list(csv.DictReader(f))
    m = {k: np.array([float(r[k]) for r in rows]) for k in ("dice", "jaccard", "hd95", "assd")}
    speed = np.median([h["slices_per_s"] for h in hist])
    return (f"| {label} | {cfg['architecture']} | {cfg['degree']} | {cfg['coefficients']} | "
            f"{params / 1e6:.2f} M | {c['epoch']} of {c['args']['epochs']} | "
            f"{m['dice'].mean():.4f} ± {m['dice'].std():.4f} | {m['jaccard'].mean():.4f} | "
            f"{m['hd95'].mean():.2f} | {m['assd'].mean():.2f} | {c['best']['val_mean_dice']:.4f} | "
            f"{speed:.0f} |")


def main(argv):
    print("| run | network | p | O | parameters | best epoch | Dice (mean ± std) | Jaccard | "
          "HD95 (mm) | ASSD (mm) | Dice on pack inputs | train slices/s (median) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for spec in argv:
        label, run, ev = spec.split("=")
        print(row(label, Path(run), Path(ev)))


if __name__ == "__main__":
    main(sys.argv[1:])
