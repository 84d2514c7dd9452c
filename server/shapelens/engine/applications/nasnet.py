"""NASNetMobile and NASNetLarge (``keras/src/applications/nasnet.py``).

Cells compare their two inputs' widths and channels to decide whether the previous input needs
adjusting, so the layer list depends on those dimensions (``None`` equals ``None``, as in Keras).
"""

from __future__ import annotations

from ..args import Args
from ..derivation import Derivation
from ..errors import ShapeError
from .builder import AppModel, Builder, Tensor, decide, same
from .common import (
    application,
    check_classes,
    correct_pad,
    flag,
    image_input,
    is_imagenet,
    obtain_input_shape,
    top_or_pooling,
    validate_activation,
)

SIGNATURE = ("input_shape=None, include_top=True, weights='imagenet', input_tensor=None, "
             "pooling=None, classes=1000, classifier_activation='softmax', name='{name}'")


def _bn(b: Builder, x: Tensor, name: str | None = None) -> Tensor:
    return b.layer("BatchNormalization", axis=-1, momentum=0.9997, epsilon=1e-3, name=name)(x)


def _relu(b: Builder, x: Tensor, name: str | None = None) -> Tensor:
    return b.layer("Activation", "relu", name=name)(x)


def separable_conv_block(b: Builder, ip: Tensor, filters: int, kernel_size: tuple[int, int] = (3, 3),
                         strides: tuple[int, int] = (1, 1), block_id: str | None = None) -> Tensor:
    x = _relu(b, ip)
    if strides == (2, 2):
        x = b.layer("ZeroPadding2D", padding=correct_pad(x.shape, kernel_size),
                    name=f"separable_conv_1_pad_{block_id}")(x)
        conv_pad = "valid"
    else:
        conv_pad = "same"
    x = b.layer("SeparableConv2D", filters, kernel_size, strides=strides,
                name=f"separable_conv_1_{block_id}", padding=conv_pad, use_bias=False)(x)
    x = _bn(b, x, f"separable_conv_1_bn_{block_id}")
    x = _relu(b, x)
    x = b.layer("SeparableConv2D", filters, kernel_size, name=f"separable_conv_2_{block_id}",
                padding="same", use_bias=False)(x)
    return _bn(b, x, f"separable_conv_2_bn_{block_id}")


def adjust_block(b: Builder, p: Tensor | None, ip: Tensor, filters: int, block_id: str | None = None) -> Tensor:
    """Match the previous cell's output ``p`` to this cell's input ``ip``."""
    if p is None:
        return ip
    if not same(p.shape[-2], ip.shape[-2], "cell widths"):
        p = _relu(b, p, f"adjust_relu_1_{block_id}")
        p1 = b.layer("AveragePooling2D", (1, 1), strides=(2, 2), padding="valid",
                     name=f"adjust_avg_pool_1_{block_id}")(p)
        p1 = b.layer("Conv2D", filters // 2, (1, 1), padding="same", use_bias=False,
                     name=f"adjust_conv_1_{block_id}")(p1)
        p2 = b.layer("ZeroPadding2D", padding=((0, 1), (0, 1)))(p)
        p2 = b.layer("Cropping2D", cropping=((1, 0), (1, 0)))(p2)
        p2 = b.layer("AveragePooling2D", (1, 1), strides=(2, 2), padding="valid",
                     name=f"adjust_avg_pool_2_{block_id}")(p2)
        p2 = b.layer("Conv2D", filters // 2, (1, 1), padding="same", use_bias=False,
                     name=f"adjust_conv_2_{block_id}")(p2)
        p = b.layer("Concatenate", axis=-1)([p1, p2])
        return _bn(b, p, f"adjust_bn_{block_id}")
    if not same(p.shape[-1], filters, "cell channels"):
        p = _relu(b, p)
        p = b.layer("Conv2D", filters, (1, 1), strides=(1, 1), padding="same",
                    name=f"adjust_conv_projection_{block_id}", use_bias=False)(p)
        return _bn(b, p, f"adjust_bn_{block_id}")
    return p


