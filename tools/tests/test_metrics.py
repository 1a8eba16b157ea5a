import math

import numpy as np
import pytest

from splineseg_train.metrics import surface, volume_metrics


def test_overlap_metrics_by_hand():
    gt = np.zeros((4, 4, 1), bool)
    gt[0:2, 0:2] = True            # 4 voxels
    pred = np.zeros_like(gt)
    pred[0:2, 0:3] = True          # 6 voxels, 4 overlap
    m = volume_metrics(pred, gt, (1, 1, 1))
    assert m["dice"] == pytest.approx(2 * 4 / 10)
    assert m["jaccard"] == pytest.approx(4 / 6)
    assert m["accuracy"] == pytest.approx(14 / 16)  # 2 false positives of 16


def test_distances_by_hand():
    # Single voxels are their own surface; gt at (0,0,0), pred at (0,3,0), spacing 2 mm in y.
    gt = np.zeros((1, 5, 1), bool)
    pred = np.zeros_like(gt)
    gt[0, 0, 0] = True
    pred[0, 3, 0] = True
    m = volume_metrics(pred, gt, (1.0, 2.0, 1.0))
    assert m["hd"] == pytest.approx(6.0) and m["assd"] == pytest.approx(6.0)
    assert m["hd95"] == pytest.approx(6.0)


def test_hd95_is_percentile_of_both_directions():
    # gt: voxels at x=0 and x=10; pred: x=0 only. Directed distances: pred->gt [0],
    # gt->pred [0, 10] -> concatenated [0, 0, 10]: max 10, mean 10/3, 95th pct 0+0.9*10 = 9.
    gt = np.zeros((1, 11, 1), bool)
    gt[0, [0, 10], 0] = True
    pred = np.zeros_like(gt)
    pred[0, 0, 0] = True
    m = volume_metrics(pred, gt, (1, 1, 1))
    assert m["hd"] == pytest.approx(10.0)
    assert m["assd"] == pytest.approx(10 / 3)
    assert m["hd95"] == pytest.approx(9.0)


def test_surface_uses_cross_erosion_with_border():
    m = np.ones((3, 3, 3), bool)
    s = surface(m)
    assert s.sum() == 26 and not s[1, 1, 1]  # only the centre is interior; border counts


def test_empty_conventions():
    e = np.zeros((3, 3, 2), bool)
    f = e.copy()
    f[1, 1, 0] = True
    both = volume_metrics(e, e, (1, 1, 1))
    assert both["dice"] == 1.0 and both["hd"] == 0.0 and both["assd"] == 0.0
    one = volume_metrics(e, f, (1, 1, 1))
    assert one["dice"] == 0.0 and math.isinf(one["hd"]) and math.isinf(one["hd95"])


def test_shape_mismatch():
    with pytest.raises(ValueError, match="differs"):
        volume_metrics(np.zeros((2, 2, 1)), np.zeros((2, 3, 1)), (1, 1, 1))
