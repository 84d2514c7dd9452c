"""Xception (``keras/src/applications/xception.py``)."""

from __future__ import annotations

from ..args import Args
from ..derivation import Derivation
from .builder import AppModel, Builder, Tensor
from .common import (
    application,
    check_classes,
    flag,
    image_input,
    obtain_input_shape,
    standard_signature,
    top_or_pooling,
    validate_activation,
)


def _residual(b: Builder, x: Tensor, filters: int) -> Tensor:
    """The unnamed strided 1x1 shortcut of the entry and exit flows."""
    residual = b.layer("Conv2D", filters, (1, 1), strides=(2, 2), padding="same", use_bias=False)(x)
    return b.layer("BatchNormalization", axis=-1)(residual)


def _sepconv_bn(b: Builder, x: Tensor, filters: int, name: str) -> Tensor:
    x = b.layer("SeparableConv2D", filters, (3, 3), padding="same", use_bias=False, name=name)(x)
    return b.layer("BatchNormalization", axis=-1, name=f"{name}_bn")(x)


def _relu(b: Builder, x: Tensor, name: str) -> Tensor:
    return b.layer("Activation", "relu", name=name)(x)


def _pool(b: Builder, x: Tensor, name: str) -> Tensor:
    return b.layer("MaxPooling2D", (3, 3), strides=(2, 2), padding="same", name=name)(x)


@application("Xception", standard_signature("xception"))
def xception(args: Args, b: Builder) -> AppModel:
    why = Derivation()
    include_top = flag(args, "include_top")
    check_classes(args, "If using `weights='imagenet'` with `include_top=True`, `classes` should "
                        "be 1000.  Received classes={classes}")
    input_shape = obtain_input_shape(args["input_shape"], 299, 71, include_top, args["weights"], why)
    img_input = image_input(b, args, input_shape)

    x = b.layer("Conv2D", 32, (3, 3), strides=(2, 2), use_bias=False, name="block1_conv1")(img_input)
    x = b.layer("BatchNormalization", axis=-1, name="block1_conv1_bn")(x)
    x = _relu(b, x, "block1_conv1_act")
    x = b.layer("Conv2D", 64, (3, 3), use_bias=False, name="block1_conv2")(x)
    x = b.layer("BatchNormalization", axis=-1, name="block1_conv2_bn")(x)
    x = _relu(b, x, "block1_conv2_act")

    residual = _residual(b, x, 128)
    x = _sepconv_bn(b, x, 128, "block2_sepconv1")
    x = _relu(b, x, "block2_sepconv2_act")
    x = _sepconv_bn(b, x, 128, "block2_sepconv2")
    x = _pool(b, x, "block2_pool")
    x = b.layer("Add")([x, residual])

    for block, filters in ((3, 256), (4, 728)):
        residual = _residual(b, x, filters)
        x = _relu(b, x, f"block{block}_sepconv1_act")
        x = _sepconv_bn(b, x, filters, f"block{block}_sepconv1")
        x = _relu(b, x, f"block{block}_sepconv2_act")
        x = _sepconv_bn(b, x, filters, f"block{block}_sepconv2")
        x = _pool(b, x, f"block{block}_pool")
        x = b.layer("Add")([x, residual])

    for i in range(8):
        residual = x
        prefix = f"block{i + 5}"
        for j in (1, 2, 3):
            x = _relu(b, x, f"{prefix}_sepconv{j}_act")
            x = _sepconv_bn(b, x, 728, f"{prefix}_sepconv{j}")
        x = b.layer("Add")([x, residual])

    residual = _residual(b, x, 1024)
    x = _relu(b, x, "block13_sepconv1_act")
    x = _sepconv_bn(b, x, 728, "block13_sepconv1")
    x = _relu(b, x, "block13_sepconv2_act")
    x = _sepconv_bn(b, x, 1024, "block13_sepconv2")
    x = _pool(b, x, "block13_pool")
    x = b.layer("Add")([x, residual])

    x = _sepconv_bn(b, x, 1536, "block14_sepconv1")
    x = _relu(b, x, "block14_sepconv1_act")
    x = _sepconv_bn(b, x, 2048, "block14_sepconv2")
    x = _relu(b, x, "block14_sepconv2_act")
    if include_top:
        x = b.layer("GlobalAveragePooling2D", name="avg_pool")(x)
        validate_activation(args["classifier_activation"], args["weights"])
        x = b.layer("Dense", args["classes"], activation=args["classifier_activation"],
                    name="predictions")(x)
    else:
        x = top_or_pooling(b, args, x)
    return b.model(img_input, x, args["name"], why)