def _avg_same(b: Builder, x: Tensor, name: str) -> Tensor:
    return b.layer("AveragePooling2D", (3, 3), strides=(1, 1), padding="same", name=name)(x)


def normal_a_cell(b: Builder, ip: Tensor, p: Tensor | None, filters: int, block_id: str | None = None
                  ) -> tuple[Tensor, Tensor]:
    p = adjust_block(b, p, ip, filters, block_id)
    h = _relu(b, ip)
    h = b.layer("Conv2D", filters, (1, 1), strides=(1, 1), padding="same",
                name=f"normal_conv_1_{block_id}", use_bias=False)(h)
    h = _bn(b, h, f"normal_bn_1_{block_id}")

    x1_1 = separable_conv_block(b, h, filters, kernel_size=(5, 5), block_id=f"normal_left1_{block_id}")
    x1_2 = separable_conv_block(b, p, filters, block_id=f"normal_right1_{block_id}")
    x1 = b.layer("Add", name=f"normal_add_1_{block_id}")([x1_1, x1_2])

    x2_1 = separable_conv_block(b, p, filters, (5, 5), block_id=f"normal_left2_{block_id}")
    x2_2 = separable_conv_block(b, p, filters, (3, 3), block_id=f"normal_right2_{block_id}")
    x2 = b.layer("Add", name=f"normal_add_2_{block_id}")([x2_1, x2_2])

    x3 = _avg_same(b, h, f"normal_left3_{block_id}")
    x3 = b.layer("Add", name=f"normal_add_3_{block_id}")([x3, p])

    x4_1 = _avg_same(b, p, f"normal_left4_{block_id}")
    x4_2 = _avg_same(b, p, f"normal_right4_{block_id}")
    x4 = b.layer("Add", name=f"normal_add_4_{block_id}")([x4_1, x4_2])

    x5 = separable_conv_block(b, h, filters, block_id=f"normal_left5_{block_id}")
    x5 = b.layer("Add", name=f"normal_add_5_{block_id}")([x5, h])

    x = b.layer("Concatenate", axis=-1, name=f"normal_concat_{block_id}")([p, x1, x2, x3, x4, x5])
    return x, ip


def reduction_a_cell(b: Builder, ip: Tensor, p: Tensor | None, filters: int, block_id: str | None = None
                     ) -> tuple[Tensor, Tensor]:
    p = adjust_block(b, p, ip, filters, block_id)
    h = _relu(b, ip)
    h = b.layer("Conv2D", filters, (1, 1), strides=(1, 1), padding="same",
                name=f"reduction_conv_1_{block_id}", use_bias=False)(h)
    h = _bn(b, h, f"reduction_bn_1_{block_id}")
    h3 = b.layer("ZeroPadding2D", padding=correct_pad(h.shape, 3), name=f"reduction_pad_1_{block_id}")(h)

    x1_1 = separable_conv_block(b, h, filters, (5, 5), strides=(2, 2),
                                block_id=f"reduction_left1_{block_id}")
    x1_2 = separable_conv_block(b, p, filters, (7, 7), strides=(2, 2),
                                block_id=f"reduction_right1_{block_id}")
    x1 = b.layer("Add", name=f"reduction_add_1_{block_id}")([x1_1, x1_2])

    x2_1 = b.layer("MaxPooling2D", (3, 3), strides=(2, 2), padding="valid",
                   name=f"reduction_left2_{block_id}")(h3)
    x2_2 = separable_conv_block(b, p, filters, (7, 7), strides=(2, 2),
                                block_id=f"reduction_right2_{block_id}")
    x2 = b.layer("Add", name=f"reduction_add_2_{block_id}")([x2_1, x2_2])

    x3_1 = b.layer("AveragePooling2D", (3, 3), strides=(2, 2), padding="valid",
                   name=f"reduction_left3_{block_id}")(h3)
    x3_2 = separable_conv_block(b, p, filters, (5, 5), strides=(2, 2),
                                block_id=f"reduction_right3_{block_id}")
    x3 = b.layer("Add", name=f"reduction_add3_{block_id}")([x3_1, x3_2])

    x4 = _avg_same(b, x1, f"reduction_left4_{block_id}")
    x4 = b.layer("Add")([x2, x4])

    x5_1 = separable_conv_block(b, x1, filters, (3, 3), block_id=f"reduction_left4_{block_id}")
    x5_2 = b.layer("MaxPooling2D", (3, 3), strides=(2, 2), padding="valid",
                   name=f"reduction_right5_{block_id}")(h3)
    x5 = b.layer("Add", name=f"reduction_add4_{block_id}")([x5_1, x5_2])

    x = b.layer("Concatenate", axis=-1, name=f"reduction_concat_{block_id}")([x2, x3, x4, x5])
    return x, ip


