"""Trainer CLI: python3 tools/train.py --help (see tools/README.md for the exact commands).

Reproducibility: the model is initialised from torch.manual_seed(seed); epoch e shuffles and
augments with a torch.Generator seeded (seed, e), so resuming from the checkpoint of epoch e-1
replays epoch e exactly as an uninterrupted run would.
Files in the run folder: last.pt (every epoch, atomic), best.pt (best validation mean Dice),
history.json (per-epoch loss, speed, validation metrics).
"""
from __future__ import annotations

import argparse
import json
import math
import shlex
import sys
import time
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from . import checkpoint as ckpt
from . import data as ds
from . import paths
from . import preprocess as pp
from .augment import AugmentConfig, augment
from .collocation import collocation_tensor, evaluate
from .losses import LOSSES, get_loss
from .networks import ARCHITECTURES, build_from_config, model_config
from .predict import evaluate_volumes


def parser() -> argparse.ArgumentParser:
    a = argparse.ArgumentParser(description="Train a SplineSeg network (DESIGN sections 1-3).")
    a.add_argument("--run", required=True, help="run folder (checkpoints, history), e.g. runs/la-unet")
    a.add_argument("--data", default=str(paths.DATA / "la2018"),
                   help="data set: DIR with images/ and masks/, or IMAGE::MASK")
    a.add_argument("--split", default=str(paths.SPLITS / "la2018.json"),
                   help="split JSON with 'train' and 'val' case lists; 'none' = all cases train+val")
    a.add_argument("--arch", choices=ARCHITECTURES, default="unet-implicit")
    a.add_argument("--input", type=int, default=128, help="network input size I")
    a.add_argument("--degree", type=int, default=1, help="spline degree p")
    a.add_argument("--depth", type=int, default=4, help="UNet depth d")
    a.add_argument("--bottleneck", type=int, default=4, help="UNet bottleneck size b")
    a.add_argument("--filters", type=int, default=16, help="UNet base filters f")
    a.add_argument("--loss", choices=sorted(LOSSES), default="dice")
    a.add_argument("--optimizer", choices=["sgd", "adam", "adamw"], default="sgd",
                   help="sgd = SGD with Nesterov momentum")
    a.add_argument("--lr", type=float, default=1e-3)
    a.add_argument("--lr-schedule", choices=("constant", "cosine"), default="constant",
                   help="constant, or cosine decay from --lr to 0 over --epochs (set per epoch)")
    a.add_argument("--momentum", type=float, default=0.9)
    a.add_argument("--weight-decay", type=float, default=0.0)
    a.add_argument("--batch-size", type=int, default=8)
    a.add_argument("--epochs", type=int, default=10, help="total epochs (also when resuming)")
    a.add_argument("--seed", type=int, default=0)
    a.add_argument("--threads", type=int, default=2, help="torch CPU threads")
    a.add_argument("--device", default="auto",
                   help="torch device: auto (cuda when available, else cpu), cpu, cuda, cuda:1...")
    a.add_argument("--time-budget", type=float, default=None, metavar="SECONDS",
                   help="fit the run into SECONDS of wall time: after epoch 1 (training + "
                        "validation) --epochs becomes min(--epochs, SECONDS / epoch-1 time), so "
                        "the cosine schedule still ends at 0; the run also stops after any epoch "
                        "that ends past 1.15 x SECONDS")
    a.add_argument("--val-metrics", choices=("all", "overlap"), default="all",
                   help="per-epoch validation: all metrics, or accuracy/Dice/Jaccard only "
                        "(no surface distances, much faster); the best epoch is chosen by Dice")
    a.add_argument("--empty-fraction", type=float, default=1.0,
                   help="fraction of slices without foreground to keep (seeded)")
    a.add_argument("--max-train-cases", type=int, default=None, help="use only the first N train cases")
    a.add_argument("--max-val-cases", type=int, default=None, help="validate on the first N val cases")
    a.add_argument("--max-batches", type=int, default=None, help="stop each epoch after N batches")
    a.add_argument("--intensity", choices=pp.INTENSITY_METHODS, default="zscore-slice")
    a.add_argument("--window", type=float, nargs=2, metavar=("LO", "HI"), default=None)
    a.add_argument("--geometry", choices=pp.GEOMETRY_METHODS, default="pad-square")
    a.add_argument("--aug-flip", action="store_true", help="random horizontal/vertical flips")
    a.add_argument("--aug-rotate", type=float, default=0.0, help="max rotation, degrees")
    a.add_argument("--aug-scale", type=float, default=0.0, help="max relative zoom, e.g. 0.1")
    a.add_argument("--aug-intensity", type=float, default=0.0, help="max gain/offset jitter")
    a.add_argument("--cache-dir", default=str(paths.CACHE), help="preprocessed-slice cache")
    a.add_argument("--resume", action="store_true", help="continue from RUN/last.pt")
    a.add_argument("--no-progress", action="store_true", help="no tqdm bar (for logs/tests)")
    return a


