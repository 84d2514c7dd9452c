"""MobileNet, MobileNetV2, MobileNetV3Small and MobileNetV3Large
(``keras/src/applications/mobilenet.py``, ``mobilenet_v2.py``, ``mobilenet_v3.py``)."""

from __future__ import annotations

from typing import Any, Callable, Sequence

from ..args import Args
from ..derivation import Derivation
from ..errors import ShapeError
from ..layers.merging import broadcast_shapes
from ..shape import UNKNOWN, format_shape, is_int
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


def _square_default(shape: Sequence[object], sizes: tuple[int, ...]) -> object:
    """``rows, cols = shape[0], shape[1]``; ``default_size = rows if rows == cols and rows in
    sizes else 224``."""
    if len(shape) < 2:
        raise ShapeError("invalid-argument",
                         f"tuple index out of range (reading rows and cols of input_shape={shape!r})")
    rows, cols = shape[0], shape[1]
    if rows is UNKNOWN or cols is UNKNOWN:
        return UNKNOWN
    return rows if rows == cols and rows in sizes else 224


def _model_name(args: Args, prefix: str, alpha: object, rows: object, cols: object, sizes: tuple[int, ...]) -> object:
    """``f"{prefix}_{alpha:0.2f}_{rows}"`` unless ``name`` is given; loading imagenet weights
    for a size without weights of its own names the model after 224."""
    if args["name"] is not None:
        return args["name"]
    imagenet = is_imagenet(args["weights"])
    if imagenet is not False:
        if rows is UNKNOWN or cols is UNKNOWN:
            return UNKNOWN
        if rows != cols or rows not in sizes:
            if imagenet is UNKNOWN:
                return UNKNOWN
            rows = 224
    if rows is UNKNOWN or not isinstance(alpha, (int, float)):
        return UNKNOWN
    return f"{prefix}_{alpha:0.2f}_{rows}"


# ---- MobileNet (V1) ------------------------------------------------------------------------

V1_SIZES = (128, 160, 192, 224)


@application("MobileNet", "input_shape=None, alpha=1.0, depth_multiplier=1, dropout=1e-3, "
                          "include_top=True, weights='imagenet', input_tensor=None, pooling=None, "
                          "classes=1000, classifier_activation='softmax', name=None")
def mobilenet_v1(args: Args, b: Builder) -> AppModel:
    why = Derivation()
    include_top = flag(args, "include_top")
    alpha = decide(args["alpha"], "alpha")
    depth_multiplier, weights = args["depth_multiplier"], args["weights"]
    check_classes(args, "If using `weights='imagenet'` with `include_top=True`, `classes` should "
                        "be 1000.  Received classes={classes}")
    input_shape = args["input_shape"]
    default_size: object
    if input_shape is None:
        default_size = 224
    elif input_shape is UNKNOWN:
        default_size = UNKNOWN
    else:
        default_size = _square_default(input_shape, V1_SIZES)
    input_shape = obtain_input_shape(input_shape, default_size, 32, include_top, weights, why)
    rows, cols = input_shape[0], input_shape[1]
    if is_imagenet(weights) is True:
        if depth_multiplier is not UNKNOWN and depth_multiplier != 1:
            raise ShapeError("invalid-argument",
                             "If imagenet weights are being loaded, depth multiplier must be 1.  "
                             f"Received depth_multiplier={depth_multiplier}")
        if alpha not in (0.25, 0.50, 0.75, 1.0):
            raise ShapeError("invalid-argument",
                             "If imagenet weights are being loaded, alpha can be one of`0.25`, "
                             f"`0.50`, `0.75` or `1.0` only.  Received alpha={alpha}")
    img_input = image_input(b, args, input_shape)

    x = _conv_block(b, img_input, 32, alpha, strides=(2, 2))
    plan = ((64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), (512, 1), (512, 1),
            (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1))
    for block_id, (filters, stride) in enumerate(plan, 1):
        x = _depthwise_conv_block(b, x, filters, alpha, depth_multiplier, (stride, stride), block_id)

    if include_top:
        classes = args["classes"]
        x = b.layer("GlobalAveragePooling2D", keepdims=True)(x)
        x = b.layer("Dropout", args["dropout"], name="dropout")(x)
        x = b.layer("Conv2D", classes, (1, 1), padding="same", name="conv_preds")(x)
        x = b.layer("Reshape", (classes,), name="reshape_2")(x)
        validate_activation(args["classifier_activation"], weights)
        x = b.layer("Activation", activation=args["classifier_activation"], name="predictions")(x)
    else:
        x = top_or_pooling(b, args, x)
    return b.model(img_input, x, _model_name(args, "mobilenet", alpha, rows, cols, V1_SIZES), why)


