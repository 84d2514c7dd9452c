"""ResNet50/101/152 and their V2 versions (``keras/src/applications/resnet.py``,
``resnet_v2.py``)."""

from __future__ import annotations

from typing import Callable

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
StackFn = Callable[[Builder, Tensor], Tensor]     # the residual stacks between the stem and the top
CLASSES_MESSAGE = ("If using `weights='imagenet'` with `include_top=True`, `classes` should be "
                   "1000.  Received classes={classes}")


def resnet(args: Args, b: Builder, stack_fn: StackFn, preact: bool, use_bias: bool) -> AppModel:
    """``resnet.ResNet``."""
    why = Derivation()
    include_top = flag(args, "include_top")
    check_classes(args, CLASSES_MESSAGE)
    input_shape = obtain_input_shape(args["input_shape"], 224, 32, include_top, args["weights"], why)
    img_input = image_input(b, args, input_shape)

    x = b.layer("ZeroPadding2D", padding=((3, 3), (3, 3)), name="conv1_pad")(img_input)
    x = b.layer("Conv2D", 64, 7, strides=2, use_bias=use_bias, name="conv1_conv")(x)
    if not preact:
        x = b.layer("BatchNormalization", axis=3, epsilon=BN_EPSILON, name="conv1_bn")(x)
        x = b.layer("Activation", "relu", name="conv1_relu")(x)
    x = b.layer("ZeroPadding2D", padding=((1, 1), (1, 1)), name="pool1_pad")(x)
    x = b.layer("MaxPooling2D", 3, strides=2, name="pool1_pool")(x)

    x = stack_fn(b, x)

    if preact:
        x = b.layer("BatchNormalization", axis=3, epsilon=BN_EPSILON, name="post_bn")(x)
        x = b.layer("Activation", "relu", name="post_relu")(x)
    if include_top:
        x = b.layer("GlobalAveragePooling2D", name="avg_pool")(x)
        validate_activation(args["classifier_activation"], args["weights"])
        x = b.layer("Dense", args["classes"], activation=args["classifier_activation"],
                    name="predictions")(x)
    else:
        x = top_or_pooling(b, args, x, ("avg_pool", "max_pool"))
    return b.model(img_input, x, args["name"], why)


def residual_block_v1(b: Builder, x: Tensor, filters: int, kernel_size: int = 3, stride: int = 1,
                      conv_shortcut: bool = True, name: str | None = None) -> Tensor:
    if conv_shortcut:
        shortcut = b.layer("Conv2D", 4 * filters, 1, strides=stride, name=f"{name}_0_conv")(x)
        shortcut = b.layer("BatchNormalization", axis=3, epsilon=BN_EPSILON, name=f"{name}_0_bn")(shortcut)
    else:
        shortcut = x
    x = b.layer("Conv2D", filters, 1, strides=stride, name=f"{name}_1_conv")(x)
    x = b.layer("BatchNormalization", axis=3, epsilon=BN_EPSILON, name=f"{name}_1_bn")(x)
    x = b.layer("Activation", "relu", name=f"{name}_1_relu")(x)
    x = b.layer("Conv2D", filters, kernel_size, padding="SAME", name=f"{name}_2_conv")(x)
    x = b.layer("BatchNormalization", axis=3, epsilon=BN_EPSILON, name=f"{name}_2_bn")(x)
    x = b.layer("Activation", "relu", name=f"{name}_2_relu")(x)
    x = b.layer("Conv2D", 4 * filters, 1, name=f"{name}_3_conv")(x)
    x = b.layer("BatchNormalization", axis=3, epsilon=BN_EPSILON, name=f"{name}_3_bn")(x)
    x = b.layer("Add", name=f"{name}_add")([shortcut, x])
    return b.layer("Activation", "relu", name=f"{name}_out")(x)


def stack_residual_blocks_v1(b: Builder, x: Tensor, filters: int, blocks: int, stride1: int = 2,
                             name: str | None = None) -> Tensor:
    x = residual_block_v1(b, x, filters, stride=stride1, name=f"{name}_block1")
    for i in range(2, blocks + 1):
        x = residual_block_v1(b, x, filters, conv_shortcut=False, name=f"{name}_block{i}")
    return x