# Arguments that must match when resuming (the others, e.g. --epochs, may change).
_FIXED = ("data", "split", "arch", "input", "degree", "depth", "bottleneck", "filters", "loss",
          "optimizer", "lr", "lr_schedule", "momentum", "weight_decay", "batch_size", "seed", "empty_fraction",
          "max_train_cases", "max_val_cases", "max_batches", "intensity", "window", "geometry",
          "aug_flip", "aug_rotate", "aug_scale", "aug_intensity")


def epoch_lr(args, epoch: int) -> float:
    """Learning rate of epoch 1..E: constant, or cosine from --lr at epoch 1 towards 0 at epoch E+1
    (0.5 (1 + cos(pi (epoch-1) / E))); a function of the epoch alone, so --resume continues it."""
    if args.lr_schedule == "cosine":
        return args.lr * 0.5 * (1.0 + math.cos(math.pi * (epoch - 1) / args.epochs))
    return args.lr


def make_optimizer(args, params):
    if args.optimizer == "sgd":
        return torch.optim.SGD(params, lr=args.lr, momentum=args.momentum, nesterov=True,
                               weight_decay=args.weight_decay)
    cls = torch.optim.Adam if args.optimizer == "adam" else torch.optim.AdamW
    return cls(params, lr=args.lr, weight_decay=args.weight_decay)


def load_data(args, prep):
    cases = ds.discover(args.data)
    if args.split == "none":
        split = {"train": [c.name for c in cases], "val": [c.name for c in cases]}
    else:
        split = ds.load_split(args.split)
    train_cases = ds.select_cases(cases, split["train"])[: args.max_train_cases]
    val_cases = ds.select_cases(cases, split["val"])[: args.max_val_cases]
    cache = None if args.cache_dir == "none" else args.cache_dir
    load = lambda cs, what: [ds.load_case(c, prep, cache) for c in
                             tqdm(cs, desc=f"loading {what}", disable=args.no_progress)]
    return load(train_cases, "train"), load(val_cases, "val")


def _epoch_generator(seed: int, epoch: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed * 1_000_003 + epoch)


def train_epoch(model, opt, loss_fn, train_vols, index, u, epoch, args, aug_cfg):
    """One epoch; returns (mean loss, slices/s). Raises SystemExit on a non-finite loss."""
    model.train()
    g = _epoch_generator(args.seed, epoch)
    order = index[torch.randperm(len(index), generator=g).numpy()]
    nb = math.ceil(len(order) / args.batch_size)
    if args.max_batches is not None:
        nb = min(nb, args.max_batches)
    total, count, t0 = 0.0, 0, time.perf_counter()
    bar = tqdm(range(nb), desc=f"epoch {epoch}", disable=args.no_progress, leave=False)
    for b in bar:
        sel = order[b * args.batch_size:(b + 1) * args.batch_size]
        x = torch.from_numpy(np.stack([train_vols[v]["x"][k] for v, k in sel]))[:, None]
        y = torch.from_numpy(np.stack([train_vols[v]["y"][k] for v, k in sel]))[:, None].float()
        x, y = x.to(u.device, non_blocking=True), y.to(u.device, non_blocking=True)
        if aug_cfg.active():
            x, y = augment(x, y, aug_cfg, g)
        z = evaluate(model(x), u, u)  # (N, 1, I, I)
        loss = loss_fn(z, y)
        if not torch.isfinite(loss):
            names = [f"{train_vols[v]['name']}[{k}]" for v, k in sel]
            last = Path(args.run) / "last.pt"
            where = (f"the last good checkpoint is {last}" if last.exists()
                     else "no checkpoint was written yet")
            raise SystemExit(f"error: loss became {loss.item()} at epoch {epoch}, batch {b} "
                             f"(slices {names[:4]}...); {where}. Lower --lr or check these "
                             f"slices.")
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        total += loss.item() * len(sel)
        count += len(sel)
        bar.set_postfix(loss=f"{total / count:.4f}",
                        slices_s=f"{count / (time.perf_counter() - t0):.1f}")
    return total / max(count, 1), count / (time.perf_counter() - t0)


def pick_device(name: str) -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    dev = torch.device(name)
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise SystemExit(f"error: --device {name} but torch sees no CUDA device; use --device cpu")
    return dev


