#!/usr/bin/env python3
"""Write a prepared data pack (see splineseg_train/pack.py) for training on another machine.

  python3 tools/pack_data.py --out .devdata/la2018-i128-q6 --input 128 --bits 6
  python3 tools/train.py --data .devdata/la2018-i128-q6 --input 128 ... --device cuda

Same --data/--input/--intensity/--window/--geometry options as tools/train.py; the pack holds
every case of the data set (the split is applied by the trainer).
"""
import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from splineseg_train import data as ds  # noqa: E402
from splineseg_train import pack as packs  # noqa: E402
from splineseg_train import paths  # noqa: E402
from splineseg_train import preprocess as pp  # noqa: E402


def main(argv=None):
    a = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    a.add_argument("--out", required=True, help="pack folder to write")
    a.add_argument("--data", default=str(paths.DATA / "la2018"))
    a.add_argument("--input", type=int, default=128)
    a.add_argument("--bits", type=int, default=6, help="quantisation of the input, 1..8")
    a.add_argument("--intensity", choices=pp.INTENSITY_METHODS, default="zscore-slice")
    a.add_argument("--window", type=float, nargs=2, default=None)
    a.add_argument("--geometry", choices=pp.GEOMETRY_METHODS, default="pad-square")
    args = a.parse_args(argv)
    prep = pp.make_config(args.input, args.intensity, args.window, args.geometry)
    cases = ds.discover(args.data)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    total = 0
    for i, c in enumerate(cases):
        total += packs.write_case(out, ds.load_case(c, prep, None), args.bits)
        print(f"\r{i + 1}/{len(cases)} cases, {total / 1e6:.1f} MB", end="", file=sys.stderr)
    packs.write_index(out, prep, args.bits, [c.name for c in cases], args.data)
    print(f"\nwrote {out} ({len(cases)} cases, {total / 1e6:.1f} MB)", file=sys.stderr)


if __name__ == "__main__":
    main()
