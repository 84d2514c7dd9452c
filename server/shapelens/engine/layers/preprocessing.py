"""Preprocessing layers (``keras/src/layers/preprocessing/``).

* Data layers: Rescaling, Normalization (its adapted statistics are non-trainable weights),
  CategoryEncoding, Discretization, Hashing.
* Image layers (``image_preprocessing/``): Resizing, CenterCrop and RandomCrop set the height and
  width; every other one (RandomFlip, RandomRotation, RandomZoom, ... AugMix, RandAugment) keeps
  the input's shape.  On a symbolic input Keras only runs their ``compute_output_shape``, so the
  errors mirrored here are the constructor's argument checks.

* TextVectorization: no weights (its vocabulary is a lookup table); the
  output width of the non-``int`` modes is the vocabulary's size, known only with
  ``pad_to_max_tokens=True``.

Not covered: StringLookup, IntegerLookup (their output width depends on a vocabulary usually
adapted from data), HashedCrossing, Pipeline and the audio layers.
"""

from __future__ import annotations

import math
from typing import Any, Callable, ClassVar

from ..args import Args
from ..derivation import Derivation
from ..errors import ShapeError
from ..layer import NO_PARAMS, UNKNOWN_PARAMS, Layer, ParamCount, register
from ..shape import UNKNOWN, Dim, Shape, Shapes, Unknown, format_dim, format_shape, is_int
from ..utils import standardize_data_format
from .reshaping import keras_tensor_shape

NUMBER = (int, float)
FILL_MODES = ("reflect", "wrap", "constant", "nearest")
INTERPOLATIONS = ("nearest", "bilinear")


def _known(value: object) -> bool:
    """True when ``value`` holds no ``UNKNOWN`` (at any nesting level)."""
    if value is UNKNOWN:
        return False
    if isinstance(value, (tuple, list)):
        return all(_known(v) for v in value)
    return True


def _same_shape(input_shape: Shapes, why: Derivation) -> Shapes:
    why.step("output", "same shape as the input", "", format_shape(input_shape))
    return input_shape


# ---- argument checks shared by the image layers (mirroring their private helpers) ------------------

def check_factor(value: Any, bounds: tuple[Any, ...], name: str = "factor") -> None:
    """``BaseImagePreprocessingLayer._set_factor`` (and the layers' ``_set_factor_by_name``):
    a number in ``[low, high]`` or a pair overlapping it."""
    low, high = bounds
    message = (f"The `{name}` argument should be a number (or a list of two numbers) in the range "
               f"[{low}, {high}]. Received: factor={value}")
    if not _known(value):
        return
    if isinstance(value, (tuple, list)):
        if len(value) != 2 or not all(isinstance(v, NUMBER) for v in value):
            raise ShapeError("invalid-argument", message)
        if value[0] > high or value[1] < low:
            raise ShapeError("invalid-argument", message)
    elif isinstance(value, NUMBER):
        if value < low or value > high:
            raise ShapeError("invalid-argument", message)
    else:
        raise ShapeError("invalid-argument", message)


def check_each_factor(value: Any, name: str, out_of_range: Callable[[Any], bool], prefix: str) -> None:
    """RandomZoom / RandomTranslation / RandomShear / Solarization ``_set_factor``: a number, or a
    pair of numbers, each checked by ``out_of_range``."""
    if not _known(value):
        return
    items = value if isinstance(value, (tuple, list)) else (value,)
    if (isinstance(value, (tuple, list)) and len(value) != 2) or not all(isinstance(v, NUMBER) for v in items):
        raise ShapeError("invalid-argument", f"{prefix}Received: {name}={value}")
    for v in items:
        if out_of_range(v):
            raise ShapeError("invalid-argument", f"{prefix}Received: input_number={v}")


def check_value_range(value: object) -> None:
    if value is UNKNOWN:
        return
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise ShapeError("invalid-argument", "The `value_range` argument should be a list of two numbers. "
                                             f"Received: value_range={value}")


def check_choice(value: object, allowed: tuple[Any, ...], name: str) -> None:
    if _known(value) and value not in allowed:
        raise ShapeError("invalid-argument", f"Unknown `{name}` {value}. Expected of one {allowed}.")


