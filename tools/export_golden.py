#!/usr/bin/env python3
"""Golden fixtures (format version 1) for the Swift tests: Tests/Fixtures/golden/<name>.{json,
safetensors}. See splineseg_train/golden.py for the contents and the weight generator.

  python3 tools/export_golden.py [--out Tests/Fixtures/golden]
  python3 tools/export_golden.py --shipped weights/la-unet-d4b4f8-i128.json [--slice PNG]
      -> Tests/Fixtures/golden-shipped/<name>.{json,safetensors} (format splineseg-golden-shipped/1:
         the committed weights on a real slice, layer outputs sampled; see golden.py)
"""
import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import torch  # noqa: E402
from safetensors.torch import save_file  # noqa: E402

from splineseg_train import paths  # noqa: E402
from splineseg_train.golden import make_fixture, make_shipped_fixture  # noqa: E402
from splineseg_train.modelio import read_model  # noqa: E402
from splineseg_train.data import _png_gray  # noqa: E402

EXAMPLE = paths.REPO / "examples" / "la2018-23X6SY44VT9KFHR7S7OC-z50.png"

# name: (architecture, I, p, raw H x W (non-square, odd padding), d, b, f)
# VGG inputs are 28 and 24, not 32: at I = 32 the VGG layer outputs alone exceed 1 MB.
MODELS = {
    "vgg1-i28-p2": ("vgg-implicit1", 28, 2, (23, 30), None, None, None),
    "vgg2-i24-p1": ("vgg-implicit2", 24, 1, (31, 20), None, None, None),
    "unet-d2b2f4-i32-p1": ("unet-implicit", 32, 1, (27, 21), 2, 2, 4),
    "unet-d3b2f8-i64-p3": ("unet-implicit", 64, 3, (50, 61), 3, 2, 8),
}
LIMIT = 1 << 20


def main(argv=None):
    a = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    a.add_argument("--out", default=str(paths.REPO / "Tests" / "Fixtures" / "golden"))
    a.add_argument("--seed", type=int, default=1, help="first weight seed tried per model")
    a.add_argument("--shipped", nargs="*", default=None, metavar="SPEC",
                   help="write fixtures of these shipped models (weights/<name>.json) instead")
    a.add_argument("--slice", default=str(EXAMPLE), help="raw PNG slice for --shipped")
    args = a.parse_args(argv)
    torch.set_num_threads(2)
    if args.shipped is not None:
        out = Path(args.out if args.out != a.get_default("out")
                   else paths.REPO / "Tests" / "Fixtures" / "golden-shipped")
        out.mkdir(parents=True, exist_ok=True)
        raw = _png_gray(Path(args.slice))
        for spec_path in args.shipped:
            model, spec = read_model(spec_path)
            cfg = {k: spec[k] for k in ("architecture", "input", "coefficients", "degree", "depth",
                                        "bottleneck", "filters") if k in spec}
            prep = spec["preprocessing"]["parameters"]
            rel = os.path.relpath(os.path.abspath(spec_path), paths.REPO)
            src = os.path.relpath(os.path.abspath(args.slice), paths.REPO)
            tensors, index = make_shipped_fixture(model, cfg, prep, raw, rel, spec["sha256"], src)
            name = spec["name"]
            index["name"], index["file"] = name, f"{name}.safetensors"
            st = out / f"{name}.safetensors"
            save_file(tensors, str(st), metadata={"format": "splineseg-golden-shipped/1"})
            (out / f"{name}.json").write_text(json.dumps(index, indent=1) + "\n")
            print(f"{st}: {st.stat().st_size} bytes, {len(index['layers'])} layers, "
                  f"foreground {index['foreground_fraction']:.3f}")
        return
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for name, (arch, i, p, hw, d, b, f) in MODELS.items():
        # Try seeds until the mask is non-trivial (both classes clearly present).
        for seed in range(args.seed, args.seed + 50):
            tensors, index = make_fixture(arch, i, p, hw, seed, d, b, f)
            if 0.15 < index["foreground_fraction"] < 0.85:
                break
        else:
            raise SystemExit(f"{name}: no seed gave a non-trivial mask")
        index["name"], index["file"] = name, f"{name}.safetensors"
        st = out / f"{name}.safetensors"
        save_file(tensors, str(st), metadata={"format": "splineseg-golden/1"})
        (out / f"{name}.json").write_text(json.dumps(index, indent=1) + "\n")
        size = st.stat().st_size
        if size >= LIMIT:
            raise SystemExit(f"{st} is {size} bytes, over the 1 MB fixture limit")
        print(f"{st}: {size} bytes, seed {seed}, {len(index['layers'])} layers, "
              f"foreground {index['foreground_fraction']:.2f}")


if __name__ == "__main__":
    main()
