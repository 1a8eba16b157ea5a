#!/usr/bin/env python3
"""Peer benchmark: the SplineSeg networks on other CPU inference engines, batch 1.

  swift build -c release --product model-bench     # SplineSeg's side ("splineseg" engine)
  nice -n 5 python3 tools/bench_peers.py [--configs vgg1-i512,unet-d4b8f64-i512 ...] [--runs 20]
      [--threads 2] [--engines splineseg,torch,ort,openvino,ncnn] [--json out.json]
      [--rounds R | --interleave [--turn-warmup W] [--gap-ms G]]

The "splineseg" engine runs .build/release/model-bench --spec on the same weights (written as
bench-models/<config>.json + .safetensors) and the same input, checked against the same PyTorch
output, in the same run as the peers; the last table gives its speed-up over the fastest peer.

Configurations use the names of the Swift `model-bench` (`swift run -c release model-bench`), so
the two tables can be compared row by row:
  vgg1-i512, vgg2-i512              VGG-Implicit1/2 at I = 512 (p = 1)
  unet-dDbBfF-iI                    UNetImplicit(d = D, b = B, f = F) at I = I (p = 1), e.g.
                                    unet-d4b8f64-i512 (O = 128), unet-d4b4f8-i128
Any name of these two forms is accepted (tiny ones are used by the tests).

Models get seeded random weights (BatchNorm: random affine parameters, running statistics taken
from a seeded random input and then perturbed) and are regenerated on every run into the ignored
folder bench-models/: <config>.pth (state_dict), .onnx (tools/export.py's export_onnx, opset 17),
<config>-ncnn/ (TorchScript trace -> pnnx -> ncnn .param/.bin, fp32 weights), reference
input/output .npy.

Engines (each in its own subprocess, so thread pools and OpenMP runtimes never overlap and a crash
is reported rather than fatal): torch (eager, torch.inference_mode, set_num_threads), ort
(ONNX Runtime CPU, intra_op = threads, inter_op = 1, ORT_ENABLE_ALL), openvino (CPU plugin,
INFERENCE_NUM_THREADS = threads, PERFORMANCE_HINT = LATENCY, f32 precision), ncnn (opt.num_threads
= threads, all other options at their defaults: Winograd and sgemm convolution on). Every engine's
output is checked against PyTorch first (max |out - ref| / max |ref|); one above 1e-3 is not timed.

Rounds (--rounds R, default 1): every engine of a configuration runs R times, R x --runs timed runs
in all, the engine order reversed in every other round (SplineSeg, torch, ..., ncnn, then ncnn,
..., SplineSeg). On a shared machine, contention from other tenants comes in bursts lasting tens
of seconds; one engine's block of runs can fall into a burst and another's not. Interleaving
spreads the bursts over all engines. Median, min and max are over all the pooled runs, and the
last table also gives the speed-up in each round (its spread shows what the noise does).

Interleaved (--interleave): finer still. Every engine of a configuration stays loaded in its own
process (`--child E --serve`, `model-bench --serve`), and the runs x rounds timed calls alternate
between the engines one call at a time: in each cycle every engine makes --turn-warmup (3)
untimed calls and then one timed call, after a --gap-ms (20 ms) pause in which the previous
engine's spinning threads go idle; the order is reversed in every other cycle. The i-th calls of
all engines lie within a second or so of each other, so a burst hits the whole cycle. Besides the
medians, the last table gives the per-cycle speed-up (median, 10th / 90th percentile, min, and the
share of cycles at 1.5x or more). --turn-warmup 0 times the first call after an idle gap instead.

GFLOP/s = 2 x MACs of all convolutions (3x3, 1x1, transposed 2x2) / median time. The machine's
fp32 peak is measured in the same run with a compiled AVX2/FMA register loop (gcc -O3 -mavx2
-mfma, one pthread per thread), before every configuration; % of peak uses the peak measured just
before that configuration's engines.
"""
from __future__ import annotations

import argparse
import copy
import importlib.metadata
import importlib.util
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

TOOLS = Path(__file__).resolve().parent
REPO = TOOLS.parent
sys.path.insert(0, str(TOOLS))

DEFAULT_CONFIGS = ["vgg1-i512", "vgg2-i512", "unet-d4b8f64-i512", "unet-d4b8f32-i512",
                   "unet-d4b8f16-i512", "unet-d4b4f8-i128", "unet-d4b4f16-i256"]
ENGINES = ["splineseg", "torch", "ort", "openvino", "ncnn"]
PEERS = ENGINES[1:]
MODEL_BENCH = REPO / ".build" / "release" / "model-bench"
# Python distribution and import name of each engine's package (pnnx only for ncnn's conversion).
ENGINE_PACKAGES = {"torch": [("torch", "torch")], "ort": [("onnxruntime", "onnxruntime")],
                   "openvino": [("openvino", "openvino")],
                   "ncnn": [("ncnn", "ncnn"), ("pnnx", "pnnx")]}
TOLERANCE = 1e-3
RESULT_TAG = "BENCH_PEERS_RESULT "
READY_TAG = "READY "


# ----------------------------------------------------------------------------- configurations

def parse_config(name: str) -> dict:
    """'vgg1-i512' / 'vgg2-i512' / 'unet-d4b8f64-i512' -> a networks.model_config dict (p = 1)."""
    from splineseg_train.networks import model_config
    m = re.fullmatch(r"vgg([12])-i(\d+)", name)
    if m:
        return model_config(f"vgg-implicit{m[1]}", int(m[2]), 1)
    m = re.fullmatch(r"unet-d(\d+)b(\d+)f(\d+)-i(\d+)", name)
    if m:
        d, b, f, i = (int(g) for g in m.groups())
        return model_config("unet-implicit", i, 1, d, b, f)
    raise ValueError(f"unknown configuration {name!r}: use vgg1-iI, vgg2-iI or unet-dDbBfF-iI "
                     f"(e.g. {', '.join(DEFAULT_CONFIGS)})")


