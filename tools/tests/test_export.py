import json

import numpy as np
import pytest
import torch
from safetensors.torch import load_file

import export
import export_golden
from splineseg_train.golden import generate_weights, make_fixture, splitmix_uniform
from splineseg_train.modelio import read_model, sha256
from splineseg_train.networks import build_model
from splineseg_train.train import run
from test_train import args


@pytest.fixture
def trained(nifti_set, tmp_path):
    run(args(tmp_path / "r", nifti_set, "--epochs", "1", "--max-batches", "2"))
    return tmp_path / "r" / "best.pt"


def test_export_round_trip(trained, tmp_path):
    export.main(["--checkpoint", str(trained), "--name", "tiny", "--out", str(tmp_path / "w")])
    spec = json.loads((tmp_path / "w" / "tiny.json").read_text())
    for key, val in {"format": "splineseg-model/1", "name": "tiny",
                     "architecture": "unet-implicit", "input": 16, "coefficients": 4,
                     "degree": 1, "depth": 1, "bottleneck": 2, "filters": 4}.items():
        assert spec[key] == val, key
    assert spec["sha256"] == sha256(tmp_path / "w" / "tiny.safetensors")
    assert spec["preprocessing"]["pad_square"]["top"] == "(S - H) // 2"
    assert spec["training"]["epochs"] == 1 and "train.py" in spec["training"]["command"]
    tensors = load_file(str(tmp_path / "w" / "tiny.safetensors"))
    assert all(t.dtype == torch.float32 for t in tensors.values())
    assert "encoder.0.conv1.bn.running_var" in tensors
    # same outputs from the checkpoint and from the exported files
    c = torch.load(trained, weights_only=False)
    ref = build_model("unet-implicit", 16, 1, 1, 2, 4)
    ref.load_state_dict(c["model"])
    model, _ = read_model(tmp_path / "w" / "tiny.json")
    x = torch.randn(2, 1, 16, 16)
    with torch.no_grad():
        torch.testing.assert_close(model(x), ref.eval()(x), rtol=0, atol=0)
    # tampered weights are refused
    (tmp_path / "w" / "tiny.safetensors").write_bytes(b"x" * 10)
    with pytest.raises(ValueError, match="sha256"):
        read_model(tmp_path / "w" / "tiny.json")


def test_onnx_export_matches(trained, tmp_path):
    import onnx  # in tools/requirements.txt
    from onnx.reference import ReferenceEvaluator
    path = tmp_path / "m.onnx"
    export.main(["--checkpoint", str(trained), "--name", "t", "--out", str(tmp_path / "w"),
                 "--onnx", str(path)])
    m = onnx.load(str(path))
    onnx.checker.check_model(m)
    assert m.opset_import[0].version == 17
    model, _ = read_model(tmp_path / "w" / "t.json")
    x = np.random.default_rng(0).normal(size=(1, 1, 16, 16)).astype(np.float32)
    (out,) = ReferenceEvaluator(m).run(None, {"input": x})
    assert out.shape == (1, 1, 4, 4)
    with torch.no_grad():
        np.testing.assert_allclose(out, model(torch.from_numpy(x)).numpy(), atol=1e-4)


def test_splitmix64_known_values():
    # splitmix64 seeded with 0: first outputs 0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4
    u = splitmix_uniform(0, 0, 2)
    assert u[0] == (0xE220A8397B1DCDAF >> 11) * 2.0 ** -53
    assert u[1] == (0x6E789E6AA1B965F4 >> 11) * 2.0 ** -53


def test_committed_golden_fixtures_are_current():
    # Regenerates each committed fixture and compares: catches stale files and checks that
    # the layer outputs compose to the coefficients and mask.
    from pathlib import Path
    from safetensors.numpy import load_file as load_np
    root = Path(export_golden.__file__).resolve().parents[1] / "Tests" / "Fixtures" / "golden"
    for name, (arch, i, p, hw, d, b, f) in export_golden.MODELS.items():
        index = json.loads((root / f"{name}.json").read_text())
        assert (root / f"{name}.safetensors").stat().st_size < 1 << 20
        tensors, new_index = make_fixture(arch, i, p, hw, index["weights"]["seed"], d, b, f)
        assert new_index["weights"]["sha256"] == index["weights"]["sha256"], name
        stored = load_np(str(root / f"{name}.safetensors"))
        assert set(stored) == set(tensors), name
        for k, v in tensors.items():
            np.testing.assert_allclose(stored[k], v.numpy(), rtol=1e-5, atol=1e-5, err_msg=k)
        last = index["layers"][-1]["tensor"]
        np.testing.assert_array_equal(stored[last], stored["coefficients"])
        np.testing.assert_array_equal(stored["mask"], (stored["values"] > 0).astype(np.uint8))
        assert 0 < stored["mask"].mean() < 1


def test_generated_weights_fill_every_tensor():
    m = build_model("unet-implicit", 16, 1, 1, 2, 2)
    entries, digest = generate_weights(m, 3)
    names = [k for k in m.state_dict() if not k.endswith("num_batches_tracked")]
    assert [e["name"] for e in entries] == names
    rv = m.state_dict()["encoder.0.conv1.bn.running_var"]
    assert (rv >= 0.5).all() and (rv <= 2.0).all() and rv.std() > 0


def test_shipped_golden_fixtures_are_current(tmp_path):
    # Every shipped model has a fixture made from its committed weights; regenerating it gives
    # the committed tensors (PyTorch on this CPU), so a retrained model cannot keep a stale one.
    from pathlib import Path
    from safetensors.numpy import load_file as load_np
    repo = Path(export_golden.__file__).resolve().parents[1]
    root = repo / "Tests" / "Fixtures" / "golden-shipped"
    specs = sorted((repo / "weights").glob("*.json"))
    assert specs
    export_golden.main(["--shipped", *map(str, specs), "--out", str(tmp_path)])
    for spec in specs:
        name = spec.stem
        index = json.loads((root / f"{name}.json").read_text())
        assert index["weights"]["sha256"] == json.loads(spec.read_text())["sha256"], name
        stored, fresh = load_np(str(root / f"{name}.safetensors")), load_np(str(tmp_path / f"{name}.safetensors"))
        assert set(stored) == set(fresh), name
        for k in stored:
            if k == "mask":  # pixels with |F| ~ 1e-7 may flip with the CPU's rounding
                assert np.mean(stored[k] != fresh[k]) <= 1e-4, name
            else:
                np.testing.assert_allclose(stored[k], fresh[k], rtol=1e-5, atol=1e-5,
                                           err_msg=f"{name} {k}")
        np.testing.assert_array_equal(stored["mask"], (stored["values"] > 0).astype(np.uint8))
        assert 0.05 < stored["mask"].mean() < 0.5
