"""tools/bench_peers.py pieces that need only torch (no optional engine is imported)."""
import json
import sys

import pytest

import bench_peers as bp
from splineseg_train.networks import build_model


def conv_block_macs(cin, cout, s):
    return s * s * cout * cin * 9


def test_flop_count_unet_by_hand():
    # UNetImplicit(d=1, b=2, f=4) at I=8, counted by hand:
    #  encoder 0 (8x8): 1->4, 4->4; pool -> 4x4; encoder 1 (4x4): 4->8, 8->8; pool to 2x2
    #  decoder 0: upconv 8->4 2x2 stride 2 on 2x2 input (4 px x 8 x 4 x 4 taps),
    #  cat [skip 4, up 4] at 4x4, 8->4, 4->4; head 1x1 4->1 at 4x4.
    hand = (conv_block_macs(1, 4, 8) + conv_block_macs(4, 4, 8) + conv_block_macs(4, 8, 4)
            + conv_block_macs(8, 8, 4) + 4 * 8 * 4 * 4 + conv_block_macs(8, 4, 4)
            + conv_block_macs(4, 4, 4) + 16 * 4)
    assert hand == 32832
    assert bp.conv_macs(build_model("unet-implicit", 8, 1, 1, 2, 4), 8) == hand


def test_flop_count_vgg1_by_hand():
    i = 16  # blocks 1-3 at 16, 8, 4; head 1x1 256->16->1 at 4x4
    hand = (conv_block_macs(1, 64, 16) + conv_block_macs(64, 64, 16)
            + conv_block_macs(64, 128, 8) + conv_block_macs(128, 128, 8)
            + conv_block_macs(128, 256, 4) + 2 * conv_block_macs(256, 256, 4)
            + 16 * 256 * 16 + 16 * 16)
    assert bp.conv_macs(build_model("vgg-implicit1", i, 1), i) == hand


def test_parse_configs():
    assert bp.parse_config("vgg1-i512") == {
        "architecture": "vgg-implicit1", "input": 512, "coefficients": 128, "degree": 1,
        "depth": None, "bottleneck": None, "filters": None}
    assert bp.parse_config("vgg2-i512")["coefficients"] == 64
    c = bp.parse_config("unet-d4b8f64-i512")
    assert (c["architecture"], c["depth"], c["bottleneck"], c["filters"], c["coefficients"]) == \
        ("unet-implicit", 4, 8, 64, 128)
    assert bp.parse_config("unet-d4b4f8-i128")["coefficients"] == 64
    assert all(bp.parse_config(n) for n in bp.DEFAULT_CONFIGS)
    for bad in ("vgg3-i512", "unet-d4b8-i512", "resnet"):
        with pytest.raises(ValueError, match="unknown configuration"):
            bp.parse_config(bad)
    with pytest.raises(ValueError, match="divisible"):
        bp.parse_config("unet-d4b8f64-i500")
    assert bp.split_list(["a,b", "c", "d,,"]) == ["a", "b", "c", "d"]


def test_random_model_has_nontrivial_batchnorm():
    import torch
    m = bp.make_model(bp.parse_config("unet-d1b2f4-i8"), seed=3)
    bn = m.encoder[0].conv1.bn
    assert not m.training
    assert not torch.allclose(bn.running_var, torch.ones_like(bn.running_var))
    assert not torch.allclose(bn.running_mean, torch.zeros_like(bn.running_mean))
    assert not torch.allclose(bn.weight, torch.ones_like(bn.weight))
    m2 = bp.make_model(bp.parse_config("unet-d1b2f4-i8"), seed=3)
    assert all(torch.equal(a, b) for a, b in zip(m.state_dict().values(),
                                                  m2.state_dict().values()))


def test_torch_only_run(tmp_path, capsys):
    # End to end on a tiny config with only the torch engine: prepares the model, times it in a
    # subprocess, prints the table and writes JSON. Imports no optional engine.
    out = tmp_path / "r.json"
    before = set(sys.modules)
    assert bp.main(["--configs", "unet-d1b2f4-i16", "--engines", "torch", "--runs", "20", "--threads", "1",
                    "--models-dir", str(tmp_path / "models"), "--json", str(out)]) == 0
    r = json.loads(out.read_text())
    (res,) = r["results"]
    assert res["status"] == "ok", res
    assert res["engine"] == "torch" and res["config"] == "unet-d1b2f4-i16"
    assert len(res["times_ms"]) == 20
    assert 0 < res["min_ms"] <= res["median_ms"] <= res["max_ms"]
    assert res["rel_err"] < 1e-6
    assert res["macs"] == bp.conv_macs(bp.make_model(bp.parse_config("unet-d1b2f4-i16")), 16)
    assert res["gflops"] > 0
    if r["peak_gflops"]["start"] is not None:  # needs gcc; then % of peak is reported
        assert r["peak_gflops"]["start"] > 0 and res["pct_peak"] > 0
    assert "unet-d1b2f4-i16" in capsys.readouterr().out
    for m in ("onnxruntime", "openvino", "ncnn", "pnnx"):
        assert m in before or m not in sys.modules


