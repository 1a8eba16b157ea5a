"""Prepared data packs (tools/pack_data.py) and training on them; --time-budget; --device."""
import json

import numpy as np
import pytest

from splineseg_train import data as ds
from splineseg_train import pack as packs
from splineseg_train import preprocess as pp
from splineseg_train.train import run


def make_pack(nifti_set, out, bits=6, size=16):
    import pack_data
    pack_data.main(["--out", str(out), "--data", str(nifti_set), "--input", str(size),
                    "--bits", str(bits)])
    return out


def test_quantize_error_bound():
    rng = np.random.default_rng(0)
    x = rng.normal(0, 1, (5, 9, 7)) * np.arange(1, 6)[:, None, None]
    x[2] = 3.0  # a constant slice must survive (zero range)
    for bits in (1, 6, 8):
        q, lo, hi = packs.quantize(x, bits)
        back = packs.dequantize(q, lo, hi, bits)
        bound = (hi - lo).astype(np.float64) / (2 * ((1 << bits) - 1)) + 1e-6
        err = np.abs(back - x).max(axis=(1, 2))
        assert np.all(err <= bound), (bits, err, bound)
        assert q.max() <= (1 << bits) - 1
    with pytest.raises(ValueError, match="bits"):
        packs.quantize(x, 9)


def test_pack_round_trip(nifti_set, tmp_path):
    out = make_pack(nifti_set, tmp_path / "pack", bits=8)
    meta = json.loads((out / "pack.json").read_text())
    assert meta["cases"] == ["c0", "c1", "c2", "c3"] and meta["bits"] == 8
    cfg = pp.make_config(16)
    for case_p, case_o in zip(ds.discover(out), ds.discover(nifti_set)):
        a, b = ds.load_case(case_p, cfg, None), ds.load_case(case_o, cfg, None)
        assert a["name"] == b["name"] and a["spacing"] == b["spacing"]
        np.testing.assert_array_equal(a["y"], b["y"])
        np.testing.assert_array_equal(a["mask"], b["mask"])
        span = b["x"].max(axis=(1, 2)) - b["x"].min(axis=(1, 2))
        assert np.all(np.abs(a["x"] - b["x"]).max(axis=(1, 2)) <= span / 510 + 1e-5)
    with pytest.raises(ValueError, match="preprocessing"):
        ds.load_case(ds.discover(out)[0], pp.make_config(32), None)


def test_train_on_pack_with_time_budget(nifti_set, tmp_path):
    out = make_pack(nifti_set, tmp_path / "pack")
    args = ["--run", str(tmp_path / "r"), "--data", str(out), "--split", "none",
            "--input", "16", "--depth", "1", "--bottleneck", "2", "--filters", "4",
            "--batch-size", "4", "--no-progress", "--threads", "2", "--device", "cpu",
            "--val-metrics", "overlap", "--epochs", "1000", "--time-budget", "1e-9"]
    state = run(args)
    # A budget smaller than one epoch leaves exactly one epoch (and records it for --resume).
    assert state["epoch"] == 1 and len(state["history"]) == 1
    assert set(state["history"][0]["val"][0]) == {"name", "accuracy", "dice", "jaccard"}
    hist = json.loads((tmp_path / "r" / "history.json").read_text())
    assert hist["best"]["epoch"] == 1


def test_device_cuda_without_gpu_is_a_clear_error(nifti_set, tmp_path):
    import torch
    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    with pytest.raises(SystemExit, match="no CUDA device"):
        run(["--run", str(tmp_path / "r"), "--data", str(nifti_set), "--split", "none",
             "--input", "16", "--depth", "1", "--bottleneck", "2", "--filters", "4",
             "--no-progress", "--device", "cuda", "--epochs", "1"])
