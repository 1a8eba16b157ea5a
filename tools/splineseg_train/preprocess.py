"""Raw slice (H, W) -> network input (I, I), and the way back to the native grid.

Everything here is recorded in the model spec's `preprocessing` (see `spec()`), so the Swift
runtime can reproduce it exactly. All arithmetic is float64, results are cast to float32.

Intensity ("zscore-slice", default): x' = (x - mean) / max(std, std_floor), mean/std over the
native H x W slice (population std, ddof 0). Alternative ("window"): x' = clip((x-lo)/(hi-lo), 0, 1).

Geometry ("pad-square", default): S = max(H, W); the slice goes into an S x S square at
top = (S-H)//2, left = (S-W)//2 (the odd pixel of padding goes to the bottom/right), pad value 0
(after z-scoring = the slice mean); then bilinear resize S -> I with align_corners semantics:
output index i samples source coordinate x = i (S-1)/(I-1), x0 = floor(x), x1 = min(x0+1, S-1),
w = x - x0, value = (1-w) v[x0] + w v[x1], separably (rows first, then columns; the order does
not change the result beyond rounding). Going back: native pixel (r, c) sits at square
position (r + top, c + left), i.e. spline parameter s = (O-p)(r+top)/(S-1) (same for columns).
Alternative ("stretch"): resize H -> I and W -> I independently, s = (O-p) r/(H-1).
Masks are padded with 0, resized the same way, then thresholded > 0.5 (training target only).
"""
from __future__ import annotations

import numpy as np

from .collocation import basis_matrix, grid_parameters

INTENSITY_METHODS = ("zscore-slice", "window")
GEOMETRY_METHODS = ("pad-square", "stretch")


def make_config(input_size: int, intensity="zscore-slice", window=None, geometry="pad-square",
                std_floor=1e-6) -> dict:
    if intensity not in INTENSITY_METHODS:
        raise ValueError(f"unknown intensity preprocessing {intensity!r}; use {INTENSITY_METHODS}")
    if geometry not in GEOMETRY_METHODS:
        raise ValueError(f"unknown geometry {geometry!r}; use {GEOMETRY_METHODS}")
    if intensity == "window":
        if window is None or len(window) != 2 or not window[1] > window[0]:
            raise ValueError(f"intensity 'window' needs --window LO HI with HI > LO, got {window}")
        window = [float(window[0]), float(window[1])]
    return {"input": int(input_size), "intensity": intensity, "window": window,
            "std_floor": float(std_floor), "geometry": geometry}


def spec(cfg: dict) -> dict:
    """The model spec's `preprocessing` object: the parameters plus the exact recipe in words."""
    out = {
        "raw_values": "slice values as float64 after the file's own scaling (NIfTI: "
                      "scl_slope/scl_inter applied; PNG: 8-bit gray 0..255). NIfTI volumes are "
                      "sliced [:, :, k]; row index = first array axis, column = second.",
        "intensity": cfg["intensity"],
        "geometry": cfg["geometry"],
        "arithmetic": "float64, network input cast to float32",
        "resize": "bilinear, align_corners: out i samples x = i*(n_in-1)/(n_out-1), "
                  "x0 = floor(x), x1 = min(x0+1, n_in-1), w = x-x0, (1-w)*v[x0] + w*v[x1]; "
                  "separable (rows, then columns)",
        "mask_threshold": 0.0,
        "mask_rule": "foreground where F > 0 (F = 0 is background)",
    }
    if cfg["intensity"] == "zscore-slice":
        out["zscore"] = {"std_floor": cfg["std_floor"], "ddof": 0,
                         "formula": "(x - mean) / max(std, std_floor) over the native H x W slice"}
    else:
        out["window"] = {"lo": cfg["window"][0], "hi": cfg["window"][1],
                         "formula": "clip((x - lo) / (hi - lo), 0, 1)"}
    if cfg["geometry"] == "pad-square":
        out["pad_square"] = {
            "size": "S = max(H, W)", "top": "(S - H) // 2", "left": "(S - W) // 2",
            "odd_pixel": "bottom / right", "pad_value": 0.0,
            "then": "bilinear resize S x S -> I x I",
            "inverse": "native pixel (r, c) -> square (r + top, c + left); spline parameter "
                       "s = (O - p) * (r + top) / (S - 1), likewise for columns",
        }
    else:
        out["stretch"] = {"then": "bilinear resize H x W -> I x I (each axis separately)",
                          "inverse": "s = (O - p) * r / (H - 1), columns with W"}
    return out


