#!/usr/bin/env python3
"""Stream latency at steady load: feeds `splineseg stream` raw frames (docs/cli.md, SSF1) made from
the slices of a real volume at a fixed rate and prints the tool's own statistics line (latency
median/p99/max, frames/s, drops) plus the RSS of the process at the end. A benchmark, not a test.

  swift build -c release --product splineseg
  python3 tools/bench_stream.py [--fps 60] [--frames 2000] [--volume ../shared/data/la2018/images/<case>.nii.gz]
  python3 tools/bench_stream.py --fps 0      # as fast as possible (--block: no drops), throughput
"""
import argparse
import struct
import subprocess
import threading
import time
from pathlib import Path

import nibabel as nib
import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def frames_from(volume: Path):
    v = np.asarray(nib.load(str(volume)).dataobj, dtype=np.float32)
    out = []
    for k in range(v.shape[2]):
        s = np.ascontiguousarray(v[:, :, k])  # rows = first axis, as the tools and CLI slice
        out.append((s.shape[1], s.shape[0], s.tobytes()))
    return out


def main():
    a = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    a.add_argument("--binary", default=str(ROOT / ".build/release/splineseg"))
    a.add_argument("--volume", default=str(ROOT.parent / "shared/data/la2018/images/23X6SY44VT9KFHR7S7OC.nii.gz"))
    a.add_argument("--frames", type=int, default=2000)
    a.add_argument("--fps", type=float, default=60.0, help="0 = as fast as possible")
    a.add_argument("--threads", type=int, default=1)
    args = a.parse_args()
    slices = frames_from(Path(args.volume))
    cmd = [args.binary, "stream", "--output-format", "ndjson", "--threads", str(args.threads)]
    if args.fps == 0:
        cmd.append("--block")
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    lines = []
    reader = threading.Thread(target=lambda: lines.extend(p.stdout), daemon=True)
    reader.start()
    t0 = time.perf_counter()
    for i in range(args.frames):
        w, h, px = slices[i % len(slices)]
        p.stdin.write(b"SSF1" + struct.pack("<IIB3xQ", w, h, 3, i) + px)
        if args.fps > 0:
            p.stdin.flush()
            delay = t0 + (i + 1) / args.fps - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
    p.stdin.flush()
    rss = Path(f"/proc/{p.pid}/status").read_text().split("VmRSS:")[1].split("\n")[0].strip()
    p.stdin.close()
    err = p.stderr.read().decode()
    p.wait()
    reader.join()
    print(f"{args.frames} frames of {Path(args.volume).name} ({len(slices)} slices, "
          f"{slices[0][0]}x{slices[0][1]}), fps {args.fps or 'max'}, threads {args.threads}: "
          f"{len(lines)} results, RSS at end {rss}")
    print(err.strip())


if __name__ == "__main__":
    main()