def check_unit_interval(value: Any, message: str) -> None:
    """``if x < 0 or x > 1: raise`` (a non-number fails the comparison itself)."""
    if value is UNKNOWN:
        return
    if not isinstance(value, NUMBER) or value < 0 or value > 1:
        raise ShapeError("invalid-argument", message)


ZOOM: dict[str, Any]
ZOOM = dict(out_of_range=lambda v: v > 1.0 or v <= -1.0,
            prefix="The `height_factor` and `width_factor` arguments should be a number (or a list of "
                   "two numbers) in the range (-1.0, 1.0]. ")
TRANSLATION: dict[str, Any]
TRANSLATION = dict(out_of_range=lambda v: v > 1.0 or v < -1.0,
                   prefix="The `factor` argument should be a number (or a list of two numbers) in the "
                          "range [-1.0, 1.0]. ")
SHEAR: dict[str, Any]
SHEAR = dict(out_of_range=lambda v: v > 1.0 or v < 0.0,
             prefix="The `factor` argument should be a number (or a list of two numbers) in the range "
                    "[0, 1.0]. ")
SOLARIZATION: dict[str, Any]
SOLARIZATION = dict(out_of_range=lambda v: v > 1.0 or v < 0,
                    prefix="The `addition_factor` and `threshold_factor` arguments should be a number "
                           "(or a list of two numbers) in the range [0, 1]. ")


# ---- data layers ---------------------------------------------------------------------------------

@register("Rescaling")
class Rescaling(Layer):
    signature = "scale, offset=0.0, **kwargs"

    def compute_output_shape(self, input_shape: Shape, why: Derivation) -> Shapes:
        return _same_shape(input_shape, why)


def literal_shape(value: object) -> tuple[Any, ...] | None:
    """``np.shape`` of a (nested) list literal; ``None`` when it cannot be known statically."""
    if not _known(value):
        return None
    if not isinstance(value, (tuple, list)):
        return ()
    inner: list[Any] = [literal_shape(v) for v in value]
    if any(s is None for s in inner) or len(set(inner)) > 1:
        return None
    return (len(value),) + (inner[0] if inner else ())


@register("Normalization")
class Normalization(Layer):
    signature = "axis=-1, mean=None, variance=None, invert=False, **kwargs"

    def axes(self) -> tuple[Any, ...] | Unknown:
        axis = self.args["axis"]
        if axis is None:
            return ()
        if isinstance(axis, int):
            return (axis,)
        if isinstance(axis, (tuple, list)):
            return tuple(axis)
        if isinstance(axis, float):
            raise ShapeError("invalid-argument", f"'{type(axis).__name__}' object is not iterable")
        return UNKNOWN

    def validate(self) -> None:
        axes = self.axes()
        mean, variance = self.args["mean"], self.args["variance"]
        if mean is UNKNOWN or variance is UNKNOWN:
            return
        if (mean is None) != (variance is None):
            raise ShapeError("invalid-argument", "When setting values directly, both `mean` and `variance` "
                                                 f"must be set. Received: mean={mean} and variance={variance}")
        mean_shape, variance_shape = literal_shape(mean), literal_shape(variance)
        if mean is None or mean_shape is None or variance_shape is None:
            return
        if mean_shape != variance_shape:
            raise ShapeError("invalid-argument", "When setting values directly, `mean` and `variance` must "
                                                 f"have the same shape. Received: mean shape {mean_shape} and "
                                                 f"variance shape {variance_shape}")
        if axes is not UNKNOWN and len(mean_shape) > len(axes):
            raise ShapeError("invalid-argument", "The rank of `mean` must be less than or equal to the "
                                                 f"number of axes ({len(axes)}). Received: mean shape "
                                                 f"{mean_shape} for axis {axes}")

    def compute_output_shape(self, input_shape: Shape, why: Derivation) -> Shapes:
        return _same_shape(input_shape, why)

    def count_params(self, input_shape: Shape, why: Derivation) -> ParamCount:
        mean = self.args["mean"]
        given = None if mean is UNKNOWN else mean is not None     # None: not known statically
        axes = self.axes()
        if not isinstance(input_shape, tuple) or axes is UNKNOWN or not all(isinstance(a, int) for a in axes):
            return ParamCount(0, 0 if given else UNKNOWN)
        ndim = len(input_shape)
        if any(a < -ndim or a >= ndim for a in axes):
            raise ShapeError("wrong-rank", "All `axis` values must be in the range [-ndim, ndim). Received "
                                           f"inputs with ndim={ndim}, while axis={axes}")
        keep = sorted(a % ndim for a in axes)
        for d in keep:
            if input_shape[d] is None:
                raise ShapeError(
                    "undefined-dimension",
                    f"All `axis` values to be kept must have a known shape. Received axis={axes}, "
                    f"inputs.shape={format_shape(input_shape)}, with unknown axis at index {d}",
                )
        kept = [input_shape[d] for d in keep]
        if given:
            self.check_broadcast(literal_shape(mean), keep, input_shape)
            return ParamCount(0, 0)
        if given is None or any(d is UNKNOWN for d in kept):
            return ParamCount(0, UNKNOWN)
        size = math.prod(kept)
        broadcast = tuple(input_shape[d] if d in keep else 1 for d in range(ndim))
        if size != math.prod(broadcast):       # an axis listed twice: the statistics cannot reshape
            raise ShapeError("invalid-argument", f"cannot reshape array of shape {tuple(kept)} (size {size}) "
                                                 f"into shape {broadcast}: axis={axes} repeats an axis")
        if len(kept) > 1:
            why.step("features", "product of the kept axes", " · ".join(map(str, kept)), size)
        total = 2 * size + 1
        why.step("non-trainable", "2 · features + 1   (mean, variance, count)", f"2 · {size} + 1", total)
        return ParamCount(0, total)

    @staticmethod
    def check_broadcast(mean_shape: tuple[Any, ...] | None, keep: list[int], input_shape: tuple[Any, ...]) -> None:
        """``build`` broadcasts the given mean/variance onto the kept axes."""
        if mean_shape is None:
            return
        target = tuple(input_shape[d] if d in keep else 1 for d in range(len(input_shape)))
        for i in range(1, len(mean_shape) + 1):
            m, t = mean_shape[-i], input_shape[keep[-i]]
            if m != 1 and is_int(t) and m != t:
                raise ShapeError(
                    "incompatible-shapes",
                    f"Incompatible shapes for broadcasting: `mean`/`variance` of shape {mean_shape} cannot "
                    f"be broadcast to {format_shape(target)}",
                )


