#!/usr/bin/env python3
"""Export a training checkpoint to weights/<name>.safetensors + weights/<name>.json (+ ONNX).

  python3 tools/export.py --checkpoint runs/la-unet/best.pt --name la-unet-d4b4f8-i128 \
      [--out weights] [--onnx weights/la-unet-d4b4f8-i128.onnx]
"""
import argparse
import math
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import torch  # noqa: E402

from splineseg_train import checkpoint as ckpt  # noqa: E402
from splineseg_train import paths  # noqa: E402
from splineseg_train.pack import is_pack  # noqa: E402
from splineseg_train.modelio import write_model  # noqa: E402
from splineseg_train.networks import build_from_config  # noqa: E402


def _finite(x):
    # JSON has no inf/NaN: distances of a volume with one empty side become null.
    if isinstance(x, float) and not math.isfinite(x):
        return None
    if isinstance(x, dict):
        return {k: _finite(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_finite(v) for v in x]
    return x


def _rel(p: str) -> str:
    # Paths in the spec are relative to the repository root (data lives at ../shared/data).
    if p in (None, "none"):
        return p
    return "::".join(os.path.relpath(os.path.abspath(q), paths.REPO) for q in p.split("::"))


def training_record(c: dict) -> dict:
    a = c["args"]
    best = next((h for h in c["history"] if h["epoch"] == c["epoch"]), None)
    val = best["val"] if best else []
    # Runs validated with --val-metrics overlap have no distance metrics: those stay null.
    means = {m: (sum(r[m] for r in val) / len(val) if val and all(m in r for r in val) else None)
             for m in ("accuracy", "dice", "jaccard", "hd", "hd95", "assd")}
    return _finite({
        "dataset": _rel(a["data"]), "split": _rel(a["split"]), "loss": a["loss"], "epochs": c["epoch"],
        "seed": a["seed"], "optimizer": a["optimizer"], "lr": a["lr"],
        "lr_schedule": a.get("lr_schedule", "constant"),
        "batch_size": a["batch_size"], "empty_fraction": a["empty_fraction"],
        "augmentation": {k: a[k] for k in ("aug_flip", "aug_rotate", "aug_scale",
                                           "aug_intensity")},
        "train_cases": len(c["train_cases"]), "train_slices": c["train_slices"],
        "validation": {"cases": c["val_cases"], "mean": means,
                       "note": "per-volume metrics at native resolution, DESIGN section 6; "
                               "mean over validation volumes; null = infinite (one side empty)"},
        "command": c["command"],
        **({"validation_inputs": "the data pack's quantised inputs (tools/pack_data.py); the "
                                 "exact figures come from tools/evaluate.py (model card)"}
           if is_pack(Path(a["data"])) else {}),
    })


def export_onnx(model, input_size: int, path) -> None:
    model.eval()
    torch.onnx.export(model, (torch.zeros(1, 1, input_size, input_size),), str(path),
                      opset_version=17, dynamo=False, input_names=["input"],
                      output_names=["coefficients"])


def main(argv=None):
    a = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    a.add_argument("--checkpoint", required=True, help="runs/<run>/best.pt or last.pt")
    a.add_argument("--name", required=True, help="model name: file stem and spec 'name'")
    a.add_argument("--out", default=str(paths.WEIGHTS))
    a.add_argument("--onnx", default=None, help="also write ONNX (opset 17, 1x1xIxI -> 1x1xOxO)")
    args = a.parse_args(argv)
    c = ckpt.load(args.checkpoint)
    model = build_from_config(c["model_config"])
    model.load_state_dict(c["model"])
    model.eval()
    st, js = write_model(model, args.name, c["model_config"], c["preprocessing"],
                         training_record(c), args.out)
    print(f"wrote {st} and {js}")
    if args.onnx:
        export_onnx(model, c["model_config"]["input"], args.onnx)
        print(f"wrote {args.onnx}")


if __name__ == "__main__":
    main()
