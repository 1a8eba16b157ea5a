#!/usr/bin/env python3
"""Interleaved A/B of two model-bench builds on one bench_peers configuration.

  git worktree add /tmp/old <rev> && (cd /tmp/old && swift build -c release --product model-bench)
  python3 tools/ab_model_bench.py /tmp/old/.build/release/model-bench .build/release/model-bench \\
      unet-d4b4f8-i128 [--threads 2] [--runs 1500] [--turn-warmup 3]

Both binaries stay loaded (`model-bench --serve`, as bench_peers.py --interleave) on
bench-models/<config>.json (written by bench_peers.py) and take turns one timed call at a time,
the order reversed every other pair, so the host's bursts of contention hit both alike. Prints
each side's median / 10th / 90th percentile / min (ms) and the per-pair ratio B / A.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_peers as bp  # noqa: E402


def quantiles(ts: list) -> str:
    s, n = sorted(ts), len(ts)
    return f"median {s[n // 2]:.3f} p10 {s[n // 10]:.3f} p90 {s[9 * n // 10]:.3f} min {s[0]:.3f}"


def main(argv=None) -> int:
    a = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    a.add_argument("a")
    a.add_argument("b")
    a.add_argument("config")
    a.add_argument("--threads", type=int, default=2)
    a.add_argument("--runs", type=int, default=1000, help="timed calls per side")
    a.add_argument("--turn-warmup", type=int, default=3, help="untimed calls before each timed one")
    a.add_argument("--models-dir", default=str(bp.REPO / "bench-models"))
    args = a.parse_args(argv)
    servers, times = {}, {"A": [], "B": []}
    try:
        for side, exe in (("A", args.a), ("B", args.b)):
            cmd = bp.model_bench_cmd(exe, Path(args.models_dir), args.config, args.threads)
            s = bp.EngineServer(side, cmd + ["--serve"], 600)
            servers[side] = s
            r = s.ready()
            print(f"{side}: {exe}: {r}")
            if r.get("status") != "ok":
                return 1
        for i in range(args.runs):
            for side in (("A", "B") if i % 2 == 0 else ("B", "A")):
                t = servers[side].timed_call(args.turn_warmup)
                if t is None:
                    print(f"{side}: {servers[side].why_dead()}")
                    return 1
                times[side].append(t)
    finally:
        for s in servers.values():
            s.stop()
    for side, ts in times.items():
        print(f"{side} ({args.threads} threads, {len(ts)} calls): {quantiles(ts)} ms")
    r = bp.cycle_ratios(times["A"], times["B"])
    print(f"B / A per pair: median {r['median']:.3f} p10 {r['p10']:.3f} p90 {r['p90']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
