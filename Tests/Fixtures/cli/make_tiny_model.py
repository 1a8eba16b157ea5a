"""Writes Tests/Fixtures/cli/tiny-unet.{json,safetensors}: an UNTRAINED UNetImplicit(d=1, b=2,
f=4) at I = 16 (O = 4, p = 1) with seeded random weights, so CLI tests can run the real
segmenter end to end in milliseconds. Its masks mean nothing. Run from the repository root:
    python3 Tests/Fixtures/cli/make_tiny_model.py
"""
import sys
from pathlib import Path

import torch

sys.path.insert(0, "tools")
from splineseg_train import modelio, networks  # noqa: E402
from splineseg_train import preprocess as pp  # noqa: E402

torch.manual_seed(5)
cfg = networks.model_config("unet-implicit", 16, 1, depth=1, bottleneck=2, filters=4)
model = networks.build_from_config(cfg).eval()
with torch.no_grad():
    # Random BatchNorm statistics so the folded network is not the identity.
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.running_mean.uniform_(-0.1, 0.1)
            m.running_var.uniform_(0.5, 2.0)
training = {"note": "untrained random weights for CLI tests (Tests/Fixtures/cli/make_tiny_model.py)"}
modelio.write_model(model, "tiny-unet", cfg, pp.make_config(16), training, Path("Tests/Fixtures/cli"))
