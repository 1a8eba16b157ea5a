"""Shared test helpers: import path, 2 threads, tiny synthetic NIfTI/PNG data sets."""
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
torch.set_num_threads(2)


def disk_volume(h, w, k, seed):
    """Image (H, W, K) float and mask uint8: a disk of varying radius on noise."""
    rng = np.random.default_rng(seed)
    r, c = np.mgrid[0:h, 0:w]
    img = np.zeros((h, w, k))
    msk = np.zeros((h, w, k), np.uint8)
    for i in range(k):
        rad = 2.0 + 0.6 * i  # slice 0 is small, later ones grow
        cy, cx = h / 2 + rng.uniform(-2, 2), w / 2 + rng.uniform(-2, 2)
        m = (r - cy) ** 2 + (c - cx) ** 2 < rad ** 2
        msk[:, :, i] = m
        img[:, :, i] = 100 + 80 * m + rng.normal(0, 10, (h, w))
    return img, msk


def write_nifti_set(root: Path, n=4, shape=(18, 22, 6), seed=0):
    import nibabel as nib
    (root / "images").mkdir(parents=True)
    (root / "masks").mkdir()
    for i in range(n):
        img, msk = disk_volume(*shape, seed=seed + i)
        aff = np.diag([0.5, 0.5, 1.0, 1.0])
        nib.save(nib.Nifti1Image(img.astype(np.float32), aff), root / "images" / f"c{i}.nii.gz")
        nib.save(nib.Nifti1Image(msk, aff), root / "masks" / f"c{i}.nii.gz")
    return root


@pytest.fixture
def nifti_set(tmp_path):
    return write_nifti_set(tmp_path / "set")