@register("CategoryEncoding")
class CategoryEncoding(Layer):
    signature = "num_tokens=None, output_mode='multi_hot', sparse=False, **kwargs"
    call_signature = "inputs, count_weights=None"

    def mode(self) -> object:
        mode = self.args["output_mode"]
        return "multi_hot" if mode == "binary" else mode

    def validate(self) -> None:
        mode, tokens = self.mode(), self.args["num_tokens"]
        if mode is not UNKNOWN and mode not in ("count", "one_hot", "multi_hot"):
            raise ShapeError("invalid-argument", f"Unknown arg for output_mode: {mode}")
        if tokens is None:
            raise ShapeError("invalid-argument",
                             "num_tokens must be set to use this layer. If the number of tokens is not known "
                             "beforehand, use the IntegerLookup layer instead.")
        if tokens is not UNKNOWN and (not isinstance(tokens, NUMBER) or tokens < 1):
            raise ShapeError("invalid-argument", f"`num_tokens` must be >= 1. Received: num_tokens={tokens}.")

    def compute_output_shape(self, input_shape: Shape, why: Derivation) -> Shapes:
        mode, tokens = self.mode(), self.args["num_tokens"]
        if not isinstance(input_shape, tuple) or mode is UNKNOWN:
            return UNKNOWN
        if not input_shape:
            out = (tokens,)
        elif mode == "one_hot" and len(input_shape) > 1:
            last: Dim = input_shape[-1]
            if last is UNKNOWN:
                return UNKNOWN
            out = input_shape + (tokens,) if last != 1 else input_shape[:-1] + (tokens,)
        elif mode == "one_hot":
            out = input_shape + (tokens,)
        else:
            out = input_shape[:-1] + (tokens,)
        why.step("output", f"{mode}: the last axis becomes num_tokens" if mode != "one_hot"
                 else "one_hot: num_tokens appended (replacing a last axis of 1)", "", format_shape(out))
        return keras_tensor_shape(out)


