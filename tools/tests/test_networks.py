import pytest
import torch

from splineseg_train.networks import build_model, coefficient_size

torch.manual_seed(0)


@pytest.mark.parametrize("i,d,b,f", [(16, 1, 2, 2), (32, 2, 2, 4), (48, 2, 3, 2), (64, 3, 4, 2),
                                     (32, 0, 4, 2), (64, 4, 4, 2)])
def test_unet_shapes(i, d, b, f):
    m = build_model("unet-implicit", i, 1, d, b, f).eval()
    with torch.no_grad():
        out = m(torch.randn(2, 1, i, i))
    assert out.shape == (2, 1, b * 2 ** d, b * 2 ** d) == (2, 1, *[coefficient_size(
        "unet-implicit", i, d, b)] * 2)


@pytest.mark.parametrize("arch,i,o", [("vgg-implicit1", 16, 4), ("vgg-implicit1", 24, 6),
                                      ("vgg-implicit2", 16, 2), ("vgg-implicit2", 24, 3)])
def test_vgg_shapes(arch, i, o):
    m = build_model(arch, i, 1).eval()
    with torch.no_grad():
        assert m(torch.randn(1, 1, i, i)).shape == (1, 1, o, o)


def test_state_dict_names_are_stable():
    names = set(build_model("unet-implicit", 16, 1, 1, 2, 2).state_dict())
    for n in ["encoder.0.conv1.conv.weight", "encoder.1.conv2.bn.running_var",
              "decoder.0.upconv.weight", "decoder.0.conv1.conv.bias", "head.weight"]:
        assert n in names, n
    v = set(build_model("vgg-implicit2", 16, 1).state_dict())
    for n in ["features.conv1_1.conv.weight", "features.conv4_3.bn.running_mean",
              "head.conv.weight", "head.bn.weight", "head.out.bias"]:
        assert n in v, n
    # VGG-16 channel plan: block 4 has 512 channels, head 512 -> 32 -> 1
    sd = build_model("vgg-implicit2", 16, 1).state_dict()
    assert sd["features.conv4_3.conv.weight"].shape == (512, 512, 3, 3)
    assert sd["head.conv.weight"].shape == (32, 512, 1, 1)
    assert sd["head.out.weight"].shape == (1, 32, 1, 1)


def test_unet_channel_plan():
    sd = build_model("unet-implicit", 32, 1, 2, 2, 4).state_dict()
    assert sd["encoder.2.conv2.conv.weight"].shape == (16, 16, 3, 3)    # f 2^d at the bottom
    assert sd["decoder.0.upconv.weight"].shape == (16, 8, 2, 2)         # halves channels
    assert sd["decoder.0.conv1.conv.weight"].shape == (8, 16, 3, 3)     # [skip, up] = 2c in
    assert sd["head.weight"].shape == (1, 4, 1, 1)


def test_invalid_sizes_raise_clear_errors():
    with pytest.raises(ValueError, match="divisible by 2\\^d\\*b = 32"):
        build_model("unet-implicit", 48, 1, 3, 4, 8)
    with pytest.raises(ValueError, match="divisible by 8"):
        build_model("vgg-implicit2", 20, 1)
    with pytest.raises(ValueError, match="O >= p\\+1"):
        build_model("vgg-implicit2", 16, 2)  # O = 2 < 3
    with pytest.raises(ValueError, match="unknown architecture"):
        build_model("resnet", 16, 1)
