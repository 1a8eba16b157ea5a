import json
from pathlib import Path

import numpy as np
import pytest
import torch
from scipy.interpolate import BSpline

from splineseg_train.collocation import (basis_matrix, collocation_matrix, evaluate,
                                         open_uniform_knots)


def test_knots_follow_design():
    # O = 5, p = 2: (0,0,0, 1,2, 3,3,3), length O+p+1 = 8.
    assert open_uniform_knots(5, 2).tolist() == [0, 0, 0, 1, 2, 3, 3, 3]
    assert open_uniform_knots(3, 0).tolist() == [0, 1, 2, 3]


@pytest.mark.parametrize("p", [0, 1, 2, 3])
@pytest.mark.parametrize("o", [4, 7])
def test_basis_matches_scipy_including_right_end(p, o):
    t = open_uniform_knots(o, p)
    s = np.concatenate([np.linspace(0, o - p, 23), [0.5, o - p - 0.25]])
    ours = basis_matrix(s, o, p)
    # Reference: scipy's spline on the full knot vector with unit coefficients e_k (scipy
    # uses half-open intervals and includes the right end point in the last one, as DESIGN).
    for k in range(o):
        ref = BSpline(t, np.eye(o)[k], p, extrapolate=False)(s)
        assert not np.isnan(ref).any()
        np.testing.assert_allclose(ours[:, k], ref, atol=1e-12, err_msg=f"k={k}")
    assert ours[s == o - p, o - 1].tolist() == [1.0]  # last basis function is 1 at the end
    # Also the full-spline evaluation of scipy (which does include the right end point).
    c = np.random.default_rng(p).normal(size=o)
    np.testing.assert_allclose(ours @ c, BSpline(t, c, p)(s), atol=1e-12)


@pytest.mark.parametrize("i,o,p", [(16, 4, 1), (32, 8, 3), (9, 9, 0), (64, 16, 2)])
def test_collocation_properties(i, o, p):
    u = collocation_matrix(i, o, p)
    assert u.shape == (i, o)
    np.testing.assert_allclose(u.sum(axis=1), 1.0, atol=1e-12)
    assert ((u != 0).sum(axis=1) <= p + 1).all()
    assert u[0, 0] == 1.0 and u[-1, -1] == 1.0  # interpolates at both ends
    # pixel i sits at s_i = (O-p) i/(I-1): check one interior row against a direct evaluation
    np.testing.assert_allclose(u[i // 3], basis_matrix([(o - p) * (i // 3) / (i - 1)], o, p)[0])


def test_p0_is_piecewise_constant():
    # O = 4, p = 0, I = 5: s = 0, 1, 2, 3, 4 -> intervals 0,1,2,3 and the closed last one.
    u = collocation_matrix(5, 4, 0)
    assert u.argmax(axis=1).tolist() == [0, 1, 2, 3, 3]


def test_two_pass_evaluation_matches_dense_and_backpropagates():
    rng = np.random.default_rng(0)
    uh = torch.from_numpy(collocation_matrix(10, 4, 2))
    uw = torch.from_numpy(collocation_matrix(7, 4, 2))
    c = torch.from_numpy(rng.normal(size=(3, 1, 4, 4))).requires_grad_()
    z = evaluate(c, uh, uw)
    assert z.shape == (3, 1, 10, 7)
    dense = torch.einsum("ik,nckl,jl->ncij", uh, c, uw)
    torch.testing.assert_close(z, dense)
    z.sum().backward()
    assert c.grad is not None and torch.isfinite(c.grad).all()


def test_bad_degree_raises():
    with pytest.raises(ValueError, match="at least p\\+1"):
        collocation_matrix(8, 2, 3)
    with pytest.raises(ValueError, match="lie in"):
        basis_matrix([5.0], 4, 1)


def _swift_fixture():
    # The Swift core's golden file (made by tools/make_spline_fixture.py from scipy): the training
    # side and the runtime must agree on U for every (I, O, p) it lists.
    path = Path(__file__).resolve().parents[2] / "Tests" / "Fixtures" / "spline_golden.json"
    return json.loads(path.read_text())


def test_collocation_matches_swift_core_fixture():
    cases = _swift_fixture()["collocation"]
    assert len(cases) >= 8
    for case in cases:
        i, o, p = case["points"], case["coefficients"], case["degree"]
        u = collocation_matrix(i, o, p)
        ref = np.zeros((i, o))
        for r, row in enumerate(case["rows"]):
            ref[r, row["first"]:row["first"] + len(row["values"])] = row["values"]
        np.testing.assert_allclose(u, ref, atol=1e-9, err_msg=f"I={i} O={o} p={p}")


def test_evaluation_matches_swift_core_fixture():
    for case in _swift_fixture()["grid"]:
        h, w, o, p = case["rows"], case["cols"], case["coefficients"], case["degree"]
        c = torch.tensor(np.asarray(case["C"], dtype=np.float64).reshape(o, o))
        uh = torch.tensor(collocation_matrix(h, o, p))
        uw = torch.tensor(collocation_matrix(w, o, p))
        z = (uh @ c @ uw.T).numpy()
        np.testing.assert_allclose(z, np.asarray(case["Z"]).reshape(h, w), atol=1e-6,
                                   err_msg=f"{h}x{w} O={o} p={p}")