def residual_block_v2(b: Builder, x: Tensor, filters: int, kernel_size: int = 3, stride: int = 1,
                      conv_shortcut: bool = False, name: str | None = None) -> Tensor:
    preact = b.layer("BatchNormalization", axis=3, epsilon=BN_EPSILON, name=f"{name}_preact_bn")(x)
    preact = b.layer("Activation", "relu", name=f"{name}_preact_relu")(preact)
    if conv_shortcut:
        shortcut = b.layer("Conv2D", 4 * filters, 1, strides=stride, name=f"{name}_0_conv")(preact)
    else:
        shortcut = b.layer("MaxPooling2D", 1, strides=stride)(x) if stride > 1 else x
    x = b.layer("Conv2D", filters, 1, strides=1, use_bias=False, name=f"{name}_1_conv")(preact)
    x = b.layer("BatchNormalization", axis=3, epsilon=BN_EPSILON, name=f"{name}_1_bn")(x)
    x = b.layer("Activation", "relu", name=f"{name}_1_relu")(x)
    x = b.layer("ZeroPadding2D", padding=((1, 1), (1, 1)), name=f"{name}_2_pad")(x)
    x = b.layer("Conv2D", filters, kernel_size, strides=stride, use_bias=False, name=f"{name}_2_conv")(x)
    x = b.layer("BatchNormalization", axis=3, epsilon=BN_EPSILON, name=f"{name}_2_bn")(x)
    x = b.layer("Activation", "relu", name=f"{name}_2_relu")(x)
    x = b.layer("Conv2D", 4 * filters, 1, name=f"{name}_3_conv")(x)
    return b.layer("Add", name=f"{name}_out")([shortcut, x])


def stack_residual_blocks_v2(b: Builder, x: Tensor, filters: int, blocks: int, stride1: int = 2,
                             name: str | None = None) -> Tensor:
    x = residual_block_v2(b, x, filters, conv_shortcut=True, name=f"{name}_block1")
    for i in range(2, blocks):
        x = residual_block_v2(b, x, filters, name=f"{name}_block{i}")
    return residual_block_v2(b, x, filters, stride=stride1, name=f"{name}_block{blocks}")


def _v1_stacks(conv3: int, conv4: int) -> StackFn:
    def stack_fn(b: Builder, x: Tensor) -> Tensor:
        x = stack_residual_blocks_v1(b, x, 64, 3, stride1=1, name="conv2")
        x = stack_residual_blocks_v1(b, x, 128, conv3, name="conv3")
        x = stack_residual_blocks_v1(b, x, 256, conv4, name="conv4")
        return stack_residual_blocks_v1(b, x, 512, 3, name="conv5")
    return stack_fn


def _v2_stacks(conv3: int, conv4: int) -> StackFn:
    def stack_fn(b: Builder, x: Tensor) -> Tensor:
        x = stack_residual_blocks_v2(b, x, 64, 3, name="conv2")
        x = stack_residual_blocks_v2(b, x, 128, conv3, name="conv3")
        x = stack_residual_blocks_v2(b, x, 256, conv4, name="conv4")
        return stack_residual_blocks_v2(b, x, 512, 3, stride1=1, name="conv5")
    return stack_fn


# (Keras name, default model name, blocks in conv3, blocks in conv4)
VARIANTS = (("ResNet50", "resnet50", 4, 6), ("ResNet101", "resnet101", 4, 23),
            ("ResNet152", "resnet152", 8, 36))


def _register(keras_name: str, model_name: str, conv3: int, conv4: int) -> None:
    application(keras_name, standard_signature(model_name))(
        lambda args, b: resnet(args, b, _v1_stacks(conv3, conv4), preact=False, use_bias=True))
    application(f"{keras_name}V2", standard_signature(f"{model_name}v2"))(
        lambda args, b: resnet(args, b, _v2_stacks(conv3, conv4), preact=True, use_bias=True))


for _variant in VARIANTS:
    _register(*_variant)

__all__ = ["resnet"]