def normalize(x: np.ndarray, cfg: dict) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    if not np.all(np.isfinite(x)):
        raise ValueError("slice contains NaN or infinite values; fix or exclude that image")
    if cfg["intensity"] == "zscore-slice":
        return (x - x.mean()) / max(float(x.std()), cfg["std_floor"])
    lo, hi = cfg["window"]
    return np.clip((x - lo) / (hi - lo), 0.0, 1.0)


def square_geometry(h: int, w: int) -> tuple[int, int, int]:
    """(S, top, left) for the pad-square geometry."""
    s = max(h, w)
    return s, (s - h) // 2, (s - w) // 2


def resize_matrix(n_in: int, n_out: int) -> np.ndarray:
    """(n_out, n_in) bilinear align_corners interpolation matrix."""
    if n_out == 1 or n_in == 1:
        m = np.zeros((n_out, n_in))
        m[:, 0] = 1.0
        return m
    x = np.arange(n_out, dtype=np.float64) * (n_in - 1) / (n_out - 1)
    x0 = np.minimum(np.floor(x).astype(int), n_in - 1)
    x1 = np.minimum(x0 + 1, n_in - 1)
    w = x - x0
    m = np.zeros((n_out, n_in))
    np.add.at(m, (np.arange(n_out), x0), 1.0 - w)
    np.add.at(m, (np.arange(n_out), x1), w)
    return m


def _to_square(a: np.ndarray, cfg: dict) -> np.ndarray:
    h, w = a.shape
    if cfg["geometry"] == "stretch":
        return a
    s, top, left = square_geometry(h, w)
    out = np.zeros((s, s), dtype=np.float64)  # pad value 0
    out[top:top + h, left:left + w] = a
    return out


def _resize(a: np.ndarray, n: int) -> np.ndarray:
    rows = resize_matrix(a.shape[0], n) @ a          # (n, W'): rows first
    return rows @ resize_matrix(a.shape[1], n).T     # (n, n)


def preprocess_image(x: np.ndarray, cfg: dict) -> np.ndarray:
    """(H, W) raw -> (I, I) float32 network input."""
    if x.ndim != 2:
        raise ValueError(f"expected a 2-D slice, got shape {x.shape}")
    return _resize(_to_square(normalize(x, cfg), cfg), cfg["input"]).astype(np.float32)


def preprocess_mask(m: np.ndarray, cfg: dict) -> np.ndarray:
    """(H, W) {0,1} -> (I, I) uint8 training target (same pad/resize, then > 0.5)."""
    m = (np.asarray(m) > 0).astype(np.float64)
    return (_resize(_to_square(m, cfg), cfg["input"]) > 0.5).astype(np.uint8)


def native_basis(h: int, w: int, num_coeffs: int, degree: int, cfg: dict):
    """(U_rows (H, O), U_cols (W, O)) evaluating the spline at the native pixels."""
    if cfg["geometry"] == "stretch":
        return (basis_matrix(grid_parameters(h, num_coeffs, degree), num_coeffs, degree),
                basis_matrix(grid_parameters(w, num_coeffs, degree), num_coeffs, degree))
    s, top, left = square_geometry(h, w)
    sq = grid_parameters(s, num_coeffs, degree)
    return (basis_matrix(sq[top:top + h], num_coeffs, degree),
            basis_matrix(sq[left:left + w], num_coeffs, degree))
