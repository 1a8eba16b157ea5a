#!/usr/bin/env python3
"""Training throughput (slices/s) of a model config on random data: forward, spline
evaluation, Dice loss, backward, SGD step; a few warm-up iterations are not timed.

  nice -n 10 python3 tools/bench_train.py --input 128 --depth 4 --bottleneck 4 --filters 16
"""
import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import torch  # noqa: E402

from splineseg_train.collocation import collocation_tensor, evaluate  # noqa: E402
from splineseg_train.losses import dice_loss  # noqa: E402
from splineseg_train.networks import ARCHITECTURES, build_model  # noqa: E402


def main(argv=None):
    a = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    a.add_argument("--arch", choices=ARCHITECTURES, default="unet-implicit")
    a.add_argument("--input", type=int, default=128)
    a.add_argument("--degree", type=int, default=1)
    a.add_argument("--depth", type=int, default=4)
    a.add_argument("--bottleneck", type=int, default=4)
    a.add_argument("--filters", type=int, default=16)
    a.add_argument("--batch-size", type=int, default=8)
    a.add_argument("--iters", type=int, default=30)
    a.add_argument("--warmup", type=int, default=3)
    a.add_argument("--threads", type=int, default=2)
    args = a.parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    m = build_model(args.arch, args.input, args.degree, args.depth, args.bottleneck, args.filters)
    o = m(torch.zeros(1, 1, args.input, args.input)).shape[-1] if args.arch != "unet-implicit" \
        else args.bottleneck * 2 ** args.depth
    u = collocation_tensor(args.input, o, args.degree)
    opt = torch.optim.SGD(m.parameters(), lr=1e-3, momentum=0.9, nesterov=True)
    x = torch.randn(args.batch_size, 1, args.input, args.input)
    y = (torch.rand(args.batch_size, 1, args.input, args.input) > 0.7).float()
    m.train()
    for i in range(args.warmup + args.iters):
        if i == args.warmup:
            t0 = time.perf_counter()
        loss = dice_loss(evaluate(m(x), u, u), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    dt = time.perf_counter() - t0
    n = sum(p.numel() for p in m.parameters())
    print(f"{args.arch} I={args.input} d={args.depth} b={args.bottleneck} f={args.filters} "
          f"O={o} params={n}: {args.iters * args.batch_size / dt:.1f} slices/s "
          f"({dt / args.iters * 1000:.0f} ms/batch of {args.batch_size}, {args.threads} threads)")


if __name__ == "__main__":
    main()