def _conv_block(b: Builder, inputs: Tensor, filters: int, alpha: float, kernel: tuple[int, int] = (3, 3),
                strides: tuple[int, int] = (1, 1)) -> Tensor:
    filters = int(filters * alpha)
    x = b.layer("Conv2D", filters, kernel, padding="same", use_bias=False, strides=strides,
                name="conv1")(inputs)
    x = b.layer("BatchNormalization", axis=-1, name="conv1_bn")(x)
    return b.layer("ReLU", 6.0, name="conv1_relu")(x)


def _depthwise_conv_block(b: Builder, inputs: Tensor, pointwise_conv_filters: int, alpha: float,
                          depth_multiplier: object = 1, strides: tuple[int, int] = (1, 1), block_id: int = 1) -> Tensor:
    pointwise_conv_filters = int(pointwise_conv_filters * alpha)
    if strides == (1, 1):
        x = inputs
    else:
        x = b.layer("ZeroPadding2D", ((0, 1), (0, 1)), name=f"conv_pad_{block_id}")(inputs)
    x = b.layer("DepthwiseConv2D", (3, 3), padding="same" if strides == (1, 1) else "valid",
                depth_multiplier=depth_multiplier, strides=strides, use_bias=False,
                name=f"conv_dw_{block_id}")(x)
    x = b.layer("BatchNormalization", axis=-1, name=f"conv_dw_{block_id}_bn")(x)
    x = b.layer("ReLU", 6.0, name=f"conv_dw_{block_id}_relu")(x)
    x = b.layer("Conv2D", pointwise_conv_filters, (1, 1), padding="same", use_bias=False,
                strides=(1, 1), name=f"conv_pw_{block_id}")(x)
    x = b.layer("BatchNormalization", axis=-1, name=f"conv_pw_{block_id}_bn")(x)
    return b.layer("ReLU", 6.0, name=f"conv_pw_{block_id}_relu")(x)


# ---- MobileNetV2 ----------------------------------------------------------------------------

V2_SIZES = (96, 128, 160, 192, 224)


def _make_divisible(v: float, divisor: int, min_value: int | None = None) -> int:
    if min_value is None:
        min_value = divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


def _check_input_tensor(input_tensor: object, input_shape: Any, message: str) -> None:
    """MobileNetV2/V3: with both ``input_shape`` and a Keras ``input_tensor``, the tensor's
    width must equal ``input_shape[1]``."""
    if input_shape is None or input_tensor in (None, UNKNOWN) or input_shape is UNKNOWN:
        return
    if not isinstance(input_tensor, tuple) or len(input_tensor) < 3 or len(input_shape) < 2:
        return
    width, expected = input_tensor[2], input_shape[1]
    if width is not UNKNOWN and expected is not UNKNOWN and width != expected:
        raise ShapeError("invalid-argument", message.format(
            tensor=format_shape(input_tensor), shape=format_shape(tuple(input_shape))))


@application("MobileNetV2", "input_shape=None, alpha=1.0, include_top=True, weights='imagenet', "
                            "input_tensor=None, pooling=None, classes=1000, "
                            "classifier_activation='softmax', name=None")
