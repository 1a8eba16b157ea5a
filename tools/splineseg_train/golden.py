"""Golden fixtures for the Swift runtime (format version 1).

A fixture is <name>.safetensors (tensors below) + <name>.json (index). Weights are NOT stored
(VGG weights alone are 7-30 MB); they come from a documented counter-based generator that the
Swift test reimplements, checked by `weights.sha256`:

  splitmix64: z = seed + k * 0x9E3779B97F4A7C15 (mod 2^64, k = 1, 2, 3, ... over all elements of
  all tensors in the listed order, row-major), z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9,
  z = (z ^ (z >> 27)) * 0x94D049BB133111EB, z ^= z >> 31; u = (z >> 11) * 2^-53 (float64);
  value = float32(lo + (hi - lo) * u) with the tensor's [lo, hi] from the index.
  weights.sha256 = sha256 of all tensors' float32 little-endian bytes concatenated in order.

Tensors: raw (H, W) float32 raw slice (integer values, exact in float32 and float64);
input (1, 1, I, I) after preprocessing; layer/<module path> the output of every layer in
execution order (conv blocks = conv+BN+ReLU as one layer, because BatchNorm is folded by the
codegen and pre-BN values do not exist at run time; pools, transposed convs, skip pools, concat,
head layers separately); coefficients (1, 1, O, O); values (H, W) the spline on the native grid
(float64 evaluation of the float32 coefficients, stored as float32); mask (H, W) uint8, values > 0.
"""
from __future__ import annotations

import hashlib

import numpy as np
import torch
from torch import nn

from . import preprocess as pp
from .networks import Concat, ConvBlock, build_from_config, model_config
from .predict import native_values

GOLDEN = 0x9E3779B97F4A7C15
M1, M2 = 0xBF58476D1CE4E5B9, 0x94D049BB133111EB


def splitmix_uniform(seed: int, start: int, n: int) -> np.ndarray:
    """u_k for k = start+1 .. start+n (float64 in [0, 1))."""
    with np.errstate(over="ignore"):
        k = np.arange(start + 1, start + n + 1, dtype=np.uint64)
        z = np.uint64(seed) + k * np.uint64(GOLDEN)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(M1)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(M2)
        z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) * 2.0 ** -53


def _range(name: str, t: torch.Tensor, model: nn.Module) -> tuple[float, float]:
    """[lo, hi] per tensor: He-uniform for conv weights, non-trivial BatchNorm statistics."""
    if name.endswith("running_var"):
        return 0.5, 2.0
    if name.endswith("running_mean"):
        return -0.5, 0.5
    mod = model.get_submodule(name.rsplit(".", 1)[0])
    if isinstance(mod, nn.BatchNorm2d):
        return (0.5, 1.5) if name.endswith("weight") else (-0.2, 0.2)
    if name.endswith("bias"):
        return -0.1, 0.1
    fan_in = t.shape[1] * t.shape[2] * t.shape[3]
    if isinstance(mod, nn.ConvTranspose2d):  # weight (cin, cout, 2, 2): each output sees cin
        fan_in = t.shape[0]
    a = float(np.sqrt(6.0 / fan_in))
    return -a, a


def generate_weights(model: nn.Module, seed: int) -> list[dict]:
    """Fills every float state tensor from the generator; returns the index entries."""
    entries, count, h = [], 0, hashlib.sha256()
    state = model.state_dict()
    for name, t in state.items():
        if name.endswith("num_batches_tracked"):
            continue
        lo, hi = _range(name, t, model)
        u = splitmix_uniform(seed, count, t.numel())
        count += t.numel()
        v = (lo + (hi - lo) * u).astype(np.float32).reshape(tuple(t.shape))
        t.copy_(torch.from_numpy(v))
        h.update(v.astype("<f4").tobytes())
        entries.append({"name": name, "shape": list(t.shape), "lo": lo, "hi": hi})
    return entries, h.hexdigest()


def _layers(model: nn.Module) -> list[tuple[str, nn.Module]]:
    """Modules whose outputs are recorded (see module doc); ConvBlock children are skipped."""
    inside = set()
    out = []
    for name, m in model.named_modules():
        if any(name.startswith(p + ".") for p in inside):
            continue
        if isinstance(m, ConvBlock):
            inside.add(name)
            out.append((name, m))
        elif isinstance(m, (nn.Conv2d, nn.BatchNorm2d, nn.ReLU, nn.Tanh, nn.MaxPool2d,
                            nn.AdaptiveAvgPool2d, nn.ConvTranspose2d, Concat)):
            out.append((name, m))
    return out


def synthetic_slice(h: int, w: int, seed: int) -> np.ndarray:
    """Integer-valued raw slice: a bright ellipse on a ramp plus noise (CT-like units)."""
    rng = np.random.default_rng(seed)
    r, c = np.mgrid[0:h, 0:w].astype(np.float64)
    blob = ((r - 0.45 * h) / (0.3 * h)) ** 2 + ((c - 0.55 * w) / (0.25 * w)) ** 2 < 1.0
    img = 100.0 + 2.0 * c + 400.0 * blob + rng.normal(0.0, 30.0, (h, w))
    return np.round(img).astype(np.float32)


