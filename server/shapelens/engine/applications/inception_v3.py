"""InceptionV3 (``keras/src/applications/inception_v3.py``)."""

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


def conv2d_bn(b: Builder, x: Tensor, filters: int, num_row: int, num_col: int, padding: str = "same",
              strides: tuple[int, int] = (1, 1), name: str | None = None) -> Tensor:
    bn_name = f"{name}_bn" if name is not None else None
    conv_name = f"{name}_conv" if name is not None else None
    x = b.layer("Conv2D", filters, (num_row, num_col), strides=strides, padding=padding,
                use_bias=False, name=conv_name)(x)
    x = b.layer("BatchNormalization", axis=3, scale=False, name=bn_name)(x)
    return b.layer("Activation", "relu", name=name)(x)


def _avg_pool_same(b: Builder, x: Tensor) -> Tensor:
    return b.layer("AveragePooling2D", (3, 3), strides=(1, 1), padding="same")(x)


def _concat(b: Builder, branches: list[Tensor], name: str | None = None) -> Tensor:
    return b.layer("Concatenate", axis=3, name=name)(branches)


@application("InceptionV3", standard_signature("inception_v3"))
def inception_v3(args: Args, b: Builder) -> AppModel:
    why = Derivation()
    include_top = flag(args, "include_top")
    check_classes(args, "If using `weights='imagenet'` with `include_top=True`, `classes` should "
                        "be 1000.  Received classes={classes}")
    input_shape = obtain_input_shape(args["input_shape"], 299, 75, include_top, args["weights"], why)
    img_input = image_input(b, args, input_shape)

    x = conv2d_bn(b, img_input, 32, 3, 3, strides=(2, 2), padding="valid")
    x = conv2d_bn(b, x, 32, 3, 3, padding="valid")
    x = conv2d_bn(b, x, 64, 3, 3)
    x = b.layer("MaxPooling2D", (3, 3), strides=(2, 2))(x)
    x = conv2d_bn(b, x, 80, 1, 1, padding="valid")
    x = conv2d_bn(b, x, 192, 3, 3, padding="valid")
    x = b.layer("MaxPooling2D", (3, 3), strides=(2, 2))(x)

    # mixed 0, 1, 2: 35 x 35 x 256, 288, 288
    for i, pool_filters in enumerate((32, 64, 64)):
        branch1x1 = conv2d_bn(b, x, 64, 1, 1)
        branch5x5 = conv2d_bn(b, x, 48, 1, 1)
        branch5x5 = conv2d_bn(b, branch5x5, 64, 5, 5)
        branch3x3dbl = conv2d_bn(b, x, 64, 1, 1)
        branch3x3dbl = conv2d_bn(b, branch3x3dbl, 96, 3, 3)
        branch3x3dbl = conv2d_bn(b, branch3x3dbl, 96, 3, 3)
        branch_pool = conv2d_bn(b, _avg_pool_same(b, x), pool_filters, 1, 1)
        x = _concat(b, [branch1x1, branch5x5, branch3x3dbl, branch_pool], name=f"mixed{i}")

    # mixed 3: 17 x 17 x 768
    branch3x3 = conv2d_bn(b, x, 384, 3, 3, strides=(2, 2), padding="valid")
    branch3x3dbl = conv2d_bn(b, x, 64, 1, 1)
    branch3x3dbl = conv2d_bn(b, branch3x3dbl, 96, 3, 3)
    branch3x3dbl = conv2d_bn(b, branch3x3dbl, 96, 3, 3, strides=(2, 2), padding="valid")
    branch_pool = b.layer("MaxPooling2D", (3, 3), strides=(2, 2))(x)
    x = _concat(b, [branch3x3, branch3x3dbl, branch_pool], name="mixed3")

    # mixed 4, 5, 6, 7: 17 x 17 x 768
    for i, inner in enumerate((128, 160, 160, 192)):
        branch1x1 = conv2d_bn(b, x, 192, 1, 1)
        branch7x7 = conv2d_bn(b, x, inner, 1, 1)
        branch7x7 = conv2d_bn(b, branch7x7, inner, 1, 7)
        branch7x7 = conv2d_bn(b, branch7x7, 192, 7, 1)
        branch7x7dbl = conv2d_bn(b, x, inner, 1, 1)
        branch7x7dbl = conv2d_bn(b, branch7x7dbl, inner, 7, 1)
        branch7x7dbl = conv2d_bn(b, branch7x7dbl, inner, 1, 7)
        branch7x7dbl = conv2d_bn(b, branch7x7dbl, inner, 7, 1)
        branch7x7dbl = conv2d_bn(b, branch7x7dbl, 192, 1, 7)
        branch_pool = conv2d_bn(b, _avg_pool_same(b, x), 192, 1, 1)
        x = _concat(b, [branch1x1, branch7x7, branch7x7dbl, branch_pool], name=f"mixed{4 + i}")

    # mixed 8: 8 x 8 x 1280
    branch3x3 = conv2d_bn(b, x, 192, 1, 1)
    branch3x3 = conv2d_bn(b, branch3x3, 320, 3, 3, strides=(2, 2), padding="valid")
    branch7x7x3 = conv2d_bn(b, x, 192, 1, 1)
    branch7x7x3 = conv2d_bn(b, branch7x7x3, 192, 1, 7)
    branch7x7x3 = conv2d_bn(b, branch7x7x3, 192, 7, 1)
    branch7x7x3 = conv2d_bn(b, branch7x7x3, 192, 3, 3, strides=(2, 2), padding="valid")
    branch_pool = b.layer("MaxPooling2D", (3, 3), strides=(2, 2))(x)
    x = _concat(b, [branch3x3, branch7x7x3, branch_pool], name="mixed8")

    # mixed 9, 10: 8 x 8 x 2048
    for i in range(2):
        branch1x1 = conv2d_bn(b, x, 320, 1, 1)
        branch3x3 = conv2d_bn(b, x, 384, 1, 1)
        branch3x3_1 = conv2d_bn(b, branch3x3, 384, 1, 3)
        branch3x3_2 = conv2d_bn(b, branch3x3, 384, 3, 1)
        branch3x3 = _concat(b, [branch3x3_1, branch3x3_2], name=f"mixed9_{i}")
        branch3x3dbl = conv2d_bn(b, x, 448, 1, 1)
        branch3x3dbl = conv2d_bn(b, branch3x3dbl, 384, 3, 3)
        branch3x3dbl_1 = conv2d_bn(b, branch3x3dbl, 384, 1, 3)
        branch3x3dbl_2 = conv2d_bn(b, branch3x3dbl, 384, 3, 1)
        branch3x3dbl = _concat(b, [branch3x3dbl_1, branch3x3dbl_2])
        branch_pool = conv2d_bn(b, _avg_pool_same(b, x), 192, 1, 1)
        x = _concat(b, [branch1x1, branch3x3, branch3x3dbl, branch_pool], name=f"mixed{9 + i}")

    if include_top:
        x = b.layer("GlobalAveragePooling2D", name="avg_pool")(x)
        validate_activation(args["classifier_activation"], args["weights"])
        x = b.layer("Dense", args["classes"], activation=args["classifier_activation"],
                    name="predictions")(x)
    else:
        x = top_or_pooling(b, args, x)
    return b.model(img_input, x, args["name"], why)