def mobilenet_v2(args: Args, b: Builder) -> AppModel:
    why = Derivation()
    include_top = flag(args, "include_top")
    alpha = decide(args["alpha"], "alpha")
    weights, input_shape, input_tensor = args["weights"], args["input_shape"], args["input_tensor"]
    classes = args["classes"]
    check_classes(args, 'If using `weights="imagenet"` with `include_top` as true, `classes` '
                        "should be 1000. Received `classes={classes}`")
    _check_input_tensor(input_tensor, input_shape,
                        "input_tensor.shape[2] must equal input_shape[1]; Received "
                        "`input_tensor.shape={tensor}`, `input_shape={shape}`")
    if input_shape is None and input_tensor is not None:
        if isinstance(input_tensor, tuple) and len(input_tensor) >= 3:
            default_size = _square_default(input_tensor[1:3], V2_SIZES)
        else:
            default_size = UNKNOWN
    elif input_shape is None:
        default_size = 224
    elif input_shape is UNKNOWN:
        default_size = UNKNOWN
    else:
        default_size = _square_default(input_shape, V2_SIZES)
    input_shape = obtain_input_shape(input_shape, default_size, 32, include_top, weights, why)
    rows, cols = input_shape[0], input_shape[1]
    if is_imagenet(weights) is True and alpha not in (0.35, 0.50, 0.75, 1.0, 1.3, 1.4):
        raise ShapeError("invalid-argument",
                         "If imagenet weights are being loaded, alpha must be one of `0.35`, "
                         "`0.50`, `0.75`, `1.0`, `1.3` or `1.4` only; Received "
                         f"`alpha={alpha}`")
    img_input = image_input(b, args, input_shape)

    first_block_filters = _make_divisible(32 * alpha, 8)
    x = b.layer("Conv2D", first_block_filters, kernel_size=3, strides=(2, 2), padding="same",
                use_bias=False, name="Conv1")(img_input)
    x = b.layer("BatchNormalization", axis=-1, epsilon=1e-3, momentum=0.999, name="bn_Conv1")(x)
    x = b.layer("ReLU", 6.0, name="Conv1_relu")(x)
    plan = ((16, 1, 1), (24, 2, 6), (24, 1, 6), (32, 2, 6), (32, 1, 6), (32, 1, 6), (64, 2, 6),
            (64, 1, 6), (64, 1, 6), (64, 1, 6), (96, 1, 6), (96, 1, 6), (96, 1, 6), (160, 2, 6),
            (160, 1, 6), (160, 1, 6), (320, 1, 6))
    for block_id, (filters, stride, expansion) in enumerate(plan):
        x = _inverted_res_block_v2(b, x, expansion, stride, alpha, filters, block_id)
    last_block_filters = _make_divisible(1280 * alpha, 8) if alpha > 1.0 else 1280
    x = b.layer("Conv2D", last_block_filters, kernel_size=1, use_bias=False, name="Conv_1")(x)
    x = b.layer("BatchNormalization", axis=-1, epsilon=1e-3, momentum=0.999, name="Conv_1_bn")(x)
    x = b.layer("ReLU", 6.0, name="out_relu")(x)
    if include_top:
        x = b.layer("GlobalAveragePooling2D")(x)
        validate_activation(args["classifier_activation"], weights)
        x = b.layer("Dense", classes, activation=args["classifier_activation"], name="predictions")(x)
    else:
        x = top_or_pooling(b, args, x)
    return b.model(img_input, x, _model_name(args, "mobilenetv2", alpha, rows, cols, V2_SIZES), why)


