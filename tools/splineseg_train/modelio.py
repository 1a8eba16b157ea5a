"""Exported model files: weights/<name>.safetensors (float32 state_dict, names as in PyTorch,
BatchNorm not folded; `num_batches_tracked` counters are training-only and left out) and
weights/<name>.json (the model spec, DESIGN section 5)."""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

from . import preprocess as pp
from .networks import build_from_config

FORMAT = "splineseg-model/1"


def float_state(model: torch.nn.Module) -> dict:
    """state_dict without the integer BatchNorm counters, as contiguous float32 tensors."""
    return {k: v.detach().to(torch.float32).contiguous() for k, v in model.state_dict().items()
            if not k.endswith("num_batches_tracked")}


def sha256(path: str | os.PathLike) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_model(model, name: str, model_cfg: dict, prep: dict, training: dict,
                out_dir: str | os.PathLike) -> tuple[Path, Path]:
    """Writes <out_dir>/<name>.safetensors and <name>.json (each via temp file + rename)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    st = out / f"{name}.safetensors"
    tmp = out / f".{name}.safetensors.tmp{os.getpid()}"
    save_file(float_state(model), str(tmp), metadata={"format": FORMAT, "name": name})
    os.replace(tmp, st)
    spec = {"format": FORMAT, "name": name, **model_cfg,
            "preprocessing": {**pp.spec(prep), "parameters": prep},
            "weights": st.name, "sha256": sha256(st), "training": training}
    js = out / f"{name}.json"
    tmp = out / f".{name}.json.tmp{os.getpid()}"
    tmp.write_text(json.dumps(spec, indent=1, allow_nan=False) + "\n")
    os.replace(tmp, js)
    return st, js


def read_model(spec_path: str | os.PathLike):
    """-> (model in eval mode, spec dict). Checks the format and the sha256 of the weights."""
    spec_path = Path(spec_path)
    if not spec_path.is_file():
        raise FileNotFoundError(f"model spec {spec_path} does not exist")
    spec = json.loads(spec_path.read_text())
    if spec.get("format") != FORMAT:
        raise ValueError(f"{spec_path}: format {spec.get('format')!r}, expected {FORMAT!r}")
    st = spec_path.with_name(spec.get("weights", spec_path.stem + ".safetensors"))
    digest = sha256(st)
    if digest != spec["sha256"]:
        raise ValueError(f"{st}: sha256 {digest} does not match the spec's {spec['sha256']}; "
                         f"re-export the model")
    model = build_from_config(spec)
    missing, unexpected = model.load_state_dict(load_file(str(st)), strict=False)
    missing = [k for k in missing if not k.endswith("num_batches_tracked")]
    if missing or unexpected:
        raise ValueError(f"{st}: tensors missing {missing[:5]}, unexpected {unexpected[:5]}")
    return model.eval(), spec