@torch.no_grad()
def run_with_layers(model: nn.Module, x: torch.Tensor):
    """-> (coefficients, {"layer/<name>": output}, layer names in execution order)."""
    outputs, order = {}, []

    def hook(name):
        def f(_m, _inp, out):
            outputs[f"layer/{name}"] = out.detach().clone().contiguous()
            order.append(name)
        return f

    handles = [m.register_forward_hook(hook(n)) for n, m in _layers(model)]
    coeffs = model(x)
    for hd in handles:
        hd.remove()
    if len(set(order)) != len(order):
        raise RuntimeError(f"a layer ran twice; module reuse breaks the fixture: {order}")
    return coeffs, outputs, order


SAMPLES_PER_LAYER = 4096


@torch.no_grad()
def make_shipped_fixture(model: nn.Module, cfg: dict, prep: dict, raw: np.ndarray,
                         spec_path: str, weights_sha256: str, source: str):
    """Fixture of a shipped model (format "splineseg-golden-shipped/1") on a real raw slice.
    Its weights are the committed ones (checked by sha256), so they are not regenerated. A
    shipped model's layer outputs are megabytes, so each layer keeps a strided sample: the flat
    (row-major NCHW) elements k * stride for k < count, stride = ceil(numel / 4096), plus the
    layer's max |value| over all elements (the scale for relative differences). Input,
    coefficients, native values and mask are stored whole."""
    model.eval()
    h, w = raw.shape
    x = torch.from_numpy(pp.preprocess_image(raw.astype(np.float64), prep))[None, None]
    coeffs, outputs, order = run_with_layers(model, x)
    values = native_values(coeffs, h, w, cfg["degree"], prep)[0]
    samples, layers = {}, []
    for n in order:
        t = outputs[f"layer/{n}"].reshape(-1)
        stride = -(-t.numel() // SAMPLES_PER_LAYER)
        s = t[::stride].contiguous()
        samples[f"layer_sample/{n}"] = s
        layers.append({"name": n, "tensor": f"layer_sample/{n}",
                       "shape": list(outputs[f"layer/{n}"].shape), "stride": stride,
                       "count": s.numel(), "max_abs": float(t.abs().max())})
    tensors = {"raw": torch.from_numpy(raw.astype(np.float32)), "input": x.contiguous(),
               **samples, "coefficients": coeffs.contiguous(), "values": values.contiguous(),
               "mask": (values > 0).to(torch.uint8).contiguous()}
    index = {
        "format": "splineseg-golden-shipped/1", "version": 1,
        "model": {**cfg, "preprocessing": {**pp.spec(prep), "parameters": prep}},
        "weights": {"spec": spec_path, "sha256": weights_sha256},
        "raw_source": source, "raw_shape": [h, w], "layers": layers,
        "foreground_fraction": float((values > 0).float().mean()),
        "tensors": {k: {"dtype": str(v.dtype).replace("torch.", ""), "shape": list(v.shape)}
                    for k, v in tensors.items()},
    }
    return tensors, index


@torch.no_grad()
def make_fixture(arch: str, input_size: int, degree: int, raw_hw: tuple[int, int], seed: int,
                 depth=None, bottleneck=None, filters=None):
    """-> (tensors dict for safetensors, index dict)."""
    cfg = model_config(arch, input_size, degree, depth, bottleneck, filters)
    model = build_from_config(cfg)
    entries, digest = generate_weights(model, seed)
    model.eval()
    prep = pp.make_config(input_size)
    raw = synthetic_slice(*raw_hw, seed=seed)
    x = torch.from_numpy(pp.preprocess_image(raw.astype(np.float64), prep))[None, None]
    coeffs, outputs, order = run_with_layers(model, x)
    values = native_values(coeffs, raw_hw[0], raw_hw[1], degree, prep)[0]
    tensors = {"raw": torch.from_numpy(raw), "input": x.contiguous(), **outputs,
               "coefficients": coeffs.contiguous(), "values": values.contiguous(),
               "mask": (values > 0).to(torch.uint8).contiguous()}
    index = {
        "format": "splineseg-golden/1", "version": 1,
        "model": {**cfg, "preprocessing": {**pp.spec(prep), "parameters": prep}},
        "weights": {"generator": "splitmix64-uniform/1 (see tools/splineseg_train/golden.py)",
                    "seed": seed, "sha256": digest, "tensors": entries,
                    "batchnorm": "eval mode, eps 1e-5, not folded"},
        "layers": [{"name": n, "tensor": f"layer/{n}", "shape": list(outputs[f"layer/{n}"].shape)}
                   for n in order],
        "raw_shape": list(raw_hw),
        "foreground_fraction": float((values > 0).float().mean()),
        "tensors": {k: {"dtype": str(v.dtype).replace("torch.", ""), "shape": list(v.shape)}
                    for k, v in tensors.items()},
    }
    return tensors, index
