#!/usr/bin/env python3
"""Export an UNTRAINED model with seeded random weights to weights/<name>.safetensors + .json,
for developing and benchmarking the Swift runtime before a trained model exists.

  python3 tools/export_random.py --name dev-unet-d4b4f8-i128 --arch unet-implicit \
      --input 128 --depth 4 --bottleneck 4 --filters 8 --degree 1 --seed 0

Weights: PyTorch's default initialisation under torch.manual_seed(seed); BatchNorm running
statistics and affine parameters are randomised too (mean U(-0.2, 0.2), var U(0.5, 2),
gamma U(0.5, 1.5), beta U(-0.2, 0.2)) so that BatchNorm folding is exercised.
"""
import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import torch  # noqa: E402

from splineseg_train import paths  # noqa: E402
from splineseg_train import preprocess as pp  # noqa: E402
from splineseg_train.modelio import write_model  # noqa: E402
from splineseg_train.networks import build_from_config, model_config  # noqa: E402


def main(argv=None):
    a = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    a.add_argument("--name", required=True)
    a.add_argument("--arch", default="unet-implicit",
                   choices=["vgg-implicit1", "vgg-implicit2", "unet-implicit"])
    a.add_argument("--input", type=int, default=128)
    a.add_argument("--depth", type=int, default=4)
    a.add_argument("--bottleneck", type=int, default=4)
    a.add_argument("--filters", type=int, default=8)
    a.add_argument("--degree", type=int, default=1)
    a.add_argument("--seed", type=int, default=0)
    a.add_argument("--out", default=str(paths.WEIGHTS))
    args = a.parse_args(argv)
    unet = args.arch == "unet-implicit"
    cfg = model_config(args.arch, args.input, args.degree, args.depth if unet else None,
                       args.bottleneck if unet else None, args.filters if unet else None)
    torch.manual_seed(args.seed)
    model = build_from_config(cfg)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.running_mean.uniform_(-0.2, 0.2)
                m.running_var.uniform_(0.5, 2.0)
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.2, 0.2)
    model.eval()
    training = {"note": "untrained: seeded random weights (tools/export_random.py), for runtime development",
                "seed": args.seed, "command": " ".join(["python3", "tools/export_random.py", *sys.argv[1:]])}
    st, js = write_model(model, args.name, cfg, pp.make_config(args.input), training, args.out)
    print(f"wrote {st} and {js}")


if __name__ == "__main__":
    main()