def _inverted_res_block_v2(b: Builder, inputs: Tensor, expansion: int, stride: int, alpha: float, filters: int,
                           block_id: int) -> Tensor:
    in_channels = inputs.shape[-1]
    pointwise_filters = _make_divisible(int(filters * alpha), 8)
    x = inputs
    prefix = f"block_{block_id}_"
    if block_id:
        x = b.layer("Conv2D", expansion * in_channels, kernel_size=1, padding="same",
                    use_bias=False, activation=None, name=f"{prefix}expand")(x)
        x = b.layer("BatchNormalization", axis=-1, epsilon=1e-3, momentum=0.999,
                    name=f"{prefix}expand_BN")(x)
        x = b.layer("ReLU", 6.0, name=f"{prefix}expand_relu")(x)
    else:
        prefix = "expanded_conv_"
    if stride == 2:
        x = b.layer("ZeroPadding2D", padding=correct_pad(x.shape, 3), name=f"{prefix}pad")(x)
    x = b.layer("DepthwiseConv2D", kernel_size=3, strides=stride, activation=None, use_bias=False,
                padding="same" if stride == 1 else "valid", name=f"{prefix}depthwise")(x)
    x = b.layer("BatchNormalization", axis=-1, epsilon=1e-3, momentum=0.999,
                name=f"{prefix}depthwise_BN")(x)
    x = b.layer("ReLU", 6.0, name=f"{prefix}depthwise_relu")(x)
    x = b.layer("Conv2D", pointwise_filters, kernel_size=1, padding="same", use_bias=False,
                activation=None, name=f"{prefix}project")(x)
    x = b.layer("BatchNormalization", axis=-1, epsilon=1e-3, momentum=0.999,
                name=f"{prefix}project_BN")(x)
    if same(in_channels, pointwise_filters, "input channels") and stride == 1:
        return b.layer("Add", name=f"{prefix}add")([inputs, x])
    return x


# ---- MobileNetV3 ----------------------------------------------------------------------------

V3_SIGNATURE = ("input_shape=None, alpha=1.0, minimalistic=False, include_top=True, "
                "weights='imagenet', input_tensor=None, classes=1000, pooling=None, "
                "dropout_rate=0.2, classifier_activation='softmax', include_preprocessing=True, "
                "name='{name}'")

def _depth(v: float, divisor: int = 8, min_value: int | None = None) -> int:
    return _make_divisible(v, divisor, min_value)


def _relu(b: Builder, x: Tensor) -> Tensor:
    return b.layer("ReLU")(x)


def _hard_sigmoid(b: Builder, x: Tensor) -> Tensor:
    """``layers.ReLU(6.0)(x + 3.0) * (1.0 / 6.0)``: two bare operations around a ReLU."""
    x = b.op("Add", [x], broadcast_shapes(x.shape, ()))
    x = b.layer("ReLU", 6.0)(x)
    return b.op("Multiply", [x], broadcast_shapes(x.shape, ()))


def _hard_swish(b: Builder, x: Tensor) -> Tensor:
    return b.layer("Activation", "hard_swish")(x)


def _se_block(b: Builder, inputs: Tensor, filters: int, se_ratio: float, prefix: str) -> Tensor:
    x = b.layer("GlobalAveragePooling2D", keepdims=True, name=f"{prefix}squeeze_excite_avg_pool")(inputs)
    x = b.layer("Conv2D", _depth(filters * se_ratio), kernel_size=1, padding="same",
                name=f"{prefix}squeeze_excite_conv")(x)
    x = b.layer("ReLU", name=f"{prefix}squeeze_excite_relu")(x)
    x = b.layer("Conv2D", filters, kernel_size=1, padding="same",
                name=f"{prefix}squeeze_excite_conv_1")(x)
    x = _hard_sigmoid(b, x)
    return b.layer("Multiply", name=f"{prefix}squeeze_excite_mul")([inputs, x])


