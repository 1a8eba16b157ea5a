#!/usr/bin/env python3
"""Golden values for SplineCore from an independent reference (scipy.interpolate.BSpline).

Writes Tests/Fixtures/spline_golden.json. Definitions follow DESIGN.md section 1:
open uniform knots t = (0 x (p+1), 1, ..., O-p-1, O-p x (p+1)); pixel i of an n-point axis sits at
s_i = (O-p) i / (n-1) (n = 1: s = 0); F(x, y) = sum_kl C[k, l] B_k(y) B_l(x), C row-major (row = y).

Right end point: DESIGN.md closes the last interval, so at s = O-p the last basis function is 1.
scipy's BSpline.design_matrix (extrapolate=False) and BSpline(...)(x) with extrapolate=True both
evaluate s = t[n] = O-p on the last non-empty interval, which gives exactly that; the script checks
it explicitly (assert below) rather than relying on it silently. Derivatives at an interior knot
are one-sided in scipy (right interval), so derivative points avoid interior knots except the two
end points, where the only interval is unambiguous.

Usage: python3 tools/make_spline_fixture.py   (from the repository root; deterministic, seed 1234)
"""
import json
import os

import numpy as np
from scipy.interpolate import BSpline

SEED = 1234
# (I, O, p): collocation cases, including degenerate ones (I = 1, I = 2, O = p + 1).
COLLOCATION_CASES = [
    (7, 4, 0), (16, 5, 1), (33, 8, 2), (64, 16, 3), (50, 12, 1), (10, 10, 3),
    (1, 4, 2), (2, 3, 1), (9, 1, 0), (13, 4, 3), (40, 7, 2),
]
# (H, W, O, p): small grid evaluations Z = U_H C U_W^T for a seeded random C.
GRID_CASES = [(16, 16, 5, 1), (33, 20, 8, 2), (12, 17, 6, 3), (7, 9, 4, 0), (1, 11, 5, 2), (10, 10, 10, 3)]
# (O, p): point values and partial derivatives at random and end points (parameter space).
POINT_CASES = [(5, 1), (8, 2), (7, 3), (4, 0), (12, 3)]


def knots(O, p):
    return np.array([0.0] * (p + 1) + [float(v) for v in range(1, O - p)] + [float(O - p)] * (p + 1))


def params(n, O, p):
    if n == 1:
        return np.array([0.0])
    return (O - p) * np.arange(n, dtype=np.float64) / (n - 1)


def design(n, O, p):
    t = knots(O, p)
    s = params(n, O, p)
    D = BSpline.design_matrix(s, t, p, extrapolate=False).toarray()
    assert D.shape == (n, O)
    assert np.allclose(D.sum(axis=1), 1.0, atol=1e-14), "partition of unity"
    if n > 1:
        last = np.zeros(O)
        last[-1] = 1.0
        assert np.array_equal(D[-1], last), "closed last interval: last basis must be 1 at s = O-p"
    return D


def basis_funcs(O, p):
    """Vector-valued spline whose components are the O basis functions (and its derivative)."""
    t = knots(O, p)
    b = BSpline(t, np.eye(O), p, extrapolate=True)
    db = b.derivative(1) if p > 0 else None
    return b, db


def sparse_rows(D):
    """Per row: first nonzero column and the run of values from there (the band)."""
    rows = []
    for r in D:
        nz = np.nonzero(r)[0]
        first = int(nz[0])
        last = int(nz[-1])
        rows.append({"first": first, "values": [float(v) for v in r[first:last + 1]]})
    return rows


def main():
    rng = np.random.default_rng(SEED)
    out = {
        "generator": "tools/make_spline_fixture.py (scipy %s, numpy %s, seed %d)"
        % (__import__("scipy").__version__, np.__version__, SEED),
        "collocation": [],
        "grid": [],
        "points": [],
    }
    for n, O, p in COLLOCATION_CASES:
        D = design(n, O, p)
        out["collocation"].append({"points": n, "coefficients": O, "degree": p, "rows": sparse_rows(D)})
    for H, W, O, p in GRID_CASES:
        C = rng.uniform(-1.0, 1.0, size=(O, O)).astype(np.float32)
        Z = design(H, O, p) @ C.astype(np.float64) @ design(W, O, p).T
        out["grid"].append({
            "rows": H, "cols": W, "coefficients": O, "degree": p,
            "C": [float(v) for v in C.ravel()], "Z": [float(v) for v in Z.ravel()],
        })
    for O, p in POINT_CASES:
        C = rng.uniform(-1.0, 1.0, size=(O, O)).astype(np.float32)
        Cd = C.astype(np.float64)
        b, db = basis_funcs(O, p)
        L = float(O - p)
        pts = [(0.0, 0.0), (L, L), (0.0, L), (L, 0.0)]
        while len(pts) < 12:
            x, y = rng.uniform(0.0, L, size=2)
            if p > 0 and (abs(x - round(x)) < 1e-3 or abs(y - round(y)) < 1e-3):
                continue  # one-sided derivatives at interior knots
            pts.append((float(x), float(y)))
        vals = []
        for x, y in pts:
            bx, by = b(x), b(y)
            f = float(by @ Cd @ bx)
            if db is not None:
                dx = float(by @ Cd @ db(x))
                dy = float(db(y) @ Cd @ bx)
            else:
                dx = dy = 0.0
            vals.append({"x": x, "y": y, "f": f, "dfdx": dx, "dfdy": dy,
                         "basis_x": [float(v) for v in bx],
                         "dbasis_x": [float(v) for v in (db(x) if db is not None else np.zeros(O))]})
        out["points"].append({"coefficients": O, "degree": p, "C": [float(v) for v in C.ravel()], "values": vals})

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    path = os.path.join(root, "Tests", "Fixtures", "spline_golden.json")
    text = json.dumps(out, separators=(",", ":"))
    assert len(text) < 300_000, "fixture must stay small"
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    print("wrote %s (%d bytes)" % (path, len(text)))


if __name__ == "__main__":
    main()