@register("Discretization")
class Discretization(Layer):
    # Keras's constructor takes no **kwargs here.
    signature = ("bin_boundaries=None, num_bins=None, epsilon=0.01, output_mode='int', sparse=False, "
                 "dtype=None, name=None")

    def validate(self) -> None:
        mode, sparse = self.args["output_mode"], self.args["sparse"]
        boundaries, bins = self.args["bin_boundaries"], self.args["num_bins"]
        if sparse is not UNKNOWN and sparse and mode == "int":
            raise ShapeError("invalid-argument", "`sparse=True` may only be used if `output_mode` is "
                                                 "`'one_hot'`, `'multi_hot'`, or `'count'`. Received: "
                                                 f"sparse={sparse} and output_mode={mode}")
        allowed = ("int", "one_hot", "multi_hot", "count")
        if mode is not UNKNOWN and not (isinstance(mode, str) and mode in allowed):
            raise ShapeError("invalid-argument", "Unknown value for `output_mode` argument of Discretization. "
                                                 f"Allowed values are: {allowed}. Received: output_mode={mode}")
        if isinstance(bins, NUMBER) and bins < 0:
            raise ShapeError("invalid-argument", "`num_bins` must be greater than or equal to 0. "
                                                 f"Received: `num_bins={bins}`")
        if UNKNOWN in (bins, boundaries):
            return
        if bins is not None and boundaries is not None:
            raise ShapeError("invalid-argument", "Both `num_bins` and `bin_boundaries` should not be set. "
                                                 f"Received: `num_bins={bins}` and `bin_boundaries={boundaries}`")
        if bins is None and boundaries is None:
            raise ShapeError("invalid-argument", "You need to set either `num_bins` or `bin_boundaries`.")

    def depth(self, why: Derivation) -> Any:
        boundaries = self.args["bin_boundaries"]
        if boundaries is None:
            return self.args["num_bins"]
        if not isinstance(boundaries, (tuple, list)):
            return UNKNOWN
        why.step("depth", "len(bin_boundaries) + 1", f"{len(boundaries)} + 1", len(boundaries) + 1)
        return len(boundaries) + 1

    def compute_output_shape(self, input_shape: Shape, why: Derivation) -> Shapes:
        mode = self.args["output_mode"]
        if mode == "int":
            return _same_shape(input_shape, why)
        if not isinstance(input_shape, tuple) or mode is UNKNOWN:
            return UNKNOWN
        depth = self.depth(why)
        if mode == "one_hot":
            last_dim: Dim = input_shape[-1] if len(input_shape) > 1 else None
            if last_dim is UNKNOWN:
                return UNKNOWN
            if last_dim == 1:
                out = input_shape[:-1] + (depth,)
            else:
                out = input_shape + (depth,)
        elif len(input_shape) >= 2:
            out = (input_shape[0],) + input_shape[2:] + (depth,)
        else:
            out = (depth,)
        why.step("output", f"{mode} encoding into depth bins", "", format_shape(out))
        return keras_tensor_shape(out)


@register("Hashing")
class Hashing(Layer):
    signature = "num_bins, mask_value=None, salt=None, output_mode='int', sparse=False, **kwargs"

    def validate(self) -> None:
        bins, mode = self.args["num_bins"], self.args["output_mode"]
        sparse, salt = self.args["sparse"], self.args["salt"]
        if bins is None or (isinstance(bins, NUMBER) and bins <= 0):
            raise ShapeError("invalid-argument", "The `num_bins` for `Hashing` cannot be `None` or "
                                                 f"non-positive values. Received: num_bins={bins}.")
        accepted = ("int", "one_hot", "multi_hot", "count")
        if mode is not UNKNOWN and mode not in accepted:
            raise ShapeError("invalid-argument", "Invalid value for argument `output_mode`. Expected one "
                                                 f"of {accepted}. Received: output_mode={mode}")
        if sparse is not UNKNOWN and sparse and mode == "int":
            raise ShapeError("invalid-argument", '`sparse` may only be true if `output_mode` is `"one_hot"`, '
                                                 f'`"multi_hot"`, or `"count"`. Received: sparse={sparse} and '
                                                 f"output_mode={mode}")
        if _known(salt) and salt is not None and not is_int(salt) and not (
                isinstance(salt, (tuple, list)) and len(salt) == 2):
            raise ShapeError("invalid-argument", "The `salt` argument for `Hashing` can only be a tuple of "
                                                 f"size 2 integers, or a single integer. Received: salt={salt}.")

    def compute_output_shape(self, input_shape: Shape, why: Derivation) -> Shapes:
        mode = self.args["output_mode"]
        if mode == "int":
            return _same_shape(input_shape, why)
        if not isinstance(input_shape, tuple) or mode is UNKNOWN:
            return UNKNOWN
        out = input_shape[:-1] + (self.args["num_bins"],)
        why.step("output", f"{mode}: the last axis becomes num_bins", "", format_shape(out))
        return keras_tensor_shape(out)


