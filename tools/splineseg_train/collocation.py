"""Tensor-product B-spline collocation (DESIGN section 1).

Open uniform knots on [0, O-p]; Cox-de Boor with 0/0 = 0 and the last interval closed so that
the last basis function is 1 at the right end point. Basis values are computed in float64 numpy
and converted to torch for the (differentiable) evaluation Z = U_H C U_W^T.
"""
from __future__ import annotations

import numpy as np
import torch


def check_degree(num_coeffs: int, degree: int) -> None:
    if degree < 0:
        raise ValueError(f"spline degree p must be >= 0, got {degree}")
    if num_coeffs < degree + 1:
        raise ValueError(
            f"need at least p+1 = {degree + 1} coefficients per axis for degree {degree}, "
            f"got O = {num_coeffs}; use a lower degree or a larger coefficient grid")


def open_uniform_knots(num_coeffs: int, degree: int) -> np.ndarray:
    """t = (0 x (p+1), 1, ..., O-p-1, (O-p) x (p+1)); length O+p+1."""
    check_degree(num_coeffs, degree)
    inner = np.arange(1, num_coeffs - degree, dtype=np.float64)
    end = float(num_coeffs - degree)
    return np.concatenate([np.zeros(degree + 1), inner, np.full(degree + 1, end)])


def basis_matrix(s: np.ndarray, num_coeffs: int, degree: int) -> np.ndarray:
    """B[i, k] = B_{k,p}(s_i) for parameters s (any shape-(n,) array in [0, O-p]) -> (n, O).

    Cox-de Boor recursion on the knot vector with 0/0 = 0; degree-0 indicator functions use
    half-open intervals [t_k, t_{k+1}) except the last non-empty one, which is closed, so that
    the right end point belongs to the last basis function.
    """
    s = np.asarray(s, dtype=np.float64).reshape(-1)
    t = open_uniform_knots(num_coeffs, degree)
    end = t[-1]
    if s.size and (s.min() < -1e-9 or s.max() > end + 1e-9):
        raise ValueError(f"spline parameters must lie in [0, {end}], got [{s.min()}, {s.max()}]")
    s = np.clip(s, 0.0, end)
    m = len(t) - 1  # number of degree-0 functions
    # Degree 0: indicator of [t_j, t_{j+1}); the last non-empty interval is [t_j, t_{j+1}].
    B = ((s[:, None] >= t[None, :-1]) & (s[:, None] < t[None, 1:])).astype(np.float64)
    last = max(j for j in range(m) if t[j] < t[j + 1])
    B[s == end, :] = 0.0
    B[s == end, last] = 1.0
    for q in range(1, degree + 1):
        n = m - q  # number of degree-q functions
        Bn = np.zeros((s.size, n))
        for k in range(n):
            d1 = t[k + q] - t[k]
            d2 = t[k + q + 1] - t[k + 1]
            left = (s - t[k]) / d1 * B[:, k] if d1 > 0 else 0.0       # 0/0 = 0
            right = (t[k + q + 1] - s) / d2 * B[:, k + 1] if d2 > 0 else 0.0
            Bn[:, k] = left + right
        B = Bn
    assert B.shape[1] == num_coeffs
    return B


def grid_parameters(num_points: int, num_coeffs: int, degree: int) -> np.ndarray:
    """s_i = (O-p) i / (n-1) for i = 0..n-1 (one point: s = 0)."""
    if num_points < 1:
        raise ValueError(f"grid needs at least one point, got {num_points}")
    if num_points == 1:
        return np.zeros(1)
    return (num_coeffs - degree) * np.arange(num_points, dtype=np.float64) / (num_points - 1)


def collocation_matrix(num_points: int, num_coeffs: int, degree: int) -> np.ndarray:
    """U (num_points x O) with U[i, k] = B_k(s_i), s_i = (O-p) i/(I-1)."""
    return basis_matrix(grid_parameters(num_points, num_coeffs, degree), num_coeffs, degree)


def evaluate(coeffs: torch.Tensor, u_rows: torch.Tensor, u_cols: torch.Tensor) -> torch.Tensor:
    """Z = U_rows C U_cols^T in two passes.

    coeffs (N, 1, O, O) or (N, O, O); u_rows (H, O); u_cols (W, O) -> Z with shape (N, 1, H, W)
    or (N, H, W) matching the input rank. Differentiable in coeffs.
    """
    tmp = torch.matmul(coeffs, u_cols.transpose(0, 1))  # (..., O, W): along columns first
    return torch.matmul(u_rows, tmp)                      # (..., H, W)


def collocation_tensor(num_points: int, num_coeffs: int, degree: int,
                       dtype=torch.float32) -> torch.Tensor:
    return torch.from_numpy(collocation_matrix(num_points, num_coeffs, degree)).to(dtype)
