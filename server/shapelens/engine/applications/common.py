"""What every application shares: the registry of Keras application functions, and mirrors of
``keras.src.applications.imagenet_utils`` (``obtain_input_shape``, ``correct_pad``,
``validate_activation``) and of the argument checks each function starts with.

The engine assumes Keras's default ``image_data_format()``, ``"channels_last"``.  Every check is
three-valued: an error is raised only when the values involved are known and Keras certainly
raises; a ``?`` skips the check.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, TypeVar

from ..args import Args
from ..derivation import Derivation
from ..errors import ShapeError
from ..layers.core import require_activation
from ..shape import UNKNOWN, Unknown, format_shape, is_int
from .builder import AppModel, Builder, Tensor, decide

Build = Callable[[Args, Builder], AppModel]
B = TypeVar("B", bound=Build)


@dataclass(frozen=True)
class Application:
    keras_name: str          # "ResNet50"
    signature: str           # the Keras function's parameter list
    build: Build


APPLICATIONS: dict[str, Application] = {}


def application(keras_name: str, signature: str) -> Callable[[B], B]:
    """Register a builder for ``keras.applications.<keras_name>``."""

    def wrap(fn: B) -> B:
        APPLICATIONS[keras_name] = Application(keras_name, signature, fn)
        return fn

    return wrap


def standard_signature(name: str) -> str:
    """Keras's usual parameter list for the image classifiers (VGG16, ResNet50, ...)."""
    return ("include_top=True, weights='imagenet', input_tensor=None, input_shape=None, "
            f"pooling=None, classes=1000, classifier_activation='softmax', name='{name}'")


def is_imagenet(weights: object) -> bool | Unknown:
    """``weights == "imagenet"``: True, False, or ``?``."""
    return UNKNOWN if weights is UNKNOWN else weights == "imagenet"


def check_classes(args: Args, message: str) -> None:
    """``if weights == "imagenet" and include_top and classes != 1000: raise`` (each family
    words it differently; ``{classes}`` in ``message`` is filled in)."""
    classes, include_top = args["classes"], args["include_top"]
    if (is_imagenet(args["weights"]) is True and include_top is not UNKNOWN and include_top
            and classes is not UNKNOWN and classes != 1000):
        raise ShapeError("invalid-argument", message.format(classes=classes))


def validate_activation(classifier_activation: object, weights: object) -> None:
    """``imagenet_utils.validate_activation``: with pretrained weights only ``softmax`` (or no
    activation: ``None``, ``"linear"``) is allowed on the classifier."""
    if weights is None or weights is UNKNOWN:
        return
    require_activation(classifier_activation)
    if isinstance(classifier_activation, str) and classifier_activation not in ("softmax", "linear"):
        raise ShapeError(
            "invalid-argument",
            "Only `None` and `softmax` activations are allowed for the `classifier_activation` "
            "argument when using pretrained weights, with `include_top=True`; Received: "
            f"classifier_activation=<function {classifier_activation}>",
        )


def _differs(a: object, b: object) -> bool | Unknown:
    """``a != b`` for shapes or dims: True, False, or ``?``."""
    if isinstance(a, tuple) and isinstance(b, tuple):
        if len(a) != len(b):
            return True
        results = [_differs(x, y) for x, y in zip(a, b)]
        if True in results:
            return True
        return UNKNOWN if UNKNOWN in results else False
    if a is UNKNOWN or b is UNKNOWN:
        return UNKNOWN
    return a != b


def _smaller(dim: object, min_size: int) -> bool:
    return is_int(dim) and dim < min_size