@register("TextVectorization")
class TextVectorization(Layer):
    signature = ("max_tokens=None, standardize='lower_and_strip_punctuation', split='whitespace', "
                 "ngrams=None, output_mode='int', output_sequence_length=None, pad_to_max_tokens=False, "
                 "vocabulary=None, idf_weights=None, sparse=False, ragged=False, encoding='utf-8', "
                 "name=None, **kwargs")
    passed_kwargs = frozenset({"has_input_vocabulary", "vocabulary_size"})    # kwargs.pop(...)

    def count_params(self, input_shape: Shape, why: Derivation) -> ParamCount:
        # the idf weights of "tf_idf" are a variable Keras may count: unknown, never a guess
        mode = self.args["output_mode"]
        return UNKNOWN_PARAMS if mode is UNKNOWN or mode == "tf_idf" else NO_PARAMS

    def compute_output_shape(self, input_shape: Shape, why: Derivation) -> Shapes:
        """Keras's ``TextVectorization.compute_output_shape`` (then its lookup layer's)."""
        mode = self.args["output_mode"]
        if not isinstance(input_shape, tuple) or mode is UNKNOWN:
            return UNKNOWN
        if mode == "int":
            length = self.args["output_sequence_length"]
            return (input_shape[0] if input_shape else UNKNOWN, length if is_int(length) or length is None else UNKNOWN)
        if self.args["split"] is None:
            if len(input_shape) <= 1:
                input_shape = input_shape + (1,)
        else:
            input_shape = input_shape + (None,)
        tokens = self.args["max_tokens"]
        depth = tokens if self.args["pad_to_max_tokens"] is True and is_int(tokens) else UNKNOWN
        if mode == "one_hot" and not (len(input_shape) > 1 and input_shape[-1] == 1):
            return input_shape + (depth,)
        return input_shape[:-1] + (depth,)


# ---- image layers --------------------------------------------------------------------------------

class _ImageLayer(Layer):
    """``BaseImagePreprocessingLayer``: same shape out, constructor checks declared per class."""

    call_signature = "data, training=True"
    # BaseImagePreprocessingLayer.__init__(factor=None, bounding_box_format=None, data_format=None, **kwargs)
    passed_kwargs = frozenset({"factor", "bounding_box_format", "data_format"})
    factor_bounds: ClassVar[tuple[Any, ...] | None] = None     # base `_set_factor(factor)` range
    factor_or_zero: ClassVar[bool] = False           # factor passed through the base __init__
    value_range: ClassVar[bool] = False              # `_set_value_range` is called
    fill_modes: ClassVar[tuple[str, ...]] = ()
    interpolations: ClassVar[tuple[str, ...]] = ()

    def validate(self) -> None:
        if self.args.given("data_format"):     # the default (None) is always valid
            self.data_format()
        if self.factor_bounds:
            factor = self.args["factor"]
            check_factor((factor or 0.0) if self.factor_or_zero and factor is not UNKNOWN else factor,
                         self.factor_bounds)
        if self.value_range:
            check_value_range(self.args.get("value_range", (0, 255)))
        if self.fill_modes:
            check_choice(self.args["fill_mode"], self.fill_modes, "fill_mode")
        if self.interpolations:
            check_choice(self.args["interpolation"], self.interpolations, "interpolation")

    def data_format(self) -> str | Unknown:
        return standardize_data_format(self.args.get("data_format"))

    def call(self, call_args: Args, why: Derivation) -> Shapes:
        shape = call_args["data"]
        self.maybe_build(shape, why)
        return self.compute_output_shape(shape, why)

    def compute_output_shape(self, input_shape: Shape, why: Derivation) -> Shapes:
        return _same_shape(input_shape, why)