def run(argv=None) -> dict:
    args = parser().parse_args(argv)
    torch.set_num_threads(args.threads)
    device = pick_device(args.device)
    if device.type == "cuda":
        torch.backends.cudnn.benchmark = True
    run_dir = Path(args.run)
    prep = pp.make_config(args.input, args.intensity, args.window, args.geometry)
    mcfg = model_config(args.arch, args.input, args.degree, args.depth, args.bottleneck,
                        args.filters)
    torch.manual_seed(args.seed)
    model = build_from_config(mcfg).to(device)
    opt = make_optimizer(args, model.parameters())
    state = {"epoch": 0, "history": [], "best": None}
    if args.resume:
        c = ckpt.load(run_dir / "last.pt")
        diff = {k: (c["args"].get(k), getattr(args, k)) for k in _FIXED
                if c["args"].get(k) != getattr(args, k)}
        if diff:
            raise SystemExit(f"error: --resume with different settings than the checkpoint "
                             f"(checkpoint, now): {diff}; use the original options")
        model.load_state_dict(c["model"])
        opt.load_state_dict(c["optimizer"])
        state = {k: c[k] for k in ("epoch", "history", "best")}
        if args.time_budget is not None and c["epoch"] >= 1:
            args.epochs = c["args"]["epochs"]  # the length fixed by the budget after epoch 1
        print(f"resuming {run_dir} after epoch {state['epoch']}", file=sys.stderr)
    elif (run_dir / "last.pt").exists():
        raise SystemExit(f"error: {run_dir}/last.pt exists; pass --resume to continue it or "
                         f"choose another --run folder")
    train_vols, val_vols = load_data(args, prep)
    index = ds.slice_index(train_vols, args.empty_fraction, args.seed)
    u = collocation_tensor(args.input, mcfg["coefficients"], args.degree).to(device)
    loss_fn = get_loss(args.loss)
    aug_cfg = AugmentConfig(args.aug_flip, args.aug_rotate, args.aug_scale, args.aug_intensity)
    command = "python3 tools/train.py " + " ".join(shlex.quote(x) for x in
                                                    (argv if argv is not None else sys.argv[1:]))
    t_start = time.perf_counter()
    epoch = state["epoch"]
    while epoch < args.epochs:
        epoch += 1
        t_epoch = time.perf_counter()
        for group in opt.param_groups:
            group["lr"] = epoch_lr(args, epoch)
        loss, speed = train_epoch(model, opt, loss_fn, train_vols, index, u, epoch, args, aug_cfg)
        rows = evaluate_volumes(model, val_vols, args.degree, prep,
                                overlap_only=args.val_metrics == "overlap") if val_vols else []
        dice = float(np.mean([r["dice"] for r in rows])) if rows else float("nan")
        entry = {"epoch": epoch, "loss": loss, "slices_per_s": speed,
                 "val_mean_dice": dice, "val": rows}
        state["history"].append(entry)
        print(f"epoch {epoch}: loss {loss:.4f}, {speed:.1f} slices/s, "
              f"val mean Dice {dice:.4f} ({len(rows)} volumes)", file=sys.stderr)
        state["epoch"] = epoch
        improved = state["best"] is None or (dice > state["best"]["val_mean_dice"])
        if improved:
            state["best"] = {"epoch": epoch, "val_mean_dice": dice}
        if args.time_budget is not None and epoch == 1:
            fit = int(args.time_budget // max(time.perf_counter() - t_epoch, 1e-9))
            args.epochs = max(1, min(args.epochs, fit))  # saved with the checkpoint below
            print(f"time budget {args.time_budget:.0f} s: {args.epochs} epochs", file=sys.stderr)
        blob = {"model": model.state_dict(), "optimizer": opt.state_dict(), "args": vars(args),
                "model_config": mcfg, "preprocessing": prep, "command": command,
                "train_slices": int(len(index)),
                "train_cases": [v["name"] for v in train_vols],
                "val_cases": [v["name"] for v in val_vols], **state}
        if improved:
            ckpt.save_atomic(blob, run_dir / "best.pt")
        ckpt.save_atomic(blob, run_dir / "last.pt")
        ckpt.write_text_atomic(run_dir / "history.json", json.dumps(state, indent=1))
        if args.time_budget is not None and epoch > 1:
            elapsed = time.perf_counter() - t_start
            if elapsed > 1.15 * args.time_budget and epoch < args.epochs:
                print(f"time budget exceeded after epoch {epoch} ({elapsed:.0f} s); stopping "
                      f"with best.pt from epoch {state['best']['epoch']}", file=sys.stderr)
                break
    return state


def main(argv=None):
    run(argv)


if __name__ == "__main__":
    main()