def test_rounds_pool_times_and_alternate(tmp_path):
    # Two rounds of torch: 2 x runs pooled times, one median per round.
    out = tmp_path / "r.json"
    assert bp.main(["--configs", "unet-d1b2f4-i16", "--engines", "torch", "--runs", "6", "--rounds", "2",
                    "--threads", "1", "--models-dir", str(tmp_path / "models"), "--json", str(out)]) == 0
    r = json.loads(out.read_text())
    (res,) = r["results"]
    assert res["status"] == "ok", res
    assert r["rounds"] == 2 and len(res["times_ms"]) == 12 and len(res["round_medians_ms"]) == 2
    assert res["min_ms"] <= min(res["round_medians_ms"]) <= max(res["round_medians_ms"]) <= res["max_ms"]


def test_pool_rounds():
    ok = lambda ts: {"status": "ok", "times_ms": ts, "median_ms": sorted(ts)[len(ts) // 2], "rel_err": 0.0}
    p = bp.pool_rounds([ok([3.0, 1.0, 2.0]), ok([10.0, 11.0, 12.0])])
    assert p["times_ms"] == [3.0, 1.0, 2.0, 10.0, 11.0, 12.0]
    assert (p["min_ms"], p["max_ms"], p["median_ms"]) == (1.0, 12.0, 6.5)
    assert p["round_medians_ms"] == [2.0, 11.0]
    bad = {"status": "failed", "error": "x"}
    assert bp.pool_rounds([ok([1.0]), bad])["status"] == "failed"


def test_time_runs_counts():
    calls = []
    ts = bp.time_runs(lambda: calls.append(1), runs=20, warmup=3, min_warmup_s=0.0)
    assert len(ts) == 20 and len(calls) == 23



def test_interleaved_torch_only(tmp_path):
    # --interleave keeps the engine loaded in a --serve child and takes one timed call per cycle:
    # runs x rounds times, one median per round, the same JSON fields as the plain mode.
    out = tmp_path / "r.json"
    assert bp.main(["--interleave", "--configs", "unet-d1b2f4-i16", "--engines", "torch", "--runs", "4",
                    "--rounds", "2", "--turn-warmup", "1", "--gap-ms", "0", "--threads", "1",
                    "--models-dir", str(tmp_path / "models"), "--json", str(out)]) == 0
    r = json.loads(out.read_text())
    (res,) = r["results"]
    assert res["status"] == "ok", res
    assert r["interleave"] and res["interleaved"]
    assert len(res["times_ms"]) == 8 and len(res["round_medians_ms"]) == 2
    assert 0 < res["min_ms"] <= res["median_ms"] <= res["max_ms"]
    assert res["rel_err"] < 1e-6


def test_serve_child_protocol(tmp_path):
    # The --serve child: READY {json} after the check, then one "T <ms>" line per "run W".
    import subprocess
    models = tmp_path / "models"
    bp.prepare_config("unet-d1b2f4-i16", models, ["torch"], 1)
    p = subprocess.run([sys.executable, bp.__file__, "--child", "torch", "--serve", "--configs",
                        "unet-d1b2f4-i16", "--models-dir", str(models), "--threads", "1", "--warmup", "1"],
                       input="run 0\nrun 2\nquit\n", capture_output=True, text=True, timeout=300)
    lines = [x for x in p.stdout.splitlines() if x.startswith(("READY ", "T "))]
    assert len(lines) == 3 and lines[0].startswith("READY "), p.stdout + p.stderr
    assert json.loads(lines[0][6:])["status"] == "ok"
    assert all(float(x[2:]) > 0 for x in lines[1:])


def test_cycle_ratios():
    c = bp.cycle_ratios([1.0, 2.0, 1.0, 4.0], [2.0, 2.0, 1.5, 2.0])
    assert c["median"] == 1.25 and c["min"] == 0.5 and c["share_1_5"] == 0.5
    assert c["p10"] == 0.5 and c["p90"] == 2.0
    assert bp.cycle_ratios([1.0], [1.0, 2.0]) is None and bp.cycle_ratios([], []) is None