def split_list(values) -> list:
    """['a,b', 'c'] -> ['a', 'b', 'c'] (both comma and space separated lists work)."""
    out = []
    for v in values:
        out += [s for s in v.split(",") if s.strip()]
    return [s.strip() for s in out]


# ----------------------------------------------------------------------------- models

def make_model(cfg: dict, seed: int = 0):
    """The network of `cfg` in eval mode with seeded random weights and non-trivial BatchNorm:
    gamma ~ U(0.5, 1.5), beta ~ U(-0.2, 0.2), running statistics measured on a seeded random
    input (so activations stay well scaled through deep stacks), then the variance scaled by
    U(0.8, 1.25) and the mean shifted by U(-0.1, 0.1) standard deviations."""
    import torch
    from torch import nn
    from splineseg_train.networks import build_from_config
    torch.manual_seed(seed)
    model = build_from_config(cfg)
    g = torch.Generator().manual_seed(seed + 1)
    bns = [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]
    with torch.no_grad():
        for bn in bns:
            bn.weight.uniform_(0.5, 1.5, generator=g)
            bn.bias.uniform_(-0.2, 0.2, generator=g)
            bn.reset_running_stats()
            bn.momentum = None  # cumulative average: one batch gives exactly its statistics
        model.train()
        n = cfg["input"]
        model(torch.randn(2, 1, n, n, generator=g))
        for bn in bns:
            bn.momentum = 0.1
            sd = bn.running_var.sqrt()
            bn.running_var.mul_(torch.empty_like(sd).uniform_(0.8, 1.25, generator=g))
            bn.running_mean.add_(sd * torch.empty_like(sd).uniform_(-0.1, 0.1, generator=g))
    return model.eval()


