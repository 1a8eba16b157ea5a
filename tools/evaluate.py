#!/usr/bin/env python3
"""Evaluate a model per volume at native resolution (DESIGN section 6).

  python3 tools/evaluate.py --model weights/<name>.json --out runs/<run>/eval
  python3 tools/evaluate.py --checkpoint runs/<run>/best.pt --out runs/<run>/eval

Writes OUT/metrics.csv, OUT/metrics.md (per volume, mean, std), OUT/boxplot.png (one box per
metric) and OUT/overlays/*.png (image + predicted and ground-truth contours).
"""
import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import numpy as np  # noqa: E402
import torch  # noqa: E402

from splineseg_train import checkpoint as ckpt  # noqa: E402
from splineseg_train import data as ds  # noqa: E402
from splineseg_train import paths, report  # noqa: E402
from splineseg_train.modelio import read_model  # noqa: E402
from splineseg_train.networks import build_from_config  # noqa: E402
from splineseg_train.predict import evaluate_volumes, predict_volume  # noqa: E402


def load_any(args):
    """-> (model, model config, preprocessing parameters)."""
    if bool(args.model) == bool(args.checkpoint):
        raise SystemExit("error: give exactly one of --model SPEC.json or --checkpoint FILE.pt")
    if args.model:
        model, spec = read_model(args.model)
        return model, spec, spec["preprocessing"]["parameters"]
    c = ckpt.load(args.checkpoint)
    model = build_from_config(c["model_config"])
    model.load_state_dict(c["model"])
    return model.eval(), c["model_config"], c["preprocessing"]


def main(argv=None):
    a = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    a.add_argument("--model", help="exported spec weights/<name>.json")
    a.add_argument("--checkpoint", help="training checkpoint runs/<run>/best.pt")
    a.add_argument("--data", default=str(paths.DATA / "la2018"))
    a.add_argument("--split", default=str(paths.SPLITS / "la2018.json"),
                   help="split file; 'none' evaluates every case")
    a.add_argument("--cases", choices=["val", "train"], default="val")
    a.add_argument("--max-cases", type=int, default=None)
    a.add_argument("--overlays", type=int, default=4, help="number of overlay PNGs")
    a.add_argument("--cache-dir", default=str(paths.CACHE))
    a.add_argument("--threads", type=int, default=2)
    a.add_argument("--out", required=True)
    args = a.parse_args(argv)
    torch.set_num_threads(args.threads)
    model, mcfg, prep = load_any(args)
    cases = ds.discover(args.data)
    if args.split != "none":
        cases = ds.select_cases(cases, ds.load_split(args.split)[args.cases])
    cases = cases[: args.max_cases]
    cache = None if args.cache_dir == "none" else args.cache_dir
    vols = [ds.load_case(c, prep, cache) for c in cases]
    rows = evaluate_volumes(model, vols, mcfg["degree"], prep)
    out = Path(args.out)
    (out / "overlays").mkdir(parents=True, exist_ok=True)
    print(report.write_tables(rows, out))
    report.box_plot(rows, out / "boxplot.png", f"{len(rows)} volumes")
    (out / "summary.json").write_text(json.dumps(report.summary(rows), indent=1) + "\n")
    # Overlays: the slice with the largest ground-truth area of the first few volumes.
    for case, vol in list(zip(cases, vols))[: args.overlays]:
        pred = predict_volume(model, vol, mcfg["degree"], prep)
        gt = np.asarray(vol["mask"]) > 0
        k = int(gt.sum(axis=(0, 1)).argmax())
        img, _, _ = ds.read_case(case)
        report.overlay(img[:, :, k], pred[:, :, k], gt[:, :, k],
                       out / "overlays" / f"{case.name}_{k}.png", f"{case.name} slice {k}")
    print(f"wrote {out}/metrics.csv, metrics.md, boxplot.png, overlays/")


if __name__ == "__main__":
    main()
