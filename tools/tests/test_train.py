import json

import pytest
import torch

from splineseg_train import checkpoint as ckpt
from splineseg_train.train import run

# Tiny UNet (d=1, b=2, f=4) at I=16, p=1 -> O=4 on the synthetic disk volumes.
BASE = ["--input", "16", "--depth", "1", "--bottleneck", "2", "--filters", "4", "--degree", "1",
        "--batch-size", "4", "--no-progress", "--threads", "2", "--split", "none",
        "--cache-dir", "none"]


def args(run_dir, data, *extra):
    return ["--run", str(run_dir), "--data", str(data), *BASE, *extra]


def test_short_training_lowers_loss(nifti_set, tmp_path):
    state = run(args(tmp_path / "r", nifti_set, "--epochs", "6", "--optimizer", "adam",
                     "--lr", "0.01", "--loss", "mask-mse"))
    losses = [h["loss"] for h in state["history"]]
    assert losses[-1] < 0.5 * losses[0], losses
    assert (tmp_path / "r" / "best.pt").is_file() and (tmp_path / "r" / "last.pt").is_file()
    hist = json.loads((tmp_path / "r" / "history.json").read_text())
    assert len(hist["history"]) == 6 and 0.0 <= hist["history"][-1]["val_mean_dice"] <= 1.0


def test_resume_matches_uninterrupted_run(nifti_set, tmp_path):
    extra = ["--loss", "jaccard", "--aug-flip", "--aug-rotate", "10", "--aug-intensity", "0.1"]
    full = run(args(tmp_path / "full", nifti_set, "--epochs", "3", *extra))
    run(args(tmp_path / "part", nifti_set, "--epochs", "1", *extra))  # "killed" after epoch 1
    resumed = run(args(tmp_path / "part", nifti_set, "--epochs", "3", "--resume", *extra))
    assert [h["loss"] for h in resumed["history"]] == [h["loss"] for h in full["history"]]
    a = ckpt.load(tmp_path / "full" / "last.pt")["model"]
    b = ckpt.load(tmp_path / "part" / "last.pt")["model"]
    for k in a:
        torch.testing.assert_close(a[k], b[k], rtol=0, atol=0, msg=k)


def test_resume_refuses_changed_settings_and_overwrite(nifti_set, tmp_path):
    run(args(tmp_path / "r", nifti_set, "--epochs", "1", "--max-batches", "1"))
    with pytest.raises(SystemExit, match="pass --resume"):
        run(args(tmp_path / "r", nifti_set, "--epochs", "1", "--max-batches", "1"))
    with pytest.raises(SystemExit, match="different settings"):
        run(args(tmp_path / "r", nifti_set, "--epochs", "2", "--max-batches", "1", "--lr", "0.1",
                 "--resume"))


def test_nan_loss_stops_with_message(nifti_set, tmp_path):
    with pytest.raises(SystemExit, match="loss became nan at epoch 1, batch 1 "):
        run(args(tmp_path / "r", nifti_set, "--epochs", "1", "--loss", "mask-mse",
                 "--lr", "1e30", "--max-batches", "3"))


def test_missing_data_dir(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        run(args(tmp_path / "r", tmp_path / "missing", "--epochs", "1"))