def nasnet(args: Args, b: Builder, input_shape: object, penultimate_filters: int, num_blocks: int,
           stem_block_filters: int, skip_reduction: bool, filter_multiplier: int, default_size: int) -> AppModel:
    """``nasnet.NASNet``."""
    why = Derivation()
    include_top = flag(args, "include_top")
    weights, classes = args["weights"], args["classes"]
    imagenet = is_imagenet(weights)
    check_classes(args, 'If using `weights` as `"imagenet"` with `include_top` as true, '
                        "`classes` should be 1000")
    if isinstance(input_shape, tuple) and None in input_shape and imagenet is True:
        raise ShapeError("invalid-argument",
                         "When specifying the input shape of a NASNet and loading `ImageNet` "
                         "weights, the input_shape argument must be static (no None entries). "
                         f"Got: `input_shape={input_shape!r}`.")
    input_shape = obtain_input_shape(input_shape, default_size, 32, include_top, weights, why)
    img_input = image_input(b, args, input_shape)

    filters = penultimate_filters // 24
    x = b.layer("Conv2D", stem_block_filters, (3, 3), strides=(2, 2), padding="valid",
                use_bias=False, name="stem_conv1")(img_input)
    x = _bn(b, x, "stem_bn1")
    p = None
    x, p = reduction_a_cell(b, x, p, filters // (filter_multiplier**2), block_id="stem_1")
    x, p = reduction_a_cell(b, x, p, filters // filter_multiplier, block_id="stem_2")
    for i in range(num_blocks):
        x, p = normal_a_cell(b, x, p, filters, block_id=f"{i}")
    x, p0 = reduction_a_cell(b, x, p, filters * filter_multiplier, block_id=f"reduce_{num_blocks}")
    p = p0 if not skip_reduction else p
    for i in range(num_blocks):
        x, p = normal_a_cell(b, x, p, filters * filter_multiplier, block_id=f"{num_blocks + i + 1}")
    x, p0 = reduction_a_cell(b, x, p, filters * filter_multiplier**2,
                             block_id=f"reduce_{2 * num_blocks}")
    p = p0 if not skip_reduction else p
    for i in range(num_blocks):
        x, p = normal_a_cell(b, x, p, filters * filter_multiplier**2,
                             block_id=f"{2 * num_blocks + i + 1}")
    x = _relu(b, x)
    if include_top:
        x = b.layer("GlobalAveragePooling2D")(x)
        validate_activation(args["classifier_activation"], weights)
        x = b.layer("Dense", classes, activation=args["classifier_activation"], name="predictions")(x)
    else:
        x = top_or_pooling(b, args, x)
    return b.model(img_input, x, args["name"], why)


@application("NASNetMobile", SIGNATURE.format(name="nasnet_mobile"))
def nasnet_mobile(args: Args, b: Builder) -> AppModel:
    input_shape = args["input_shape"]
    if not decide(args["include_top"], "include_top") and input_shape is None:
        input_shape = (224, 224, 3)
    return nasnet(args, b, input_shape, penultimate_filters=1056, num_blocks=4,
                  stem_block_filters=32, skip_reduction=False, filter_multiplier=2,
                  default_size=224)


@application("NASNetLarge", SIGNATURE.format(name="nasnet_large"))
def nasnet_large(args: Args, b: Builder) -> AppModel:
    return nasnet(args, b, args["input_shape"], penultimate_filters=4032, num_blocks=6,
                  stem_block_filters=96, skip_reduction=True, filter_multiplier=2,
                  default_size=331)