class _SizedImageLayer(_ImageLayer):
    """Resizing / CenterCrop / RandomCrop: output height and width are the arguments."""

    def spatial_axes(self, input_shape: tuple[Any, ...]) -> tuple[int, int]:
        """Indices of the height and width axes Keras overwrites."""
        first = 1 if len(input_shape) == 4 else 0        # a batch of images, else one image
        first += self.data_format() == "channels_first"
        return first, first + 1

    def compute_output_shape(self, input_shape: Shape, why: Derivation) -> Shapes:
        if not isinstance(input_shape, tuple):
            return UNKNOWN
        if self.data_format() is UNKNOWN:
            return tuple(UNKNOWN for _ in input_shape)
        h_axis, w_axis = self.spatial_axes(input_shape)
        if not (-len(input_shape) <= min(h_axis, w_axis) and max(h_axis, w_axis) < len(input_shape)):
            raise ShapeError(
                "wrong-rank",
                f"list assignment index out of range: `{self.keras_name}` cannot set the height and width "
                f"of an input of shape {format_shape(input_shape)}",
            )
        out = list(input_shape)
        out[h_axis], out[w_axis] = self.args["height"], self.args["width"]
        resized = keras_tensor_shape(tuple(out))
        why.step("height", "the `height` argument", "", format_dim(resized[h_axis]))
        why.step("width", "the `width` argument", "", format_dim(resized[w_axis]))
        return resized


@register("Resizing")
class Resizing(_SizedImageLayer):
    signature = ("height, width, interpolation='bilinear', crop_to_aspect_ratio=False, "
                 "pad_to_aspect_ratio=False, fill_mode='constant', fill_value=0.0, antialias=False, "
                 "data_format=None, **kwargs")


@register("CenterCrop")
class CenterCrop(_SizedImageLayer):
    signature = "height, width, data_format=None, **kwargs"

    def spatial_axes(self, input_shape: tuple[Any, ...]) -> tuple[int, int]:
        if len(input_shape) not in (3, 4):
            raise ShapeError("wrong-rank", "`input_shape` must be a non-nested tuple or list of rank-1 with "
                                           "size 3 (unbatched) or 4 (batched). Received: "
                                           f"{format_shape(input_shape)}")
        return super().spatial_axes(input_shape)


@register("RandomCrop")
class RandomCrop(_SizedImageLayer):
    signature = "height, width, seed=None, data_format=None, name=None, **kwargs"

    def spatial_axes(self, input_shape: tuple[Any, ...]) -> tuple[int, int]:
        return (-2, -1) if self.data_format() == "channels_first" else (-3, -2)


@register("RandomFlip")
class RandomFlip(_ImageLayer):
    signature = "mode='horizontal_and_vertical', seed=None, data_format=None, **kwargs"


@register("RandomRotation")
class RandomRotation(_ImageLayer):
    signature = ("factor, fill_mode='reflect', interpolation='bilinear', seed=None, fill_value=0.0, "
                 "data_format=None, **kwargs")
    factor_bounds = (-1, 1)
    factor_or_zero = True
    fill_modes = FILL_MODES
    interpolations = INTERPOLATIONS


@register("RandomZoom")
class RandomZoom(_ImageLayer):
    signature = ("height_factor, width_factor=None, fill_mode='reflect', interpolation='bilinear', "
                 "seed=None, fill_value=0.0, data_format=None, **kwargs")
    fill_modes = FILL_MODES
    interpolations = INTERPOLATIONS

    def validate(self) -> None:
        check_each_factor(self.args["height_factor"], "height_factor", **ZOOM)
        if self.args["width_factor"] is not None:
            check_each_factor(self.args["width_factor"], "width_factor", **ZOOM)
        super().validate()


@register("RandomTranslation")
class RandomTranslation(_ImageLayer):
    signature = ("height_factor, width_factor, fill_mode='reflect', interpolation='bilinear', seed=None, "
                 "fill_value=0.0, data_format=None, **kwargs")
    fill_modes = FILL_MODES
    interpolations = INTERPOLATIONS

    def validate(self) -> None:
        super().validate()
        check_each_factor(self.args["height_factor"], "height_factor", **TRANSLATION)
        check_each_factor(self.args["width_factor"], "width_factor", **TRANSLATION)


