#!/usr/bin/env python3
"""Run several tools/train.py runs side by side (one GPU or CPU) from a plan file, then bundle
each run's best checkpoint without optimizer state, its history and log into --bundle.

  python3 tools/train_many.py tools/plans/la2018-gpu.json --runs-dir runs/gpu --bundle OUT
  (bundle: runs.tar split into <= 15 MiB parts runs.tar.00, .01, ...; join with cat)

Plan JSON: {"common": [train.py args...], "runs": {"name": [extra args...], ...}}. Each run goes
to RUNS_DIR/<name>; its stderr to RUNS_DIR/<name>.log. A run that fails does not stop the others.
"""
import argparse
import io
import json
import os
import subprocess
import sys
import tarfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PART = 15 * 1024 * 1024


def compact(best: Path) -> bytes:
    import torch
    c = torch.load(best, map_location="cpu", weights_only=False)
    c.pop("optimizer", None)
    buf = io.BytesIO()
    torch.save(c, buf)
    return buf.getvalue()


def bundle(runs_dir: Path, names, out: Path, summary: dict) -> None:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        def add(name, data):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        add("summary.json", json.dumps(summary, indent=1).encode())
        for n in names:
            for f in (f"{n}.log", f"{n}/history.json"):
                p = runs_dir / f
                if p.is_file():
                    add(f, p.read_bytes())
            if (runs_dir / n / "best.pt").is_file():
                add(f"{n}/best.pt", compact(runs_dir / n / "best.pt"))
    data = buf.getvalue()
    out.mkdir(parents=True, exist_ok=True)
    for i in range(0, len(data), PART):
        (out / f"runs.tar.{i // PART:02d}").write_bytes(data[i:i + PART])
    print(f"bundle: {len(data) / 2**20:.1f} MiB in {(len(data) + PART - 1) // PART} parts",
          file=sys.stderr)


def main(argv=None):
    a = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    a.add_argument("plan")
    a.add_argument("--runs-dir", default="runs/many")
    a.add_argument("--bundle", default=None, help="folder for runs.tar.NN (default: none)")
    a.add_argument("--only", nargs="*", default=None, help="run only these plan entries")
    a.add_argument("--bundle-only", action="store_true",
                   help="train nothing; bundle what RUNS_DIR holds (e.g. after a timeout)")
    args = a.parse_args(argv)
    plan = json.loads(Path(args.plan).read_text())
    names = [n for n in plan["runs"] if args.only is None or n in args.only]
    runs_dir = Path(args.runs_dir)
    runs_dir.mkdir(parents=True, exist_ok=True)
    procs, t0 = {}, time.time()
    if args.bundle_only:
        bundle(runs_dir, names, Path(args.bundle), {"note": "bundled by --bundle-only"})
        return
    for n in names:
        cmd = [sys.executable, str(HERE / "train.py"), "--run", str(runs_dir / n),
               *plan["common"], *plan["runs"][n]]
        log = open(runs_dir / f"{n}.log", "w")
        log.write(" ".join(cmd) + "\n")
        log.flush()
        procs[n] = (subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT,
                                     env={**os.environ, "PYTHONUNBUFFERED": "1"}), log)
    summary = {}
    for n, (p, log) in procs.items():
        rc = p.wait()
        log.close()
        hist = runs_dir / n / "history.json"
        best = json.loads(hist.read_text())["best"] if hist.is_file() else None
        summary[n] = {"rc": rc, "seconds": round(time.time() - t0, 1), "best": best}
        print(f"{n}: rc {rc}, best {best}, {time.time() - t0:.0f} s", file=sys.stderr)
    if args.bundle:
        bundle(runs_dir, names, Path(args.bundle), summary)


if __name__ == "__main__":
    main()
