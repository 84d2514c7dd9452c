"""EfficientNetB0 to B7 (``keras/src/applications/efficientnet.py``)."""

from __future__ import annotations

import math
from typing import Any

from ..args import Args
from ..derivation import Derivation
from .builder import AppModel, Builder, Tensor, decide
from .common import (
    application,
    check_classes,
    correct_pad,
    flag,
    image_input,
    is_imagenet,
    obtain_input_shape,
    standard_signature,
    top_or_pooling,
    validate_activation,
)

# (kernel_size, repeats, filters_in, filters_out, expand_ratio, id_skip, strides, se_ratio)
DEFAULT_BLOCKS_ARGS: list[dict[str, Any]] = [     # keyword arguments of ``block`` (and ``repeats``)
    dict(kernel_size=3, repeats=1, filters_in=32, filters_out=16, expand_ratio=1, id_skip=True,
         strides=1, se_ratio=0.25),
    dict(kernel_size=3, repeats=2, filters_in=16, filters_out=24, expand_ratio=6, id_skip=True,
         strides=2, se_ratio=0.25),
    dict(kernel_size=5, repeats=2, filters_in=24, filters_out=40, expand_ratio=6, id_skip=True,
         strides=2, se_ratio=0.25),
    dict(kernel_size=3, repeats=3, filters_in=40, filters_out=80, expand_ratio=6, id_skip=True,
         strides=2, se_ratio=0.25),
    dict(kernel_size=5, repeats=3, filters_in=80, filters_out=112, expand_ratio=6, id_skip=True,
         strides=1, se_ratio=0.25),
    dict(kernel_size=5, repeats=4, filters_in=112, filters_out=192, expand_ratio=6, id_skip=True,
         strides=2, se_ratio=0.25),
    dict(kernel_size=3, repeats=1, filters_in=192, filters_out=320, expand_ratio=6, id_skip=True,
         strides=1, se_ratio=0.25),
]

IMAGENET_STDDEV_RGB = [0.229, 0.224, 0.225]

# Keras name -> (width_coefficient, depth_coefficient, default_size, dropout_rate)
VARIANTS = {
    "B0": (1.0, 1.0, 224, 0.2), "B1": (1.0, 1.1, 240, 0.2), "B2": (1.1, 1.2, 260, 0.3),
    "B3": (1.2, 1.4, 300, 0.3), "B4": (1.4, 1.8, 380, 0.4), "B5": (1.6, 2.2, 456, 0.4),
    "B6": (1.8, 2.6, 528, 0.5), "B7": (2.0, 3.1, 600, 0.5),
}