@register("RandomShear")
class RandomShear(_ImageLayer):
    signature = ("x_factor=0.0, y_factor=0.0, interpolation='bilinear', fill_mode='reflect', "
                 "fill_value=0.0, data_format=None, seed=None, **kwargs")
    fill_modes = FILL_MODES
    interpolations = INTERPOLATIONS

    def validate(self) -> None:
        super().validate()
        check_each_factor(self.args["x_factor"], "x_factor", **SHEAR)
        check_each_factor(self.args["y_factor"], "y_factor", **SHEAR)


@register("RandomContrast")
class RandomContrast(_ImageLayer):
    signature = "factor, value_range=(0, 255), seed=None, **kwargs"
    factor_bounds = (0, 1)


@register("RandomBrightness")
class RandomBrightness(_ImageLayer):
    signature = "factor, value_range=(0, 255), seed=None, **kwargs"
    factor_bounds = (-1, 1)
    factor_or_zero = True
    value_range = True


@register("RandomColorDegeneration")
class RandomColorDegeneration(_ImageLayer):
    signature = "factor, value_range=(0, 255), data_format=None, seed=None, **kwargs"
    factor_bounds = (-1, 1)
    value_range = True

    def compute_output_shape(self, input_shape: Shape, why: Derivation) -> Shapes:
        if isinstance(input_shape, tuple):
            if len(input_shape) not in (3, 4):
                raise ShapeError("wrong-rank", "Invalid images rank: expected rank 3 (single image) or rank 4 "
                                               f"(batch of images). Received: input_shape={format_shape(input_shape)}")
            data_format = self.data_format()
            channels = input_shape[-1 if data_format == "channels_last" else -3]
            if data_format is not UNKNOWN and is_int(channels) and channels != 3:
                raise ShapeError("incompatible-shapes", "Input images must have 3 channels, but received "
                                                        f"images with {channels} channels.")
        return _same_shape(input_shape, why)


@register("RandomColorJitter")
class RandomColorJitter(_ImageLayer):
    signature = ("value_range=(0, 255), brightness_factor=None, contrast_factor=None, "
                 "saturation_factor=None, hue_factor=None, seed=None, data_format=None, **kwargs")

    def validate(self) -> None:
        super().validate()
        # Each given factor builds the matching sub-layer, which checks it.
        for name, bounds, checks_range in (("brightness_factor", (-1, 1), True), ("contrast_factor", (0, 1), False),
                                           ("saturation_factor", (-1, 1), True), ("hue_factor", (0, 1), False)):
            factor = self.args[name]
            if factor is not None:
                check_factor(factor, bounds)
                if checks_range and factor is not UNKNOWN:
                    check_value_range(self.args["value_range"])


class _Augmenter(_ImageLayer):
    """AugMix / RandAugment build RandomShear, RandomRotation, Solarization, ... sub-layers, which
    check the interpolation and the value range."""

    factor_bounds = (0, 1)
    value_range = True
    interpolations = INTERPOLATIONS


@register("AugMix")
class AugMix(_Augmenter):
    signature = ("value_range=(0, 255), num_chains=3, chain_depth=3, factor=0.3, alpha=1.0, all_ops=True, "
                 "interpolation='bilinear', seed=None, data_format=None, **kwargs")


@register("RandAugment")
class RandAugment(_Augmenter):
    signature = ("value_range=(0, 255), num_ops=2, factor=0.5, interpolation='bilinear', seed=None, "
                 "data_format=None, **kwargs")


@register("AutoContrast")
class AutoContrast(_ImageLayer):
    signature = "value_range=(0, 255), **kwargs"
    value_range = True


@register("ContrastLimitedAdaptiveHistogramEqualization")
class ContrastLimitedAdaptiveHistogramEqualization(_ImageLayer):
    signature = "value_range=(0, 255), clip_limit=4.0, tile_grid_size=(8, 8), data_format=None, **kwargs"


@register("CutMix")
class CutMix(_ImageLayer):
    signature = "factor=1.0, seed=None, data_format=None, **kwargs"
    factor_bounds = (0, 1)


@register("Equalization")
class Equalization(_ImageLayer):
    signature = "value_range=(0, 255), bins=256, data_format=None, **kwargs"
    value_range = True


@register("MixUp")
class MixUp(_ImageLayer):
    signature = "alpha=0.2, data_format=None, seed=None, **kwargs"


