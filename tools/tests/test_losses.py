import math

import pytest
import torch

from splineseg_train.losses import (EPS, accuracy_loss, dice_loss, get_loss, jaccard_loss,
                                    mask_mae, mask_mse, soft_mask)

# Two pixels: z = (1, -3), y = (1, 0) -> target 2y-1 = (1, -1).
Z = torch.tensor([1.0, -3.0], dtype=torch.float64)
Y = torch.tensor([1.0, 0.0], dtype=torch.float64)
# soft mask: (z/(eps+|z|)+1)/2 -> a = (1/1.0001+1)/2, b = (-3/3.0001+1)/2
A = (1 / (1 + EPS) + 1) / 2          # ~0.99995
B = (-3 / (3 + EPS) + 1) / 2         # ~0.0000167


def test_soft_mask():
    torch.testing.assert_close(soft_mask(Z), torch.tensor([A, B], dtype=torch.float64))
    assert soft_mask(torch.zeros(1)).item() == 0.5


def test_mask_mae_and_mse():
    # |1-1| = 0, |-3-(-1)| = 2 -> mean 1;  squares 0, 4 -> mean 2
    assert mask_mae(Z, Y).item() == pytest.approx(1.0)
    assert mask_mse(Z, Y).item() == pytest.approx(2.0)


def test_dice():
    # 1 - 2*(1*A) / ((1 + A) + (0 + B))
    assert dice_loss(Z, Y).item() == pytest.approx(1 - 2 * A / (1 + A + B), abs=1e-12)


def test_jaccard():
    # 1 - A / ((1 + A - A) + (0 + B - 0)) = 1 - A / (1 + B)
    assert jaccard_loss(Z, Y).item() == pytest.approx(1 - A / (1 + B), abs=1e-12)


def test_accuracy():
    # per pixel 1 - y - zh + 2 y zh: y=1 -> A, y=0 -> 1 - B; loss = 1 - (A + 1 - B)/2
    assert accuracy_loss(Z, Y).item() == pytest.approx(1 - (A + 1 - B) / 2, abs=1e-12)


def test_dice_jaccard_defined_without_foreground():
    # All-background batch, prediction all background: 1 - 0/sum(zh) = 1, finite, and gradient
    # finite (the reference code divides by zero here).
    z = torch.full((2, 1, 4, 4), -1.0, requires_grad=True)
    y = torch.zeros(2, 1, 4, 4)
    for f in (dice_loss, jaccard_loss):
        loss = f(z, y)
        assert math.isfinite(loss.item()) and loss.item() == pytest.approx(1.0)
        (g,) = torch.autograd.grad(loss, z)
        assert torch.isfinite(g).all()


def test_perfect_prediction_is_near_zero():
    y = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    z = 2 * y - 1
    assert dice_loss(z, y).item() < 1e-3 and accuracy_loss(z, y).item() < 1e-3
    assert mask_mae(z, y).item() == 0.0


def test_unknown_loss():
    with pytest.raises(ValueError, match="unknown loss"):
        get_loss("hinge")
