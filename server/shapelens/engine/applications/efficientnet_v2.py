"""EfficientNetV2 B0 to B3, S, M and L (``keras/src/applications/efficientnet_v2.py``)."""

from __future__ import annotations

import math

from ..args import Args
from ..derivation import Derivation
from ..errors import ShapeError
from .builder import AppModel, Builder, Tensor, decide
from .common import (
    application,
    check_classes,
    flag,
    image_input,
    obtain_input_shape,
    top_or_pooling,
    validate_activation,
)
from .efficientnet import squeeze_excite

_B_BLOCKS = (
    (3, 1, 32, 16, 1, 0, 1, 1),
    (3, 2, 16, 32, 4, 0, 2, 1),
    (3, 2, 32, 48, 4, 0, 2, 1),
    (3, 3, 48, 96, 4, 0.25, 2, 0),
    (3, 5, 96, 112, 6, 0.25, 1, 0),
    (3, 8, 112, 192, 6, 0.25, 2, 0),
)

# Keras's DEFAULT_BLOCKS_ARGS, keyed by the model name (as Keras looks them up), one tuple per
# stage: (kernel_size, num_repeat, input_filters, output_filters, expand_ratio, se_ratio,
# strides, conv_type) with conv_type 0 = MBConv, 1 = FusedMBConv.
DEFAULT_BLOCKS_ARGS = {
    "efficientnetv2-s": (
        (3, 2, 24, 24, 1, 0.0, 1, 1),
        (3, 4, 24, 48, 4, 0.0, 2, 1),
        (3, 4, 48, 64, 4, 0, 2, 1),
        (3, 6, 64, 128, 4, 0.25, 2, 0),
        (3, 9, 128, 160, 6, 0.25, 1, 0),
        (3, 15, 160, 256, 6, 0.25, 2, 0),
    ),
    "efficientnetv2-m": (
        (3, 3, 24, 24, 1, 0, 1, 1),
        (3, 5, 24, 48, 4, 0, 2, 1),
        (3, 5, 48, 80, 4, 0, 2, 1),
        (3, 7, 80, 160, 4, 0.25, 2, 0),
        (3, 14, 160, 176, 6, 0.25, 1, 0),
        (3, 18, 176, 304, 6, 0.25, 2, 0),
        (3, 5, 304, 512, 6, 0.25, 1, 0),
    ),
    "efficientnetv2-l": (
        (3, 4, 32, 32, 1, 0, 1, 1),
        (3, 7, 32, 64, 4, 0, 2, 1),
        (3, 7, 64, 96, 4, 0, 2, 1),
        (3, 10, 96, 192, 4, 0.25, 2, 0),
        (3, 19, 192, 224, 6, 0.25, 1, 0),
        (3, 25, 224, 384, 6, 0.25, 2, 0),
        (3, 7, 384, 640, 6, 0.25, 1, 0),
    ),
    "efficientnetv2-b0": _B_BLOCKS,
    "efficientnetv2-b1": _B_BLOCKS,
    "efficientnetv2-b2": _B_BLOCKS,
    "efficientnetv2-b3": _B_BLOCKS,
}

# Keras name suffix -> (width_coefficient, depth_coefficient, default_size)
VARIANTS = {
    "B0": (1.0, 1.0, 224), "B1": (1.0, 1.1, 240), "B2": (1.1, 1.2, 260), "B3": (1.2, 1.4, 300),
    "S": (1.0, 1.0, 384), "M": (1.0, 1.0, 480), "L": (1.0, 1.0, 480),
}

SIGNATURE = ("include_top=True, weights='imagenet', input_tensor=None, input_shape=None, "
             "pooling=None, classes=1000, classifier_activation='softmax', "
             "include_preprocessing=True, name='{name}'")