def efficientnet(args: Args, b: Builder, width_coefficient: float, depth_coefficient: float, default_size: int,
                 dropout_rate: float = 0.2, drop_connect_rate: float = 0.2, depth_divisor: int = 8,
                 activation: str = "swish") -> AppModel:
    """``efficientnet.EfficientNet`` with the default blocks."""
    why = Derivation()
    include_top = flag(args, "include_top")
    weights, classes = args["weights"], args["classes"]
    imagenet = is_imagenet(weights)
    check_classes(args, 'If using `weights="imagenet"` with `include_top` as true, `classes` '
                        "should be 1000")
    input_shape = obtain_input_shape(args["input_shape"], default_size, 32, include_top, weights, why)
    img_input = image_input(b, args, input_shape)

    def round_filters(filters: float, divisor: int = depth_divisor) -> int:
        filters *= width_coefficient
        new_filters = max(divisor, int(filters + divisor / 2) // divisor * divisor)
        if new_filters < 0.9 * filters:
            new_filters += divisor
        return int(new_filters)

    def round_repeats(repeats: int) -> int:
        return int(math.ceil(depth_coefficient * repeats))

    x = b.layer("Rescaling", 1.0 / 255.0)(img_input)
    x = b.layer("Normalization", axis=3)(x)
    if decide(imagenet, "weights"):
        x = b.layer("Rescaling", [1.0 / math.sqrt(stddev) for stddev in IMAGENET_STDDEV_RGB])(x)
    x = b.layer("ZeroPadding2D", padding=correct_pad(x.shape, 3), name="stem_conv_pad")(x)
    x = b.layer("Conv2D", round_filters(32), 3, strides=2, padding="valid", use_bias=False,
                name="stem_conv")(x)
    x = b.layer("BatchNormalization", axis=3, name="stem_bn")(x)
    x = b.layer("Activation", activation, name="stem_activation")(x)

    blocks_args = [dict(a) for a in DEFAULT_BLOCKS_ARGS]
    done = 0
    blocks = float(sum(round_repeats(a["repeats"]) for a in blocks_args))
    for i, block_args in enumerate(blocks_args):
        block_args["filters_in"] = round_filters(block_args["filters_in"])
        block_args["filters_out"] = round_filters(block_args["filters_out"])
        for j in range(round_repeats(block_args.pop("repeats"))):
            if j > 0:
                block_args["strides"] = 1
                block_args["filters_in"] = block_args["filters_out"]
            x = block(b, x, activation, drop_connect_rate * done / blocks,
                      name=f"block{i + 1}{chr(j + 97)}_", **block_args)
            done += 1

    x = b.layer("Conv2D", round_filters(1280), 1, padding="same", use_bias=False, name="top_conv")(x)
    x = b.layer("BatchNormalization", axis=3, name="top_bn")(x)
    x = b.layer("Activation", activation, name="top_activation")(x)
    if include_top:
        x = b.layer("GlobalAveragePooling2D", name="avg_pool")(x)
        if dropout_rate > 0:
            x = b.layer("Dropout", dropout_rate, name="top_dropout")(x)
        validate_activation(args["classifier_activation"], weights)
        x = b.layer("Dense", classes, activation=args["classifier_activation"], name="predictions")(x)
    else:
        x = top_or_pooling(b, args, x, ("avg_pool", "max_pool"))
    return b.model(img_input, x, args["name"], why)


def block(b: Builder, inputs: Tensor, activation: str = "swish", drop_rate: float = 0.0, name: str = "",
          filters_in: int = 32, filters_out: int = 16, kernel_size: int = 3, strides: int = 1, expand_ratio: int = 1,
          se_ratio: float = 0.0, id_skip: bool = True) -> Tensor:
    """``efficientnet.block``: an inverted residual block with squeeze-and-excitation."""
    filters = filters_in * expand_ratio
    if expand_ratio != 1:
        x = b.layer("Conv2D", filters, 1, padding="same", use_bias=False, name=f"{name}expand_conv")(inputs)
        x = b.layer("BatchNormalization", axis=3, name=f"{name}expand_bn")(x)
        x = b.layer("Activation", activation, name=f"{name}expand_activation")(x)
    else:
        x = inputs
    if strides == 2:
        x = b.layer("ZeroPadding2D", padding=correct_pad(x.shape, kernel_size), name=f"{name}dwconv_pad")(x)
        conv_pad = "valid"
    else:
        conv_pad = "same"
    x = b.layer("DepthwiseConv2D", kernel_size, strides=strides, padding=conv_pad, use_bias=False,
                name=f"{name}dwconv")(x)
    x = b.layer("BatchNormalization", axis=3, name=f"{name}bn")(x)
    x = b.layer("Activation", activation, name=f"{name}activation")(x)
    if 0 < se_ratio <= 1:
        x = squeeze_excite(b, x, filters, max(1, int(filters_in * se_ratio)), activation, name)
    x = b.layer("Conv2D", filters_out, 1, padding="same", use_bias=False, name=f"{name}project_conv")(x)
    x = b.layer("BatchNormalization", axis=3, name=f"{name}project_bn")(x)
    if id_skip and strides == 1 and filters_in == filters_out:
        if drop_rate > 0:
            x = b.layer("Dropout", drop_rate, noise_shape=(None, 1, 1, 1), name=f"{name}drop")(x)
        x = b.layer("Add", name=f"{name}add")([x, inputs])
    return x


def squeeze_excite(b: Builder, x: Tensor, filters: int, filters_se: int, activation: str, name: str | None) -> Tensor:
    """The squeeze-and-excitation branch EfficientNet (V1 and V2) blocks share."""
    se = b.layer("GlobalAveragePooling2D", name=f"{name}se_squeeze")(x)
    se = b.layer("Reshape", (1, 1, filters), name=f"{name}se_reshape")(se)
    se = b.layer("Conv2D", filters_se, 1, padding="same", activation=activation, name=f"{name}se_reduce")(se)
    se = b.layer("Conv2D", filters, 1, padding="same", activation="sigmoid", name=f"{name}se_expand")(se)
    return b.layer("Multiply", name=f"{name}se_excite")([x, se])


def _register(variant: str, width: float, depth: float, size: int, dropout: float) -> None:
    application(f"EfficientNet{variant}", standard_signature(f"efficientnet{variant.lower()}"))(
        lambda args, b: efficientnet(args, b, width, depth, size, dropout))


for _variant, _config in VARIANTS.items():
    _register(_variant, *_config)