def conv_macs(model, input_size: int) -> int:
    """Multiply-accumulates of all Conv2d and ConvTranspose2d layers for one 1x1xIxI input
    (bias adds, BatchNorm, pooling and activations not counted), from the shapes of a forward
    pass on the meta device (no arithmetic is done)."""
    import torch
    from torch import nn
    m = copy.deepcopy(model).to("meta")
    total = 0

    def hook(mod, inputs, out):
        nonlocal total
        kh, kw = mod.kernel_size
        if isinstance(mod, nn.ConvTranspose2d):
            # Every input pixel scatters cin/groups x cout x kh x kw products.
            total += inputs[0].numel() * (mod.out_channels // mod.groups) * kh * kw
        else:
            total += out.numel() * (mod.in_channels // mod.groups) * kh * kw

    hs = [x.register_forward_hook(hook) for x in m.modules()
          if isinstance(x, (nn.Conv2d, nn.ConvTranspose2d))]
    with torch.no_grad():
        m(torch.zeros(1, 1, input_size, input_size, device="meta"))
    for h in hs:
        h.remove()
    return total


def model_paths(models_dir: Path, name: str) -> dict:
    d = Path(models_dir)
    return {"state": d / f"{name}.pth", "onnx": d / f"{name}.onnx", "input": d / f"{name}.in.npy",
            "ref": d / f"{name}.ref.npy", "ncnn_dir": d / f"{name}-ncnn",
            "ncnn_param": d / f"{name}-ncnn" / "model.ncnn.param",
            "ncnn_bin": d / f"{name}-ncnn" / "model.ncnn.bin", "spec": d / f"{name}.json",
            "input_f32": d / f"{name}.in.f32", "ref_f32": d / f"{name}.ref.f32"}


def prepare_config(name: str, models_dir: Path, engines: list, threads: int, seed: int = 0):
    """Builds the model and writes what the engines need. Returns (macs, {engine: error or None})."""
    import numpy as np
    import torch
    cfg = parse_config(name)
    p = model_paths(models_dir, name)
    Path(models_dir).mkdir(parents=True, exist_ok=True)
    model = make_model(cfg, seed)
    macs = conv_macs(model, cfg["input"])
    torch.save(model.state_dict(), p["state"])
    n = cfg["input"]
    x = torch.randn(1, 1, n, n, generator=torch.Generator().manual_seed(seed + 2))
    torch.set_num_threads(threads)
    with torch.inference_mode():
        ref = model(x)
    np.save(p["input"], x.numpy())
    np.save(p["ref"], ref.numpy())
    errors = {}
    if "splineseg" in engines:
        from splineseg_train import preprocess as pp
        from splineseg_train.modelio import write_model
        mcfg = {k: cfg[k] for k in ("architecture", "input", "coefficients", "degree", "depth",
                                     "bottleneck", "filters") if k in cfg}
        write_model(model, name, mcfg, pp.make_config(n), {"note": "bench_peers random weights"},
                    models_dir)
        x.numpy().astype("<f4").tofile(p["input_f32"])
        ref.numpy().astype("<f4").tofile(p["ref_f32"])
        errors["splineseg"] = None if MODEL_BENCH.is_file() else (
            f"{MODEL_BENCH} missing: run swift build -c release --product model-bench")
    if "ort" in engines or "openvino" in engines:
        try:
            from export import export_onnx
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                export_onnx(model, n, p["onnx"])
            err = None
        except Exception as e:  # noqa: BLE001 - reported in the table
            err = f"ONNX export failed: {type(e).__name__}: {e}"
        for e in ("ort", "openvino"):
            errors[e] = err
    if "ncnn" in engines:
        errors["ncnn"] = convert_ncnn(model, x, p)
    return macs, errors


def convert_ncnn(model, x, p) -> str | None:
    """TorchScript trace -> pnnx -> ncnn .param/.bin (fp32 weights). Returns an error or None."""
    import torch
    if importlib.util.find_spec("pnnx") is None:
        return "pnnx not installed (pip install -r tools/requirements-bench.txt)"
    import pnnx
    d = p["ncnn_dir"]
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir(parents=True)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.jit.trace(model, x).save(str(d / "model.pt"))
    except Exception as e:  # noqa: BLE001
        return f"TorchScript trace failed: {type(e).__name__}: {e}"
    shape = "[" + ",".join(str(s) for s in x.shape) + "]"
    cmd = [pnnx.EXEC_PATH, "model.pt", f"inputshape={shape}", "device=cpu", "fp16=0",
           "pnnxparam=model.pnnx.param", "pnnxbin=model.pnnx.bin", "pnnxpy=model_pnnx.py",
           "pnnxonnx=model.pnnx.onnx", "ncnnparam=model.ncnn.param", "ncnnbin=model.ncnn.bin",
           "ncnnpy=model_ncnn.py"]
    r = subprocess.run(cmd, cwd=d, capture_output=True, text=True)
    (d / "pnnx.log").write_text(r.stdout + r.stderr)
    if r.returncode != 0 or not p["ncnn_param"].exists() or not p["ncnn_bin"].exists():
        tail = (r.stderr or r.stdout).strip().splitlines()[-1:] or [""]
        return f"pnnx conversion failed (rc {r.returncode}): {tail[0][:200]}"
    return None


# ----------------------------------------------------------------------------- peak

PEAK_C = r"""
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
static long iters;
static pthread_barrier_t barrier;
typedef struct { int id; double gflops; float sink; } job_t;
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t);
                          return t.tv_sec + t.tv_nsec * 1e-9; }
/* 12 independent FMA chains (covers the 4-cycle latency on 2 FMA pipes): 8 wide with AVX2, 16
   wide where the CPU has AVX-512 (chosen at run time), the machine's peak there (Zen 5 runs a
   512-bit FMA at the rate of a 256-bit one). */
#define CHAINS(T, SET1, FMA) \
  T a = SET1(0.5f + 1e-3f * j->id), b = SET1(0.99999f); \
  T c0 = SET1(0), c1 = SET1(1), c2 = SET1(2), c3 = SET1(3), c4 = SET1(4), c5 = SET1(5), \
    c6 = SET1(6), c7 = SET1(7), c8 = SET1(8), c9 = SET1(9), c10 = SET1(10), c11 = SET1(11); \
  pthread_barrier_wait(&barrier); \
  double t0 = now(); \
  for (long i = 0; i < iters; i++) { \
    c0 = FMA(a, b, c0); c1 = FMA(a, b, c1); c2 = FMA(a, b, c2); c3 = FMA(a, b, c3); \
    c4 = FMA(a, b, c4); c5 = FMA(a, b, c5); c6 = FMA(a, b, c6); c7 = FMA(a, b, c7); \
    c8 = FMA(a, b, c8); c9 = FMA(a, b, c9); c10 = FMA(a, b, c10); c11 = FMA(a, b, c11); \
  } \
  double dt = now() - t0;
__attribute__((target("avx512f")))
static void work512(job_t *j) {
  CHAINS(__m512, _mm512_set1_ps, _mm512_fmadd_ps)
  __m512 s = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(c0, c1), _mm512_add_ps(c2, c3)),
             _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(c4, c5), _mm512_add_ps(c6, c7)),
                           _mm512_add_ps(_mm512_add_ps(c8, c9), _mm512_add_ps(c10, c11))));
  j->sink = _mm512_reduce_add_ps(s);
  j->gflops = (double)iters * 12 * 32 / dt * 1e-9;
}
static void work256(job_t *j) {
  CHAINS(__m256, _mm256_set1_ps, _mm256_fmadd_ps)
  __m256 s = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(c0, c1), _mm256_add_ps(c2, c3)),
             _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(c4, c5), _mm256_add_ps(c6, c7)),
                           _mm256_add_ps(_mm256_add_ps(c8, c9), _mm256_add_ps(c10, c11))));
  float f[8]; _mm256_storeu_ps(f, s);
  j->sink = f[0] + f[7];
  j->gflops = (double)iters * 12 * 16 / dt * 1e-9;
}
static void *work(void *p) {
  if (__builtin_cpu_supports("avx512f")) work512(p); else work256(p);
  return NULL;
}
int main(int argc, char **argv) {
  int threads = argc > 1 ? atoi(argv[1]) : 2, reps = argc > 3 ? atoi(argv[3]) : 5;
  iters = argc > 2 ? atol(argv[2]) : 20000000L;
  pthread_t th[256]; job_t jobs[256]; float sink = 0;
  if (threads < 1 || threads > 256) return 2;
  for (int r = 0; r < reps; r++) {
    pthread_barrier_init(&barrier, NULL, threads);
    for (int t = 0; t < threads; t++) { jobs[t].id = t; pthread_create(&th[t], NULL, work, &jobs[t]); }
    double sum = 0;
    for (int t = 0; t < threads; t++) { pthread_join(th[t], NULL); sum += jobs[t].gflops; sink += jobs[t].sink; }
    pthread_barrier_destroy(&barrier);
    printf("%.3f\n", sum);
  }
  if (sink == 42.0f) fprintf(stderr, "!");
  return 0;
}
"""


def cpu_summary() -> str:
    """The CPU's model, family and widest vector extension (the peers and SplineSeg pick their
    kernels by it: AVX-512 doubles the FMA width where the CPU has full-width units)."""
    try:
        info = Path("/proc/cpuinfo").read_text()
    except OSError:
        return "unknown"
    first = info.split("\n\n")[0]
    fields = {k.strip(): v for k, v in (l.split(":", 1) for l in first.splitlines() if ":" in l)}
    get = lambda k: fields.get(k, "?").strip()
    flags = set(get("flags").split())
    isa = "avx512" if "avx512f" in flags else "avx2" if "avx2" in flags else "no avx2"
    return f"{get('model name')}, family {get('cpu family')} model {get('model')}, {isa}"


def build_peak(models_dir: Path) -> tuple[Path | None, str | None]:
    """Compiles the FMA peak loop into models_dir. Returns (executable, None) or (None, why)."""
    cc = shutil.which("gcc") or shutil.which("cc")
    if cc is None:
        return None, "no C compiler (gcc) found"
    d = Path(models_dir)
    d.mkdir(parents=True, exist_ok=True)
    src, exe = d / "fmapeak.c", d / "fmapeak"
    src.write_text(PEAK_C)
    r = subprocess.run([cc, "-O3", "-mavx2", "-mfma", "-pthread", str(src), "-o", str(exe)],
                       capture_output=True, text=True)
    if r.returncode != 0:
        return None, f"compiling the peak loop failed: {r.stderr.strip()[:200]}"
    return exe, None


def measure_peak(exe: Path | None, threads: int, reps: int = 5, iters: int = 20_000_000):
    """Median over `reps` of the summed GFLOP/s of `threads` threads, or None."""
    if exe is None:
        return None
    r = subprocess.run([str(exe), str(threads), str(iters), str(reps)], capture_output=True,
                       text=True)
    vals = [float(v) for v in r.stdout.split()]
    return statistics.median(vals) if r.returncode == 0 and vals else None


# ----------------------------------------------------------------------------- engines (child)

def time_runs(fn, runs: int, warmup: int = 3, min_warmup_s: float = 0.5) -> list:
    """Warm-up (at least `warmup` calls and ~min_warmup_s), then `runs` timed calls (seconds)."""
    t0 = time.perf_counter()
    n = 0
    while n < warmup or (time.perf_counter() - t0 < min_warmup_s and n < 100):
        fn()
        n += 1
    ts = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t)
    return ts


def _engine_torch(name, p, threads):
    import torch
    from splineseg_train.networks import build_from_config
    torch.set_num_threads(threads)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass
    model = build_from_config(parse_config(name))
    model.load_state_dict(torch.load(p["state"], weights_only=True))
    model.eval()
    import numpy as np
    x = torch.from_numpy(np.load(p["input"]))

    def run():
        with torch.inference_mode():
            return model(x)
    return run, lambda: run().numpy(), {"torch": torch.__version__,
                                        "threads": torch.get_num_threads()}


def _engine_ort(name, p, threads):
    import numpy as np
    import onnxruntime as ort
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    sess = ort.InferenceSession(str(p["onnx"]), so, providers=["CPUExecutionProvider"])
    x = np.load(p["input"])
    iname = sess.get_inputs()[0].name

    def run():
        return sess.run(None, {iname: x})[0]
    return run, run, {"onnxruntime": ort.__version__}


def _engine_openvino(name, p, threads):
    import numpy as np
    import openvino as ov
    core = ov.Core()
    compiled = core.compile_model(str(p["onnx"]), "CPU", {
        "INFERENCE_NUM_THREADS": threads, "PERFORMANCE_HINT": "LATENCY",
        "INFERENCE_PRECISION_HINT": "f32"})
    req = compiled.create_infer_request()
    x = np.load(p["input"])

    def run():
        req.infer({0: x})
        return req.get_output_tensor(0).data

    info = {"openvino": ov.get_version()}
    for k in ("INFERENCE_NUM_THREADS", "NUM_STREAMS", "INFERENCE_PRECISION_HINT"):
        try:
            info[k] = str(compiled.get_property(k))
        except Exception:  # noqa: BLE001 - informational only
            pass
    return run, lambda: np.array(run(), copy=True), info


def _engine_ncnn(name, p, threads):
    import numpy as np
    import ncnn
    net = ncnn.Net()
    net.opt.num_threads = threads
    net.opt.use_vulkan_compute = False
    if net.load_param(str(p["ncnn_param"])) != 0 or net.load_model(str(p["ncnn_bin"])) != 0:
        raise RuntimeError("ncnn could not load the converted .param/.bin")
    # ncnn.Mat(numpy) wraps the buffer without owning it: clone into ncnn-owned memory.
    xa = np.ascontiguousarray(np.load(p["input"])[0])
    mat = ncnn.Mat(xa).clone()
    del xa

    def run():
        # The output Mat lives in the extractor's memory: copy it out while the extractor is
        # alive (as ONNX Runtime hands back a fresh array too).
        ex = net.create_extractor()
        ex.input("in0", mat)
        ret, out = ex.extract("out0")
        if ret != 0:
            raise RuntimeError(f"ncnn extract returned {ret}")
        return np.array(out, copy=True)

    def output():
        return run()[None]
    o = net.opt
    info = {"ncnn": importlib.metadata.version("ncnn"), "pnnx": importlib.metadata.version("pnnx"),
            "winograd": o.use_winograd_convolution, "sgemm": o.use_sgemm_convolution,
            "fp16_storage": o.use_fp16_storage, "fp16_arithmetic": o.use_fp16_arithmetic}
    return run, output, info


ENGINE_FUNCS = {"torch": _engine_torch, "ort": _engine_ort, "openvino": _engine_openvino,
                "ncnn": _engine_ncnn}


def load_checked(engine: str, name: str, models_dir: Path, threads: int):
    """Loads `engine` on the configuration and checks it against the PyTorch reference.
    Returns (run, result): result has status "ok" (not timed yet) or "wrong"."""
    import numpy as np
    p = model_paths(models_dir, name)
    run, output, info = ENGINE_FUNCS[engine](name, p, threads)
    ref = np.load(p["ref"])
    out = np.asarray(output(), dtype=np.float32).reshape(-1)
    if out.size != ref.size:
        return run, {"status": "wrong", "error": f"output has {out.size} values, PyTorch {ref.size}",
                     "info": info}
    rel = float(np.max(np.abs(out - ref.reshape(-1))) / max(float(np.max(np.abs(ref))), 1e-30))
    res = {"status": "ok", "rel_err": rel, "info": info}
    if not np.isfinite(rel) or rel > TOLERANCE:
        res.update(status="wrong", error=f"output differs from PyTorch: max|d|/max|ref| = "
                                         f"{rel:.2e} > {TOLERANCE:g}; not timed")
    return run, res


def run_engine(engine: str, name: str, models_dir: Path, threads: int, runs: int,
               warmup: int = 3) -> dict:
    """Checks `engine` against the PyTorch reference, then times it (in this process)."""
    run, res = load_checked(engine, name, models_dir, threads)
    if res["status"] != "ok":
        return res
    ts = time_runs(run, runs, warmup)
    res.update(status="ok", times_ms=[t * 1e3 for t in ts], median_ms=statistics.median(ts) * 1e3,
               min_ms=min(ts) * 1e3, max_ms=max(ts) * 1e3)
    return res


def serve_main(args) -> int:
    """`--child E --serve`: one engine kept loaded for --interleave. Loads and checks it, warms
    it up (as time_runs does), prints READY {json}; then for every line "run W" on stdin makes W
    untimed calls and one timed call and prints "T <ms>"; "quit" or end of input ends it."""
    warnings.simplefilter("ignore")
    try:
        run, res = load_checked(args.child, args.configs[0], Path(args.models_dir), args.threads)
        if res["status"] == "ok":
            time_runs(run, 0, args.warmup)
    except Exception as e:  # noqa: BLE001
        res = {"status": "failed", "error": f"{type(e).__name__}: {e}"[:300]}
    print(READY_TAG + json.dumps(res), flush=True)
    if res["status"] != "ok":
        return 0
    for line in sys.stdin:
        cmd = line.split()
        if not cmd or cmd[0] == "quit":
            break
        for _ in range(int(cmd[1]) if len(cmd) > 1 else 0):
            run()
        t = time.perf_counter()
        run()
        print(f"T {(time.perf_counter() - t) * 1e3:.6f}", flush=True)
    return 0


def child_main(args) -> int:
    warnings.simplefilter("ignore")
    try:
        res = run_engine(args.child, args.configs[0], Path(args.models_dir), args.threads,
                         args.runs, args.warmup)
    except Exception as e:  # noqa: BLE001
        res = {"status": "failed", "error": f"{type(e).__name__}: {e}"[:300]}
    print(RESULT_TAG + json.dumps(res), flush=True)
    return 0


def model_bench_cmd(exe, models_dir, name: str, threads: int) -> list:
    """model-bench --spec (Benchmarks/model-bench/SingleModel.swift) on the configuration's
    weights and input, with the PyTorch reference; the caller adds --runs N or --serve."""
    p = model_paths(models_dir, name)
    return [str(exe), "--spec", str(p["spec"]), "--input", str(p["input_f32"]),
            "--reference", str(p["ref_f32"]), "--threads", str(threads)]


def child_cmd(engine: str, name: str, args) -> list:
    """This script as one peer engine's child process; the caller adds --runs N or --serve."""
    return [sys.executable, str(Path(__file__).resolve()), "--child", engine, "--configs", name,
            "--models-dir", str(args.models_dir), "--threads", str(args.threads),
            "--warmup", str(args.warmup)]


def within_tolerance(res: dict) -> dict:
    """model-bench's result, or "wrong" when its coefficients differ from PyTorch's by more than
    TOLERANCE (the Python engines check this themselves, in load_checked)."""
    if res.get("status") == "ok" and not res["rel_err"] <= TOLERANCE:
        return {"status": "wrong", "rel_err": res["rel_err"], "info": res.get("info"),
                "error": f"output differs from PyTorch: {res['rel_err']:.2e} > {TOLERANCE:g}"}
    return res


def spawn_splineseg(name, args, timeout_s=1800) -> dict:
    """SplineSeg's engine: model-bench --spec on the same weights and input, checked against the
    same PyTorch reference."""
    cmd = model_bench_cmd(MODEL_BENCH, args.models_dir, name, args.threads) + ["--runs", str(args.runs)]
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s)
    except subprocess.TimeoutExpired:
        return {"status": "failed", "error": f"timed out after {timeout_s} s"}
    line = next((x for x in r.stdout.splitlines()[::-1] if x.startswith("RESULT ")), None)
    if line is None:
        return {"status": "failed", "error": f"model-bench died (rc {r.returncode}): "
                                             f"{(r.stderr.strip().splitlines() or ['no output'])[-1][:200]}"}
    res = within_tolerance(json.loads(line[len("RESULT "):]))
    if res.get("status") != "ok":
        return res
    ts = res.pop("times_ms")
    res.update(times_ms=ts, median_ms=statistics.median(ts), min_ms=min(ts), max_ms=max(ts))
    return res