def round_filters(filters: float, width_coefficient: float, min_depth: int, depth_divisor: int) -> int:
    filters *= width_coefficient
    minimum_depth = min_depth or depth_divisor
    return int(max(minimum_depth, int(filters + depth_divisor / 2) // depth_divisor * depth_divisor))


def mb_conv_block(b: Builder, inputs: Tensor, input_filters: int, output_filters: int, expand_ratio: int = 1,
                  kernel_size: int = 3, strides: int = 1, se_ratio: float = 0.0, bn_momentum: float = 0.9,
                  activation: str = "swish", survival_probability: float = 0.8, name: str | None = None) -> Tensor:
    """``efficientnet_v2.MBConvBlock``."""
    filters = input_filters * expand_ratio
    if expand_ratio != 1:
        x = b.layer("Conv2D", filters=filters, kernel_size=1, strides=1, padding="same",
                    data_format="channels_last", use_bias=False, name=f"{name}expand_conv")(inputs)
        x = b.layer("BatchNormalization", axis=3, momentum=bn_momentum, name=f"{name}expand_bn")(x)
        x = b.layer("Activation", activation, name=f"{name}expand_activation")(x)
    else:
        x = inputs
    x = b.layer("DepthwiseConv2D", kernel_size=kernel_size, strides=strides, padding="same",
                data_format="channels_last", use_bias=False, name=f"{name}dwconv2")(x)
    x = b.layer("BatchNormalization", axis=3, momentum=bn_momentum, name=f"{name}bn")(x)
    x = b.layer("Activation", activation, name=f"{name}activation")(x)
    if 0 < se_ratio <= 1:
        x = squeeze_excite(b, x, filters, max(1, int(input_filters * se_ratio)), activation, name)
    x = b.layer("Conv2D", filters=output_filters, kernel_size=1, strides=1, padding="same",
                data_format="channels_last", use_bias=False, name=f"{name}project_conv")(x)
    x = b.layer("BatchNormalization", axis=3, momentum=bn_momentum, name=f"{name}project_bn")(x)
    return _skip(b, x, inputs, strides, input_filters, output_filters, survival_probability, name)


def fused_mb_conv_block(b: Builder, inputs: Tensor, input_filters: int, output_filters: int, expand_ratio: int = 1,
                        kernel_size: int = 3, strides: int = 1, se_ratio: float = 0.0, bn_momentum: float = 0.9,
                        activation: str = "swish", survival_probability: float = 0.8,
                        name: str | None = None) -> Tensor:
    """``efficientnet_v2.FusedMBConvBlock``."""
    filters = input_filters * expand_ratio
    if expand_ratio != 1:
        x = b.layer("Conv2D", filters, kernel_size=kernel_size, strides=strides,
                    data_format="channels_last", padding="same", use_bias=False,
                    name=f"{name}expand_conv")(inputs)
        x = b.layer("BatchNormalization", axis=3, momentum=bn_momentum, name=f"{name}expand_bn")(x)
        x = b.layer("Activation", activation=activation, name=f"{name}expand_activation")(x)
    else:
        x = inputs
    if 0 < se_ratio <= 1:
        x = squeeze_excite(b, x, filters, max(1, int(input_filters * se_ratio)), activation, name)
    x = b.layer("Conv2D", output_filters, kernel_size=1 if expand_ratio != 1 else kernel_size,
                strides=1 if expand_ratio != 1 else strides, padding="same", use_bias=False,
                name=f"{name}project_conv")(x)
    x = b.layer("BatchNormalization", axis=3, momentum=bn_momentum, name=f"{name}project_bn")(x)
    if expand_ratio == 1:
        x = b.layer("Activation", activation=activation, name=f"{name}project_activation")(x)
    return _skip(b, x, inputs, strides, input_filters, output_filters, survival_probability, name)


def _skip(b: Builder, x: Tensor, inputs: Tensor, strides: int, input_filters: int, output_filters: int,
          survival_probability: float, name: str | None) -> Tensor:
    if strides == 1 and input_filters == output_filters:
        if survival_probability:
            x = b.layer("Dropout", survival_probability, noise_shape=(None, 1, 1, 1), name=f"{name}drop")(x)
        x = b.layer("Add", name=f"{name}add")([x, inputs])
    return x


def efficientnet_v2(args: Args, b: Builder, width_coefficient: float, depth_coefficient: float, default_size: int,
                    dropout_rate: float = 0.2, drop_connect_rate: float = 0.2, depth_divisor: int = 8,
                    min_depth: int = 8, bn_momentum: float = 0.9, activation: str = "swish") -> AppModel:
    """``efficientnet_v2.EfficientNetV2`` with the default blocks (looked up by model name)."""
    why = Derivation()
    name = decide(args["name"], "name")
    if name not in DEFAULT_BLOCKS_ARGS:
        raise ShapeError("invalid-argument",
                         f"{name!r} (KeyError: EfficientNetV2 looks its blocks up by model name, "
                         f"one of {', '.join(DEFAULT_BLOCKS_ARGS)})")
    blocks_args = DEFAULT_BLOCKS_ARGS[name]
    include_top = flag(args, "include_top")
    weights, classes = args["weights"], args["classes"]
    check_classes(args, 'If using `weights="imagenet"` with `include_top` as true, `classes` '
                        "should be 1000")
    input_shape = obtain_input_shape(args["input_shape"], default_size, 32, include_top, weights, why)
    img_input = image_input(b, args, input_shape)

    def filters_of(count: int) -> int:
        return round_filters(count, width_coefficient, min_depth, depth_divisor)

    x = img_input
    if flag(args, "include_preprocessing"):
        num_channels = input_shape[2]
        if name.split("-")[-1].startswith("b") and decide(num_channels, "input channels") == 3:
            x = b.layer("Rescaling", scale=1.0 / 255)(x)
            x = b.layer("Normalization", mean=[0.485, 0.456, 0.406],
                        variance=[0.229**2, 0.224**2, 0.225**2], axis=3)(x)
        else:
            x = b.layer("Rescaling", scale=1.0 / 128.0, offset=-1)(x)
    x = b.layer("Conv2D", filters=filters_of(blocks_args[0][2]), kernel_size=3, strides=2,
                padding="same", use_bias=False, name="stem_conv")(x)
    x = b.layer("BatchNormalization", axis=3, momentum=bn_momentum, name="stem_bn")(x)
    x = b.layer("Activation", activation, name="stem_activation")(x)

    done = 0
    blocks = float(sum(stage[1] for stage in blocks_args))
    for i, stage in enumerate(blocks_args):
        kernel, num_repeat, filters_in, filters_out, expand, se, strides, conv_type = stage
        filters_in, filters_out = filters_of(filters_in), filters_of(filters_out)
        make = fused_mb_conv_block if conv_type == 1 else mb_conv_block
        for j in range(int(math.ceil(depth_coefficient * num_repeat))):
            if j > 0:
                strides, filters_in = 1, filters_out
            x = make(b, x, filters_in, filters_out, expand_ratio=expand, kernel_size=kernel,
                     strides=strides, se_ratio=se, bn_momentum=bn_momentum, activation=activation,
                     survival_probability=drop_connect_rate * done / blocks,
                     name=f"block{i + 1}{chr(j + 97)}_")
            done += 1

    x = b.layer("Conv2D", filters=filters_of(1280), kernel_size=1, strides=1, padding="same",
                data_format="channels_last", use_bias=False, name="top_conv")(x)
    x = b.layer("BatchNormalization", axis=3, momentum=bn_momentum, name="top_bn")(x)
    x = b.layer("Activation", activation=activation, name="top_activation")(x)
    if include_top:
        x = b.layer("GlobalAveragePooling2D", name="avg_pool")(x)
        if dropout_rate > 0:
            x = b.layer("Dropout", dropout_rate, name="top_dropout")(x)
        validate_activation(args["classifier_activation"], weights)
        x = b.layer("Dense", classes, activation=args["classifier_activation"], name="predictions")(x)
    else:
        x = top_or_pooling(b, args, x, ("avg_pool", "max_pool"))
    return b.model(img_input, x, name, why)


def _register(variant: str, width: float, depth: float, size: int) -> None:
    application(f"EfficientNetV2{variant}", SIGNATURE.format(name=f"efficientnetv2-{variant.lower()}"))(
        lambda args, b: efficientnet_v2(args, b, width, depth, size))


for _variant, _config in VARIANTS.items():
    _register(_variant, *_config)