@register("MaxNumBoundingBoxes")
class MaxNumBoundingBoxes(_ImageLayer):
    """Pads or clips bounding boxes; on an image tensor alone the shape is unchanged."""

    signature = "max_number, fill_value=-1, **kwargs"


@register("RandomElasticTransform")
class RandomElasticTransform(_ImageLayer):
    signature = ("factor=1.0, scale=1.0, interpolation='bilinear', fill_mode='reflect', fill_value=0.0, "
                 "value_range=(0, 255), seed=None, data_format=None, **kwargs")
    factor_bounds = (0, 1)
    fill_modes = ("constant", "nearest", "wrap", "mirror", "reflect")
    interpolations = INTERPOLATIONS

    def validate(self) -> None:
        super().validate()
        check_factor(self.args["scale"], (0, 1), "scale")


@register("RandomErasing")
class RandomErasing(_ImageLayer):
    signature = ("factor=1.0, scale=(0.02, 0.33), fill_value=None, value_range=(0, 255), seed=None, "
                 "data_format=None, **kwargs")
    factor_bounds = (0, 1)

    def validate(self) -> None:
        super().validate()
        check_factor(self.args["scale"], (0, 1), "scale")


@register("RandomGaussianBlur")
class RandomGaussianBlur(_ImageLayer):
    signature = ("factor=1.0, kernel_size=3, sigma=1.0, value_range=(0, 255), data_format=None, seed=None, "
                 "**kwargs")
    factor_bounds = (0, 1)

    def validate(self) -> None:
        super().validate()
        size = self.args["kernel_size"]
        if _known(size):
            items = size if isinstance(size, (tuple, list)) else (size,)
            if (isinstance(size, (tuple, list)) and len(size) != 2
                    or not all(isinstance(v, NUMBER) and v % 2 != 0 for v in items)):
                raise ShapeError("invalid-argument",
                                 f"kernel_size must be an odd number. Received: kernel_size={size}")
        check_factor(self.args["sigma"], (0, 1), "sigma")


@register("RandomGrayscale")
class RandomGrayscale(_ImageLayer):
    signature = "factor=0.5, data_format=None, seed=None, **kwargs"

    def validate(self) -> None:
        super().validate()
        factor = self.args["factor"]
        check_unit_interval(factor, f"`factor` should be between 0 and 1. Received: factor={factor}")


@register("RandomHue")
class RandomHue(_ImageLayer):
    signature = "factor, value_range=(0, 255), data_format=None, seed=None, **kwargs"
    factor_bounds = (0, 1)


@register("RandomInvert")
class RandomInvert(_ImageLayer):
    signature = "factor=1.0, value_range=(0, 255), seed=None, data_format=None, **kwargs"
    factor_bounds = (0, 1)


@register("RandomPerspective")
class RandomPerspective(_ImageLayer):
    signature = ("factor=1.0, scale=1.0, interpolation='bilinear', fill_value=0.0, seed=None, "
                 "data_format=None, **kwargs")
    factor_bounds = (0, 1)
    interpolations = INTERPOLATIONS

    def validate(self) -> None:
        super().validate()
        scale = self.args["scale"]
        check_unit_interval(scale, f"The `scale` argument should be a number in the range [0,1]. Received: "
                                   f"scale={scale}")


@register("RandomPosterization")
class RandomPosterization(_ImageLayer):
    signature = "factor, value_range=(0, 255), data_format=None, seed=None, **kwargs"
    factor_bounds = (1, 8)
    value_range = True


@register("RandomSaturation")
class RandomSaturation(_ImageLayer):
    signature = "factor, value_range=(0, 255), data_format=None, seed=None, **kwargs"
    factor_bounds = (-1, 1)
    value_range = True


@register("RandomSharpness")
class RandomSharpness(_ImageLayer):
    signature = "factor, value_range=(0, 255), data_format=None, seed=None, **kwargs"
    factor_bounds = (0, 1)
    value_range = True


@register("Solarization")
class Solarization(_ImageLayer):
    signature = "addition_factor=0.0, threshold_factor=0.0, value_range=(0, 255), seed=None, **kwargs"
    value_range = True

    def validate(self) -> None:
        super().validate()
        check_each_factor(self.args["addition_factor"], "addition_factor", **SOLARIZATION)
        check_each_factor(self.args["threshold_factor"], "threshold_factor", **SOLARIZATION)