def _inverted_res_block_v3(b: Builder, x: Tensor, expansion: float, filters: int, kernel_size: int, stride: int,
                           se_ratio: float | None, activation: Callable[[Builder, Tensor], Tensor],
                           block_id: int) -> Tensor:
    shortcut = x
    prefix = "expanded_conv_"
    infilters = x.shape[-1]
    if block_id:
        prefix = f"expanded_conv_{block_id}_"
        x = b.layer("Conv2D", _depth(infilters * expansion), kernel_size=1, padding="same",
                    use_bias=False, name=f"{prefix}expand")(x)
        x = b.layer("BatchNormalization", axis=-1, epsilon=1e-3, momentum=0.999,
                    name=f"{prefix}expand_bn")(x)
        x = activation(b, x)
    if stride == 2:
        x = b.layer("ZeroPadding2D", padding=correct_pad(x.shape, kernel_size),
                    name=f"{prefix}depthwise_pad")(x)
    x = b.layer("DepthwiseConv2D", kernel_size, strides=stride,
                padding="same" if stride == 1 else "valid", use_bias=False,
                name=f"{prefix}depthwise")(x)
    x = b.layer("BatchNormalization", axis=-1, epsilon=1e-3, momentum=0.999,
                name=f"{prefix}depthwise_bn")(x)
    x = activation(b, x)
    if se_ratio:
        x = _se_block(b, x, _depth(infilters * expansion), se_ratio, prefix)
    x = b.layer("Conv2D", filters, kernel_size=1, padding="same", use_bias=False,
                name=f"{prefix}project")(x)
    x = b.layer("BatchNormalization", axis=-1, epsilon=1e-3, momentum=0.999,
                name=f"{prefix}project_bn")(x)
    if stride == 1 and same(infilters, filters, "input channels"):
        x = b.layer("Add", name=f"{prefix}add")([shortcut, x])
    return x


# (expansion, filters, kernel ("k": the model's kernel), stride, squeeze-excite, activation ("a":
# the model's activation)) for each inverted residual block, as in Keras's stack_fn.
SMALL_BLOCKS = (
    (1, 16, 3, 2, True, "relu"), (72.0 / 16, 24, 3, 2, False, "relu"),
    (88.0 / 24, 24, 3, 1, False, "relu"), (4, 40, "k", 2, True, "a"), (6, 40, "k", 1, True, "a"),
    (6, 40, "k", 1, True, "a"), (3, 48, "k", 1, True, "a"), (3, 48, "k", 1, True, "a"),
    (6, 96, "k", 2, True, "a"), (6, 96, "k", 1, True, "a"), (6, 96, "k", 1, True, "a"),
)
LARGE_BLOCKS = (
    (1, 16, 3, 1, False, "relu"), (4, 24, 3, 2, False, "relu"), (3, 24, 3, 1, False, "relu"),
    (3, 40, "k", 2, True, "relu"), (3, 40, "k", 1, True, "relu"), (3, 40, "k", 1, True, "relu"),
    (6, 80, 3, 2, False, "a"), (2.5, 80, 3, 1, False, "a"), (2.3, 80, 3, 1, False, "a"),
    (2.3, 80, 3, 1, False, "a"), (6, 112, 3, 1, True, "a"), (6, 112, 3, 1, True, "a"),
    (6, 160, "k", 2, True, "a"), (6, 160, "k", 1, True, "a"), (6, 160, "k", 1, True, "a"),
)