def obtain_input_shape(input_shape: Any, default_size: object, min_size: int, require_flatten: bool, weights: object,
                       why: Derivation) -> tuple[Any, ...]:
    """``input_shape``: the user's value (``?``, ``None``, or a sequence the checks below read)."""
    """``imagenet_utils.obtain_input_shape`` for ``channels_last``: the image shape (without
    the batch axis) the model is built for, or Keras's ``ValueError``."""
    imagenet = is_imagenet(weights)
    default_shape = (default_size, default_size, 3)
    if input_shape is UNKNOWN:
        if require_flatten and imagenet is True:
            return _chosen(default_shape, "the default size (include_top with imagenet weights)", why)
        return (UNKNOWN, UNKNOWN, UNKNOWN)
    if imagenet is True and require_flatten:
        if input_shape is not None and _differs(input_shape, default_shape) is True:
            raise ShapeError(
                "invalid-argument",
                "When setting `include_top=True` and loading `imagenet` weights, `input_shape` "
                f"should be {default_shape}.  Received: input_shape={_show(input_shape)}",
            )
        return _chosen(default_shape, "the default size (include_top with imagenet weights)", why)
    if input_shape:
        if len(input_shape) != 3:
            raise ShapeError("invalid-argument", "`input_shape` must be a tuple of three integers.")
        channels = input_shape[-1]
        if imagenet is True and channels is not UNKNOWN and channels != 3:
            raise ShapeError("invalid-argument",
                             f"The input must have 3 channels; Received `input_shape={_show(input_shape)}`")
        if _smaller(input_shape[0], min_size) or _smaller(input_shape[1], min_size):
            raise ShapeError("invalid-argument",
                             f"Input size must be at least {min_size}x{min_size}; Received: "
                             f"input_shape={_show(input_shape)}")
        result = tuple(input_shape)
    elif require_flatten:
        result = _chosen(default_shape, f"the default size {default_size}", why)
    else:
        result = _chosen((None, None, 3), "any size (include_top=False)", why)
    if require_flatten and None in result:
        raise ShapeError("invalid-argument",
                         "If `include_top` is True, you should specify a static `input_shape`. "
                         f"Received: input_shape={_show(input_shape if input_shape else result)}")
    return result


def _chosen(shape: tuple[Any, ...], reason: str, why: Derivation) -> tuple[Any, ...]:
    why.step("input_shape", reason, "", format_shape(shape))
    return shape


def _show(shape: object) -> str:
    """Python's own spelling of a shape in Keras's messages (``(224, 224, 3)``, ``[224, 224]``)."""
    if isinstance(shape, tuple):
        return format_shape(shape)
    return repr(shape)


def correct_pad(shape: object, kernel_size: int | tuple[int, int]) -> tuple[tuple[Any, int], ...]:
    """``imagenet_utils.correct_pad``: padding for a stride-2 convolution on ``shape``:
    ``k // 2`` after, one less before an even (or ``None``) side.  Keras decides on the height
    alone whether sizes are ``None``, so a ``?`` height leaves an odd width's padding unknown."""
    if isinstance(kernel_size, int):
        kernel_size = (kernel_size, kernel_size)
    rows, cols = (shape[1], shape[2]) if isinstance(shape, tuple) else (UNKNOWN, UNKNOWN)
    if is_int(rows) and cols is None:
        raise ShapeError(
            "invalid-argument",
            "unsupported operand type(s) for %: 'NoneType' and 'int' (imagenet_utils.correct_pad "
            f"on an input of shape {format_shape(shape)}: a known height with a None width)",
        )
    adjust: tuple[int | Unknown, int | Unknown]
    adjust_cols: int | Unknown
    if rows is None:
        adjust = (1, 1)
    else:
        adjust_rows = UNKNOWN if rows is UNKNOWN else 1 - rows % 2
        if cols is None or (is_int(cols) and cols % 2 == 0):
            adjust_cols = 1          # whether the height is None or not
        elif is_int(cols) and is_int(rows):
            adjust_cols = 0
        else:
            adjust_cols = UNKNOWN
        adjust = (adjust_rows, adjust_cols)
    return tuple((UNKNOWN if a is UNKNOWN else k // 2 - a, k // 2) for a, k in zip(adjust, kernel_size))


def image_input(b: Builder, args: Args, input_shape: object) -> Tensor:
    """``img_input``: a new ``Input(shape=input_shape)``, or the user's ``input_tensor`` (a
    tensor of another graph: the model's input rows are the caller's)."""
    tensor = args["input_tensor"]
    if tensor is None:
        return b.input(input_shape)
    if tensor is UNKNOWN:
        return Tensor((UNKNOWN,) * 4)
    return Tensor(tuple(tensor) if isinstance(tensor, (tuple, list)) else UNKNOWN)


def top_or_pooling(b: Builder, args: Args, x: Tensor, pool_names: tuple[str | None, str | None] = (None, None)
                   ) -> Tensor:
    """The ``else`` branch most families end with: ``pooling="avg"`` / ``"max"`` (any other
    value leaves the feature map)."""
    pooling = decide(args["pooling"], "pooling")
    if pooling == "avg":
        return b.layer("GlobalAveragePooling2D", name=pool_names[0])(x)
    if pooling == "max":
        return b.layer("GlobalMaxPooling2D", name=pool_names[1])(x)
    return x


def flag(args: Args, name: str) -> bool:
    """A boolean argument that shapes the architecture (``include_top``): its truth value."""
    return bool(decide(args[name], name))
