import json

import numpy as np
import pytest

from splineseg_train import data as ds
from splineseg_train import preprocess as pp


def test_discover_and_load_with_cache(nifti_set, tmp_path):
    cases = ds.discover(nifti_set)
    assert [c.name for c in cases] == ["c0", "c1", "c2", "c3"]
    cfg = pp.make_config(16)
    v = ds.load_case(cases[0], cfg, tmp_path / "cache")
    assert v["x"].shape == (6, 16, 16) and v["y"].shape == (6, 16, 16)
    assert v["mask"].shape == (18, 22, 6) and v["spacing"] == (0.5, 0.5, 1.0)
    again = ds.load_case(cases[0], cfg, tmp_path / "cache")  # from the cache (memory-mapped)
    assert isinstance(again["x"], np.memmap)
    np.testing.assert_array_equal(again["x"], v["x"])


def test_png_dir(tmp_path):
    from PIL import Image
    (tmp_path / "images").mkdir()
    (tmp_path / "masks").mkdir()
    img = (np.arange(12 * 10).reshape(12, 10) % 256).astype(np.uint8)
    msk = np.zeros((12, 10), np.uint8)
    msk[3:6, 2:5] = 255
    Image.fromarray(img).save(tmp_path / "images" / "a.png")
    Image.fromarray(msk).save(tmp_path / "masks" / "a.png")
    (case,) = ds.discover(tmp_path)
    im, m, spacing = ds.read_case(case)
    assert im.shape == (12, 10, 1) and m.sum() == 9 and spacing == (1.0, 1.0, 1.0)
    np.testing.assert_array_equal(im[:, :, 0], img)


def test_missing_and_empty_data(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        ds.discover(tmp_path / "nope")
    with pytest.raises(FileNotFoundError, match="images/ and masks/"):
        ds.discover(tmp_path)
    (tmp_path / "images").mkdir()
    (tmp_path / "masks").mkdir()
    with pytest.raises(FileNotFoundError, match="holds no"):
        ds.discover(tmp_path)


def test_missing_mask_shape_mismatch_and_nan(tmp_path):
    import nibabel as nib
    (tmp_path / "images").mkdir()
    (tmp_path / "masks").mkdir()
    eye = np.eye(4)
    nib.save(nib.Nifti1Image(np.zeros((4, 5, 2), np.float32), eye), tmp_path / "images/a.nii.gz")
    with pytest.raises(FileNotFoundError, match="has no mask"):
        ds.discover(tmp_path)
    nib.save(nib.Nifti1Image(np.zeros((4, 6, 2), np.uint8), eye), tmp_path / "masks/a.nii.gz")
    (case,) = ds.discover(tmp_path)
    with pytest.raises(ValueError, match="must match voxel for voxel"):
        ds.read_case(case)
    bad = np.zeros((4, 6, 2), np.float32)
    bad[0, 0, 0] = np.nan
    nib.save(nib.Nifti1Image(bad, eye), tmp_path / "images/a.nii.gz")
    with pytest.raises(ValueError, match="NaN"):
        ds.read_case(case)


def test_split_is_volume_wise_and_seeded(tmp_path):
    names = [f"v{i:02d}" for i in range(20)]
    s1, s2 = ds.make_split(names, 4, 7), ds.make_split(list(reversed(names)), 4, 7)
    assert s1 == s2 and len(s1["val"]) == 4 and not set(s1["val"]) & set(s1["train"])
    p = tmp_path / "s.json"
    p.write_text(json.dumps({"train": ["a", "b"], "val": ["b"]}))
    with pytest.raises(ValueError, match="both train and val"):
        ds.load_split(p)


def test_empty_fraction(nifti_set):
    cfg = pp.make_config(16)
    vols = [ds.load_case(c, cfg, None) for c in ds.discover(nifti_set)[:2]]
    for v in vols:  # make the last two slices empty
        v["mask"] = np.array(v["mask"])
        v["mask"][:, :, 4:] = 0
    assert len(ds.slice_index(vols, 1.0, 0)) == 12
    assert len(ds.slice_index(vols, 0.0, 0)) == 8


def test_committed_la2018_split():
    from splineseg_train import paths
    s = ds.load_split(paths.SPLITS / "la2018.json")
    assert len(s["train"]) == 64 and len(s["val"]) == 16 and s["seed"] == 0
    assert s == {**ds.make_split(s["train"] + s["val"], 16, 0), "dataset": "la2018"}