def spawn_engine(engine, name, args, timeout_s=1800) -> dict:
    if engine == "splineseg":
        return spawn_splineseg(name, args, timeout_s)
    cmd = child_cmd(engine, name, args) + ["--runs", str(args.runs)]
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s)
    except subprocess.TimeoutExpired:
        return {"status": "failed", "error": f"timed out after {timeout_s} s"}
    for line in r.stdout.splitlines()[::-1]:
        if line.startswith(RESULT_TAG):
            return json.loads(line[len(RESULT_TAG):])
    tail = (r.stderr.strip().splitlines() or ["no output"])[-1]
    return {"status": "failed", "error": f"engine process died (rc {r.returncode}): {tail[:200]}"}


# ----------------------------------------------------------------------------- interleaved mode

class EngineServer:
    """One engine kept loaded in its own process (`--child E --serve`, or model-bench --serve)
    and driven one timed call at a time over its stdin / stdout."""

    def __init__(self, engine: str, cmd: list, timeout_s: float):
        import tempfile
        self.engine, self.timeout_s = engine, timeout_s
        self.err = tempfile.TemporaryFile(mode="w+")
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.err, text=True, bufsize=1)

    def _line(self, prefix: str) -> str | None:
        """The next stdout line starting with `prefix` (others skipped), None on exit/timeout."""
        import select
        deadline = time.monotonic() + self.timeout_s
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.proc.stdout], [], [], left)[0]:
                return None
            line = self.proc.stdout.readline()
            if not line:
                return None
            if line.startswith(prefix):
                return line[len(prefix):]

    def why_dead(self) -> str:
        self.stop()
        self.err.seek(0)
        tail = (self.err.read().strip().splitlines() or ["no output"])[-1]
        return f"engine process died or timed out (rc {self.proc.returncode}): {tail[:200]}"

    def ready(self) -> dict:
        line = self._line(READY_TAG)
        if line is None:
            return {"status": "failed", "error": self.why_dead()}
        return json.loads(line)

    def timed_call(self, warm: int) -> float | None:
        """`warm` untimed calls, then one timed call: its time in ms (None if the engine died)."""
        try:
            self.proc.stdin.write(f"run {warm}\n")
            self.proc.stdin.flush()
        except OSError:
            return None
        line = self._line("T ")
        return None if line is None else float(line)

    def stop(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write("quit\n")
                self.proc.stdin.flush()
                self.proc.wait(timeout=30)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()


def start_server(engine: str, name: str, args, timeout_s: float = 1800) -> EngineServer:
    cmd = (model_bench_cmd(MODEL_BENCH, args.models_dir, name, args.threads) if engine == "splineseg"
           else child_cmd(engine, name, args))
    return EngineServer(engine, cmd + ["--serve"], timeout_s)


def interleaved_config(name: str, engines: list, args, skip: dict) -> dict:
    """--interleave: every engine loaded at once (each in its own process, one after the other so
    that no warm-up overlaps another), then runs x rounds cycles; in each cycle every engine makes
    one timed call (after --turn-warmup untimed ones and a --gap-ms pause that lets the previous
    engine's spinning threads go idle), the engine order reversed in every other cycle. Cycle i
    of every engine lies within seconds of the others', so a burst of contention from other
    tenants hits all engines of the cycle instead of one engine's block of runs."""
    res, servers = {}, {}
    for e in engines:
        if skip.get(e):
            res[e] = skip[e]
            continue
        srv = start_server(e, name, args)
        r = within_tolerance(srv.ready())
        if r.get("status") == "ok":
            servers[e] = srv
            r["times_ms"] = []
        else:
            srv.stop()
        res[e] = r
    order = list(servers)
    try:
        for i in range(args.runs * args.rounds):
            for e in (order if i % 2 == 0 else order[::-1]):
                if e not in servers:
                    continue
                time.sleep(args.gap_ms * 1e-3)
                t = servers[e].timed_call(args.turn_warmup)
                if t is None:
                    res[e] = {"status": "failed", "error": servers.pop(e).why_dead()}
                else:
                    res[e]["times_ms"].append(t)
    finally:
        for srv in servers.values():
            srv.stop()
    for e, r in res.items():
        if r.get("status") == "ok":
            ts = r["times_ms"]
            r.update(median_ms=statistics.median(ts), min_ms=min(ts), max_ms=max(ts),
                     interleaved=True,
                     round_medians_ms=[statistics.median(ts[k * args.runs:(k + 1) * args.runs])
                                       for k in range(args.rounds)])
    return res


def cycle_ratios(ours: list, peer: list) -> dict | None:
    """Per-cycle speed-up peer_i / ours_i of two interleaved engines: median, 10th and 90th
    percentile, min, and the share of cycles at 1.5x or more."""
    if not ours or len(ours) != len(peer):
        return None
    r = sorted(b / a for a, b in zip(ours, peer))
    q = lambda f: r[min(len(r) - 1, int(f * len(r)))]
    return {"median": statistics.median(r), "p10": q(0.1), "p90": q(0.9), "min": r[0],
            "share_1_5": sum(x >= 1.5 for x in r) / len(r)}


# ----------------------------------------------------------------------------- main

def engine_missing(engine: str) -> str | None:
    if engine == "splineseg":
        return None if MODEL_BENCH.is_file() else (
            f"{MODEL_BENCH} missing: swift build -c release --product model-bench")
    for dist, mod in ENGINE_PACKAGES[engine]:
        if importlib.util.find_spec(mod) is None:
            return f"{dist} not installed (pip install -r tools/requirements-bench.txt)"
    return None


def versions() -> dict:
    v = {"python": platform.python_version()}
    for dist in ("torch", "onnxruntime", "openvino", "ncnn", "pnnx", "onnx", "numpy"):
        try:
            v[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            v[dist] = None
    return v


def machine() -> dict:
    m = {"platform": platform.platform(), "cpus": os.cpu_count()}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                m["cpu"] = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return m


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def fmt(v, f="{:.2f}"):
    return "-" if v is None else f.format(v)


def print_table(results, engines, configs, file=sys.stdout):
    hdr = (f"{'config':<20} {'engine':<9} {'median ms':>10} {'min ms':>9} {'max ms':>9} "
           f"{'GFLOP/s':>8} {'% peak':>7} {'rel err':>8}  note")
    print(hdr, file=file)
    print("-" * len(hdr), file=file)
    for r in results:
        note = "" if r["status"] == "ok" else f"{r['status'].upper()}: {r.get('error', '')}"
        print(f"{r['config']:<20} {r['engine']:<9} {fmt(r.get('median_ms')):>10} "
              f"{fmt(r.get('min_ms')):>9} {fmt(r.get('max_ms')):>9} {fmt(r.get('gflops'), '{:.1f}'):>8} "
              f"{fmt(r.get('pct_peak'), '{:.1f}'):>7} {fmt(r.get('rel_err'), '{:.1e}'):>8}  {note}",
              file=file)
    # Compact matrix: median ms, and each engine's speed relative to PyTorch in the same run.
    by = {(r["config"], r["engine"]): r for r in results}
    print("\nmedian ms (x = speed-up over torch, same run)", file=file)
    print(f"{'config':<20} {'GFLOP':>7} " + " ".join(f"{e:>16}" for e in engines), file=file)
    for c in configs:
        first = next((r for r in results if r["config"] == c), None)
        gf = fmt(first and first.get("gflop"), "{:.1f}")
        t = by.get((c, "torch"), {}).get("median_ms")
        cells = []
        for e in engines:
            m = by.get((c, e), {}).get("median_ms")
            if m is None:
                cells.append(f"{by.get((c, e), {}).get('status', '-'):>16}")
            else:
                cells.append(f"{m:>9.2f}" + (f" ({t / m:4.2f}x)" if t else " " * 8))
        print(f"{c:<20} {gf:>7} " + " ".join(cells), file=file)
    if "splineseg" in engines:
        print("\nSplineSeg against the fastest peer of the same run (median; spread = min..max)",
              file=file)
        for c in configs:
            ours = by.get((c, "splineseg"), {})
            peers = [by[(c, e)] for e in PEERS if by.get((c, e), {}).get("median_ms")]
            if not ours.get("median_ms") or not peers:
                print(f"{c:<20} -", file=file)
                continue
            best = min(peers, key=lambda r: r["median_ms"])
            per_round = ""
            a, b = ours.get("round_medians_ms", []), best.get("round_medians_ms", [])
            if len(a) > 1 and len(a) == len(b):
                per_round = "; per round " + " ".join(f"{y / x:.2f}x" for x, y in zip(a, b))
            cyc = ""
            cr = ours.get("interleaved") and cycle_ratios(ours["times_ms"], best.get("times_ms", []))
            if cr:
                cyc = (f"; per cycle median {cr['median']:.2f}x (p10 {cr['p10']:.2f}, p90 "
                       f"{cr['p90']:.2f}, min {cr['min']:.2f}; {100 * cr['share_1_5']:.0f}% of cycles "
                       f">= 1.5x)")
            print(f"{c:<20} splineseg {ours['median_ms']:.2f} ms ({ours['min_ms']:.2f}.."
                  f"{ours['max_ms']:.2f}), fastest peer {best['engine']} {best['median_ms']:.2f} ms "
                  f"({best['min_ms']:.2f}..{best['max_ms']:.2f}): {best['median_ms'] / ours['median_ms']:.2f}x"
                  + per_round + cyc, file=file)


def pool_rounds(rs: list) -> dict:
    """One engine's result over its rounds: the first failure if any round failed, else the
    last round's fields with the times of all rounds pooled (median, min, max over them) and
    each round's median in `round_medians_ms`."""
    bad = next((r for r in rs if r.get("status") != "ok"), None)
    if bad is not None:
        return dict(bad)
    res = dict(rs[-1])
    ts = [t for r in rs for t in r["times_ms"]]
    res.update(times_ms=ts, median_ms=statistics.median(ts), min_ms=min(ts), max_ms=max(ts),
               round_medians_ms=[r["median_ms"] for r in rs])
    return res


def main(argv=None) -> int:
    a = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    a.add_argument("--configs", nargs="+", default=[",".join(DEFAULT_CONFIGS)],
                   help="comma/space separated configuration names (default: all seven)")
    a.add_argument("--runs", type=int, default=20, help="timed runs per config, engine and round")
    a.add_argument("--rounds", type=int, default=1,
                   help="rounds per config, engine order reversed every other round (see above)")
    a.add_argument("--warmup", type=int, default=3, help="minimum warm-up runs (and >= 0.5 s)")
    a.add_argument("--threads", type=int, default=2)
    a.add_argument("--engines", default=",".join(ENGINES))
    a.add_argument("--json", default=None, help="also write the results as JSON")
    a.add_argument("--models-dir", default=str(REPO / "bench-models"))
    a.add_argument("--seed", type=int, default=0)
    a.add_argument("--interleave", action="store_true",
                   help="keep every engine loaded and alternate single timed calls (see above)")
    a.add_argument("--turn-warmup", type=int, default=3,
                   help="--interleave: untimed calls before each timed call (default 3)")
    a.add_argument("--gap-ms", type=float, default=20.0,
                   help="--interleave: pause before each engine's turn (default 20 ms)")
    a.add_argument("--child", default=None, help=argparse.SUPPRESS)
    a.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = a.parse_args(argv)
    args.configs = split_list(args.configs)
    if args.child:
        return serve_main(args) if args.serve else child_main(args)
    engines = split_list([args.engines])
    bad = [e for e in engines if e not in ENGINES]
    if bad:
        a.error(f"unknown engine(s) {bad}; choose from {ENGINES}")
    try:
        cfgs = {c: parse_config(c) for c in args.configs}
    except ValueError as e:
        a.error(str(e))
    if args.runs < 1:
        a.error("--runs must be >= 1")
    if args.rounds < 1:
        a.error("--rounds must be >= 1")
    if args.turn_warmup < 0 or args.gap_ms < 0:
        a.error("--turn-warmup and --gap-ms must be >= 0")
    models_dir = Path(args.models_dir)

    ver = versions()
    print(f"bench_peers: {len(cfgs)} configs x {engines}, {args.threads} threads, "
          f"{args.runs} runs x {args.rounds} round(s)"
          + (f", interleaved (one timed call per engine and cycle after {args.turn_warmup} "
             f"untimed, {args.gap_ms:g} ms gap)" if args.interleave else "")
          + f"; load average {loadavg()}")
    print("versions: " + ", ".join(f"{k} {v or 'not installed'}" for k, v in ver.items()))
    print(f"cpu: {cpu_summary()}")
    try:
        load1 = os.getloadavg()[0]
    except OSError:
        load1 = 0.0
    if load1 > 1.0:
        print(f"WARNING: 1-minute load average {load1:.2f} before starting: other processes "
              f"compete for the cores, so absolute times (and spinning thread pools) suffer; "
              f"compare engines only within this run", flush=True)
    exe, peak_err = build_peak(models_dir)
    peak_start = measure_peak(exe, args.threads)
    print(f"fp32 FMA peak ({args.threads} threads): "
          + (f"{peak_start:.1f} GFLOP/s" if peak_start else f"n/a ({peak_err})"), flush=True)
    missing = {e: engine_missing(e) for e in engines}

    results, peaks = [], {}
    for name, cfg in cfgs.items():
        t0 = time.time()
        try:
            macs, prep_err = prepare_config(name, models_dir, engines, args.threads, args.seed)
        except Exception as e:  # noqa: BLE001
            macs, prep_err = None, {x: f"model preparation failed: {type(e).__name__}: {e}"
                                    for x in engines}
        gflop = 2 * macs * 1e-9 if macs else None
        peak = measure_peak(exe, args.threads)
        peaks[name] = peak
        print(f"\n{name}: I={cfg['input']} O={cfg['coefficients']} {fmt(gflop, '{:.2f}')} GFLOP, "
              f"prepared in {time.time() - t0:.1f} s; peak {fmt(peak, '{:.1f}')} GFLOP/s; "
              f"load {loadavg()}", flush=True)
        skip = {e: {"status": "skipped" if missing[e] else "failed",
                    "error": missing[e] or prep_err.get(e)}
                for e in engines if missing[e] or prep_err.get(e)}
        if args.interleave:
            pooled = interleaved_config(name, engines, args, skip)
        else:
            rounds: dict = {e: [] for e in engines}
            for k in range(args.rounds):
                for e in (engines if k % 2 == 0 else engines[::-1]):
                    if e in skip:
                        rounds[e].append(skip[e])
                    elif not rounds[e] or rounds[e][-1]["status"] == "ok":
                        rounds[e].append(spawn_engine(e, name, args))
            pooled = {e: pool_rounds(rounds[e]) for e in engines}
        for e in engines:
            res = pooled[e]
            res.update(config=name, engine=e, macs=macs, gflop=gflop, peak_gflops=peak)
            if res.get("status") == "ok" and gflop:
                res["gflops"] = gflop / (res["median_ms"] * 1e-3)
                res["pct_peak"] = 100 * res["gflops"] / peak if peak else None
            results.append(res)
            if res["status"] == "ok":
                print(f"  {e:<9} rel err {res['rel_err']:.1e}  median {res['median_ms']:.2f} ms "
                      f"(min {res['min_ms']:.2f}, max {res['max_ms']:.2f})  "
                      f"{fmt(res.get('gflops'), '{:.1f}')} GFLOP/s  "
                      f"{fmt(res.get('pct_peak'), '{:.1f}')}% of peak", flush=True)
            else:
                rel = f" (rel err {res['rel_err']:.1e})" if "rel_err" in res else ""
                print(f"  {e:<9} {res['status'].upper()}{rel}: {res.get('error')}", flush=True)
        ours = pooled.get("splineseg", {})
        peers = [pooled[e] for e in engines if e in PEERS and pooled[e].get("status") == "ok"]
        if args.interleave and ours.get("status") == "ok" and peers:
            best = min(peers, key=lambda r: r["median_ms"])
            cr = cycle_ratios(ours["times_ms"], best["times_ms"])
            if cr:
                ours["cycle_ratio_vs_fastest_peer"] = dict(cr, peer=best["engine"])
                print(f"  per cycle vs {best['engine']}: median {cr['median']:.2f}x, p10 "
                      f"{cr['p10']:.2f}, p90 {cr['p90']:.2f}, min {cr['min']:.2f}; "
                      f"{100 * cr['share_1_5']:.0f}% of cycles >= 1.5x", flush=True)
    peak_end = measure_peak(exe, args.threads)
    print(f"\nfp32 FMA peak ({args.threads} threads): start {fmt(peak_start, '{:.1f}')}, end "
          f"{fmt(peak_end, '{:.1f}')} GFLOP/s; per config: "
          + ", ".join(f"{k} {fmt(v, '{:.1f}')}" for k, v in peaks.items())
          + f"; load average {loadavg()}\n")
    print_table(results, engines, list(cfgs))
    if args.json:
        out = {"machine": machine(), "versions": ver, "threads": args.threads, "runs": args.runs,
               "rounds": args.rounds, "interleave": args.interleave,
               "turn_warmup": args.turn_warmup, "gap_ms": args.gap_ms,
               "seed": args.seed, "tolerance": TOLERANCE,
               "peak_gflops": {"start": peak_start, "end": peak_end, "per_config": peaks,
                               "error": peak_err},
               "results": results}
        Path(args.json).write_text(json.dumps(out, indent=1))
        print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
