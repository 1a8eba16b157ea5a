"""One real la2018 volume (the repo is cloned next to shared/, so data is ../shared/data)."""
import numpy as np
import torch

from splineseg_train import data as ds
from splineseg_train import paths
from splineseg_train import preprocess as pp
from splineseg_train.networks import build_model
from splineseg_train.predict import evaluate_volumes


def test_one_la2018_volume_end_to_end(tmp_path):
    cases = ds.discover(paths.DATA / "la2018")
    assert len(cases) == 80
    split = ds.load_split(paths.SPLITS / "la2018.json")
    assert sorted(split["train"] + split["val"]) == [c.name for c in cases]
    case = cases[0]
    img, msk, spacing = ds.read_case(case)
    assert img.shape[2] == 88 and 148 <= img.shape[0] <= 244 and 132 <= img.shape[1] <= 160
    assert spacing == (0.625, 0.625, 0.625) and msk.any()
    # scl_slope 0.001 applied: z-scores x1000 stored, so values are O(1), not O(1000)
    assert np.abs(img).max() < 50
    cfg = pp.make_config(64)
    vol = ds.load_case(case, cfg, tmp_path)
    assert vol["x"].shape == (88, 64, 64) and vol["x"].dtype == np.float32
    k = int(msk.sum(axis=(0, 1)).argmax())
    z = pp.normalize(img[:, :, k], cfg)
    assert abs(z.mean()) < 1e-9 and abs(z.std() - 1) < 1e-9
    torch.manual_seed(0)
    model = build_model("unet-implicit", 64, 1, 2, 2, 4)
    (row,) = evaluate_volumes(model, [vol], 1, cfg)
    assert row["name"] == case.name and 0 <= row["dice"] <= 1 and 0 <= row["accuracy"] <= 1