def mobilenet_v3(args: Args, b: Builder, blocks: tuple[tuple[Any, ...], ...], last_point_ch: int) -> AppModel:
    """``mobilenet_v3.MobileNetV3``."""
    why = Derivation()
    include_top = flag(args, "include_top")
    alpha = decide(args["alpha"], "alpha")
    minimalistic = flag(args, "minimalistic")
    weights, input_shape, input_tensor = args["weights"], args["input_shape"], args["input_tensor"]
    classes = args["classes"]
    check_classes(args, 'If using `weights="imagenet"` with `include_top` as true, `classes` '
                        "should be 1000.  Received classes={classes}")
    _check_input_tensor(input_tensor, input_shape,
                        "input_shape[1] must equal input_tensor.shape[2].  Received "
                        "input_shape={shape}, input_tensor.shape={tensor}")
    if input_shape is None and input_tensor is not None:
        if isinstance(input_tensor, tuple) and len(input_tensor) >= 3:
            input_shape = (input_tensor[2], input_tensor[1], 3)
        else:
            input_shape = (UNKNOWN, UNKNOWN, 3)
    if input_shape is None:
        input_shape = (None, None, 3)
    if input_shape is UNKNOWN:
        input_shape = (UNKNOWN, UNKNOWN, UNKNOWN)
    rows, cols = input_shape[0], input_shape[1]
    if rows and cols and is_int(rows) and is_int(cols) and (rows < 32 or cols < 32):
        raise ShapeError("invalid-argument",
                         "Input size must be at least 32x32; Received `input_shape="
                         f"{format_shape(tuple(input_shape))}`")
    if is_imagenet(weights) is True and (
            (not minimalistic and alpha not in (0.75, 1.0)) or (minimalistic and alpha != 1.0)):
        raise ShapeError("invalid-argument",
                         "If imagenet weights are being loaded, alpha can be one of `0.75`, "
                         "`1.0` for non minimalistic or `1.0` for minimalistic only.")
    why.step("input_shape", "input_shape (any size when not given)", "", format_shape(tuple(input_shape)))
    img_input = image_input(b, args, tuple(input_shape))

    if minimalistic:
        kernel, activation, se_ratio = 3, _relu, None
    else:
        kernel, activation, se_ratio = 5, _hard_swish, 0.25
    x = img_input
    if flag(args, "include_preprocessing"):
        x = b.layer("Rescaling", scale=1.0 / 127.5, offset=-1.0)(x)
    x = b.layer("Conv2D", 16, kernel_size=3, strides=(2, 2), padding="same", use_bias=False,
                name="conv")(x)
    x = b.layer("BatchNormalization", axis=-1, epsilon=1e-3, momentum=0.999, name="conv_bn")(x)
    x = activation(b, x)
    for block_id, (expansion, filters, k, stride, se, act) in enumerate(blocks):
        x = _inverted_res_block_v3(
            b, x, expansion, _depth(filters * alpha), kernel if k == "k" else k, stride,
            se_ratio if se else None, activation if act == "a" else _relu, block_id)
    last_conv_ch = _depth(x.shape[-1] * 6)
    if alpha > 1.0:
        last_point_ch = _depth(last_point_ch * alpha)
    x = b.layer("Conv2D", last_conv_ch, kernel_size=1, padding="same", use_bias=False,
                name="conv_1")(x)
    x = b.layer("BatchNormalization", axis=-1, epsilon=1e-3, momentum=0.999, name="conv_1_bn")(x)
    x = activation(b, x)
    if include_top:
        x = b.layer("GlobalAveragePooling2D", keepdims=True)(x)
        x = b.layer("Conv2D", last_point_ch, kernel_size=1, padding="same", use_bias=True,
                    name="conv_2")(x)
        x = activation(b, x)
        if decide(args["dropout_rate"], "dropout_rate") > 0:
            x = b.layer("Dropout", args["dropout_rate"])(x)
        x = b.layer("Conv2D", classes, kernel_size=1, padding="same", name="logits")(x)
        x = b.layer("Flatten")(x)
        validate_activation(args["classifier_activation"], weights)
        x = b.layer("Activation", activation=args["classifier_activation"], name="predictions")(x)
    else:
        x = top_or_pooling(b, args, x, ("avg_pool", "max_pool"))
    return b.model(img_input, x, args["name"], why)


@application("MobileNetV3Small", V3_SIGNATURE.format(name="MobileNetV3Small"))
def mobilenet_v3_small(args: Args, b: Builder) -> AppModel:
    return mobilenet_v3(args, b, SMALL_BLOCKS, 1024)


@application("MobileNetV3Large", V3_SIGNATURE.format(name="MobileNetV3Large"))
def mobilenet_v3_large(args: Args, b: Builder) -> AppModel:
    return mobilenet_v3(args, b, LARGE_BLOCKS, 1280)

