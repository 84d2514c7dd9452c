"""DenseNet121, DenseNet169 and DenseNet201 (``keras/src/applications/densenet.py``)."""

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

BN_EPSILON = 1.001e-5


def dense_block(b: Builder, x: Tensor, blocks: int, name: str) -> Tensor:
    for i in range(blocks):
        x = conv_block(b, x, 32, name=f"{name}_block{i + 1}")
    return x


def transition_block(b: Builder, x: Tensor, reduction: float, name: str) -> Tensor:
    x = b.layer("BatchNormalization", axis=3, epsilon=BN_EPSILON, name=f"{name}_bn")(x)
    x = b.layer("Activation", "relu", name=f"{name}_relu")(x)
    x = b.layer("Conv2D", int(x.shape[3] * reduction), 1, use_bias=False, name=f"{name}_conv")(x)
    return b.layer("AveragePooling2D", 2, strides=2, name=f"{name}_pool")(x)


def conv_block(b: Builder, x: Tensor, growth_rate: int, name: str) -> Tensor:
    x1 = b.layer("BatchNormalization", axis=3, epsilon=BN_EPSILON, name=f"{name}_0_bn")(x)
    x1 = b.layer("Activation", "relu", name=f"{name}_0_relu")(x1)
    x1 = b.layer("Conv2D", 4 * growth_rate, 1, use_bias=False, name=f"{name}_1_conv")(x1)
    x1 = b.layer("BatchNormalization", axis=3, epsilon=BN_EPSILON, name=f"{name}_1_bn")(x1)
    x1 = b.layer("Activation", "relu", name=f"{name}_1_relu")(x1)
    x1 = b.layer("Conv2D", growth_rate, 3, padding="same", use_bias=False, name=f"{name}_2_conv")(x1)
    return b.layer("Concatenate", axis=3, name=f"{name}_concat")([x, x1])


def densenet(args: Args, b: Builder, blocks: tuple[int, ...]) -> AppModel:
    """``densenet.DenseNet``."""
    why = Derivation()
    include_top = flag(args, "include_top")
    check_classes(args, 'If using `weights` as `"imagenet"` with `include_top` as true, '
                        "`classes` should be 1000")
    input_shape = obtain_input_shape(args["input_shape"], 224, 32, include_top, args["weights"], why)
    img_input = image_input(b, args, input_shape)

    x = b.layer("ZeroPadding2D", padding=((3, 3), (3, 3)))(img_input)
    x = b.layer("Conv2D", 64, 7, strides=2, use_bias=False, name="conv1_conv")(x)
    x = b.layer("BatchNormalization", axis=3, epsilon=BN_EPSILON, name="conv1_bn")(x)
    x = b.layer("Activation", "relu", name="conv1_relu")(x)
    x = b.layer("ZeroPadding2D", padding=((1, 1), (1, 1)))(x)
    x = b.layer("MaxPooling2D", 3, strides=2, name="pool1")(x)
    for stage, count in enumerate(blocks, 2):
        x = dense_block(b, x, count, name=f"conv{stage}")
        if stage < 5:
            x = transition_block(b, x, 0.5, name=f"pool{stage}")
    x = b.layer("BatchNormalization", axis=3, epsilon=BN_EPSILON, name="bn")(x)
    x = b.layer("Activation", "relu", name="relu")(x)
    if include_top:
        x = b.layer("GlobalAveragePooling2D", name="avg_pool")(x)
        validate_activation(args["classifier_activation"], args["weights"])
        x = b.layer("Dense", args["classes"], activation=args["classifier_activation"],
                    name="predictions")(x)
    else:
        x = top_or_pooling(b, args, x, ("avg_pool", "max_pool"))
    return b.model(img_input, x, args["name"], why)


def _register(depth: int, blocks: tuple[int, ...]) -> None:
    application(f"DenseNet{depth}", standard_signature(f"densenet{depth}"))(
        lambda args, b: densenet(args, b, blocks))


for _depth, _blocks in ((121, (6, 12, 24, 16)), (169, (6, 12, 32, 32)), (201, (6, 12, 48, 32))):
    _register(_depth, _blocks)
