import numpy as np
import pytest
import torch
import torch.nn.functional as F

from splineseg_train import preprocess as pp
from splineseg_train.collocation import collocation_matrix


def test_resize_matches_torch_align_corners():
    a = np.random.default_rng(0).normal(size=(13, 13))
    ours = pp._resize(a, 8)
    ref = F.interpolate(torch.from_numpy(a)[None, None], size=(8, 8), mode="bilinear",
                        align_corners=True)[0, 0].numpy()
    np.testing.assert_allclose(ours, ref, atol=1e-12)


def test_zscore_and_padding_geometry():
    cfg = pp.make_config(8)
    x = np.arange(15, dtype=float).reshape(3, 5)   # H=3, W=5 -> S=5, top=(5-3)//2=1, left=0
    assert pp.square_geometry(3, 5) == (5, 1, 0)
    assert pp.square_geometry(4, 7) == (7, 1, 0)   # S-H = 3: odd pixel goes to the bottom
    z = pp.normalize(x, cfg)
    assert abs(z.mean()) < 1e-12 and abs(z.std() - 1) < 1e-12
    sq = pp._to_square(z, cfg)
    assert sq.shape == (5, 5) and (sq[0] == 0).all() and (sq[4] == 0).all()
    np.testing.assert_allclose(sq[1:4], z)
    assert pp.preprocess_image(x, cfg).shape == (8, 8)
    # constant slice: std floor avoids division by zero
    assert np.isfinite(pp.preprocess_image(np.ones((4, 4)), cfg)).all()


def test_native_basis_is_padded_square_collocation():
    # The native rows are the square grid's rows at r + top (DESIGN s = (O-p)(r+top)/(S-1)).
    cfg = pp.make_config(16)
    ur, uc = pp.native_basis(7, 11, 6, 2, cfg)
    s_full = collocation_matrix(11, 6, 2)
    np.testing.assert_allclose(uc, s_full)
    np.testing.assert_allclose(ur, s_full[2:9])   # top = (11-7)//2 = 2
    # a square slice of size I maps exactly onto the training grid
    ur, uc = pp.native_basis(16, 16, 4, 1, cfg)
    np.testing.assert_allclose(ur, collocation_matrix(16, 4, 1))


def test_mask_preprocessing_threshold():
    cfg = pp.make_config(4)
    m = np.zeros((4, 4), np.uint8)
    m[:2, :2] = 1
    assert pp.preprocess_mask(m, cfg).tolist() == m.tolist()   # same size: unchanged


def test_errors():
    with pytest.raises(ValueError, match="NaN"):
        pp.normalize(np.array([[1.0, np.nan]]), pp.make_config(4))
    with pytest.raises(ValueError, match="window"):
        pp.make_config(4, intensity="window")
    w = pp.make_config(4, intensity="window", window=(0, 10))
    assert pp.normalize(np.array([[-5.0, 5.0, 20.0]]), w).tolist() == [[0.0, 0.5, 1.0]]
