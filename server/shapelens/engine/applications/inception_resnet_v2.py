"""InceptionResNetV2 (``keras/src/applications/inception_resnet_v2.py``)."""

from __future__ import annotations

from typing import Sequence

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
from .custom_layers import CustomScaleLayer


def conv2d_bn(b: Builder, x: Tensor, filters: int, kernel_size: int | Sequence[int], strides: int = 1,
              padding: str = "same", activation: str | None = "relu", use_bias: bool = False,
              name: str | None = None) -> Tensor:
    x = b.layer("Conv2D", filters, kernel_size, strides=strides, padding=padding,
                use_bias=use_bias, name=name)(x)
    if not use_bias:
        x = b.layer("BatchNormalization", axis=3, scale=False,
                    name=None if name is None else f"{name}_bn")(x)
    if activation is not None:
        x = b.layer("Activation", activation, name=None if name is None else f"{name}_ac")(x)
    return x


def inception_resnet_block(b: Builder, x: Tensor, scale: float, block_type: str, block_idx: int,
                           activation: str | None = "relu") -> Tensor:
    if block_type == "block35":
        branch_0 = conv2d_bn(b, x, 32, 1)
        branch_1 = conv2d_bn(b, x, 32, 1)
        branch_1 = conv2d_bn(b, branch_1, 32, 3)
        branch_2 = conv2d_bn(b, x, 32, 1)
        branch_2 = conv2d_bn(b, branch_2, 48, 3)
        branch_2 = conv2d_bn(b, branch_2, 64, 3)
        branches = [branch_0, branch_1, branch_2]
    elif block_type == "block17":
        branch_0 = conv2d_bn(b, x, 192, 1)
        branch_1 = conv2d_bn(b, x, 128, 1)
        branch_1 = conv2d_bn(b, branch_1, 160, [1, 7])
        branch_1 = conv2d_bn(b, branch_1, 192, [7, 1])
        branches = [branch_0, branch_1]
    else:  # block8
        branch_0 = conv2d_bn(b, x, 192, 1)
        branch_1 = conv2d_bn(b, x, 192, 1)
        branch_1 = conv2d_bn(b, branch_1, 224, [1, 3])
        branch_1 = conv2d_bn(b, branch_1, 256, [3, 1])
        branches = [branch_0, branch_1]
    block_name = f"{block_type}_{block_idx}"
    mixed = b.layer("Concatenate", axis=3, name=f"{block_name}_mixed")(branches)
    up = conv2d_bn(b, mixed, x.shape[3], 1, activation=None, use_bias=True, name=f"{block_name}_conv")
    x = b.layer(CustomScaleLayer, scale)([x, up])
    if activation is not None:
        x = b.layer("Activation", activation, name=f"{block_name}_ac")(x)
    return x


@application("InceptionResNetV2", standard_signature("inception_resnet_v2"))
def inception_resnet_v2(args: Args, b: Builder) -> AppModel:
    why = Derivation()
    include_top = flag(args, "include_top")
    check_classes(args, "If using `weights='imagenet'` with `include_top=True`, `classes` should "
                        "be 1000.  Received classes={classes}")
    input_shape = obtain_input_shape(args["input_shape"], 299, 75, include_top, args["weights"], why)
    img_input = image_input(b, args, input_shape)

    # Stem block: 35 x 35 x 192
    x = conv2d_bn(b, img_input, 32, 3, strides=2, padding="valid")
    x = conv2d_bn(b, x, 32, 3, padding="valid")
    x = conv2d_bn(b, x, 64, 3)
    x = b.layer("MaxPooling2D", 3, strides=2)(x)
    x = conv2d_bn(b, x, 80, 1, padding="valid")
    x = conv2d_bn(b, x, 192, 3, padding="valid")
    x = b.layer("MaxPooling2D", 3, strides=2)(x)

    # Mixed 5b (Inception-A block): 35 x 35 x 320
    branch_0 = conv2d_bn(b, x, 96, 1)
    branch_1 = conv2d_bn(b, x, 48, 1)
    branch_1 = conv2d_bn(b, branch_1, 64, 5)
    branch_2 = conv2d_bn(b, x, 64, 1)
    branch_2 = conv2d_bn(b, branch_2, 96, 3)
    branch_2 = conv2d_bn(b, branch_2, 96, 3)
    branch_pool = b.layer("AveragePooling2D", 3, strides=1, padding="same")(x)
    branch_pool = conv2d_bn(b, branch_pool, 64, 1)
    x = b.layer("Concatenate", axis=3, name="mixed_5b")([branch_0, branch_1, branch_2, branch_pool])
    for block_idx in range(1, 11):
        x = inception_resnet_block(b, x, scale=0.17, block_type="block35", block_idx=block_idx)

    # Mixed 6a (Reduction-A block): 17 x 17 x 1088
    branch_0 = conv2d_bn(b, x, 384, 3, strides=2, padding="valid")
    branch_1 = conv2d_bn(b, x, 256, 1)
    branch_1 = conv2d_bn(b, branch_1, 256, 3)
    branch_1 = conv2d_bn(b, branch_1, 384, 3, strides=2, padding="valid")
    branch_pool = b.layer("MaxPooling2D", 3, strides=2, padding="valid")(x)
    x = b.layer("Concatenate", axis=3, name="mixed_6a")([branch_0, branch_1, branch_pool])
    for block_idx in range(1, 21):
        x = inception_resnet_block(b, x, scale=0.1, block_type="block17", block_idx=block_idx)

    # Mixed 7a (Reduction-B block): 8 x 8 x 2080
    branch_0 = conv2d_bn(b, x, 256, 1)
    branch_0 = conv2d_bn(b, branch_0, 384, 3, strides=2, padding="valid")
    branch_1 = conv2d_bn(b, x, 256, 1)
    branch_1 = conv2d_bn(b, branch_1, 288, 3, strides=2, padding="valid")
    branch_2 = conv2d_bn(b, x, 256, 1)
    branch_2 = conv2d_bn(b, branch_2, 288, 3)
    branch_2 = conv2d_bn(b, branch_2, 320, 3, strides=2, padding="valid")
    branch_pool = b.layer("MaxPooling2D", 3, strides=2, padding="valid")(x)
    x = b.layer("Concatenate", axis=3, name="mixed_7a")([branch_0, branch_1, branch_2, branch_pool])
    for block_idx in range(1, 10):
        x = inception_resnet_block(b, x, scale=0.2, block_type="block8", block_idx=block_idx)
    x = inception_resnet_block(b, x, scale=1.0, activation=None, block_type="block8", block_idx=10)

    # Final convolution block: 8 x 8 x 1536
    x = conv2d_bn(b, x, 1536, 1, name="conv_7b")
    if include_top:
        x = b.layer("GlobalAveragePooling2D", name="avg_pool")(x)
        validate_activation(args["classifier_activation"], args["weights"])
        x = b.layer("Dense", args["classes"], activation=args["classifier_activation"],
                    name="predictions")(x)
    else:
        x = top_or_pooling(b, args, x)
    return b.model(img_input, x, args["name"], why)
