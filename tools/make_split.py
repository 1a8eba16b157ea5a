#!/usr/bin/env python3
"""Write a seeded volume-wise train/validation split of a data set's cases.

  python3 tools/make_split.py --data ../shared/data/la2018 --val 16 --seed 0 \
      --out tools/splits/la2018.json
"""
import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from splineseg_train import data as ds  # noqa: E402
from splineseg_train import paths  # noqa: E402


def main(argv=None):
    a = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    a.add_argument("--data", default=str(paths.DATA / "la2018"))
    a.add_argument("--val", type=int, default=16, help="number of validation cases")
    a.add_argument("--seed", type=int, default=0)
    a.add_argument("--name", default=None, help="data set name recorded in the file")
    a.add_argument("--out", required=True)
    args = a.parse_args(argv)
    cases = ds.discover(args.data)
    split = ds.make_split([c.name for c in cases], args.val, args.seed)
    split = {"dataset": args.name or Path(args.data).name, **split}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(split, indent=1) + "\n")
    print(f"{args.out}: {len(split['train'])} train, {len(split['val'])} val")


if __name__ == "__main__":
    main()
