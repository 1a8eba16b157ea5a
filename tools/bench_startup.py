#!/usr/bin/env python3
"""Process start to first mask: runs `splineseg segment` on one slice N times and prints the
wall time of each whole process (median, min, max, p90). A benchmark, not a test.

  swift build -c release --product splineseg
  python3 tools/bench_startup.py [--binary .build/release/splineseg] [--size 256] [--runs 30]

The slice is the shipped example (examples/*.png) zero-padded/cropped to SIZE x SIZE, written to a
temporary folder, so the model's full preprocessing path (pad-square + resize) runs.
"""
import argparse
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent


def main():
    a = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    a.add_argument("--binary", default=str(ROOT / ".build/release/splineseg"))
    a.add_argument("--size", type=int, default=256)
    a.add_argument("--runs", type=int, default=30)
    args = a.parse_args()
    src = np.asarray(Image.open(ROOT / "examples/la2018-23X6SY44VT9KFHR7S7OC-z50.png"))
    img = np.zeros((args.size, args.size), np.uint8)
    h, w = min(args.size, src.shape[0]), min(args.size, src.shape[1])
    img[:h, :w] = src[:h, :w]
    with tempfile.TemporaryDirectory() as d:
        slice_path, out = Path(d) / "slice.png", Path(d) / "mask.png"
        Image.fromarray(img).save(slice_path)
        cmd = [args.binary, "segment", str(slice_path), "-o", str(out)]
        subprocess.run(cmd, check=True)  # warm the page cache once
        times = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            subprocess.run(cmd, check=True)
            times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    p90 = times[min(len(times) - 1, int(round(0.9 * (len(times) - 1))))]
    print(f"splineseg segment {args.size}x{args.size}, process start to mask written, {args.runs} runs: "
          f"median {statistics.median(times):.1f} ms, min {times[0]:.1f}, max {times[-1]:.1f}, p90 {p90:.1f}")


if __name__ == "__main__":
    main()
