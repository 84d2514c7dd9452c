"""Rules for ``keras.ops.image`` (``keras/src/ops/image.py``), registered as ``image.<name>``:
``resize``, ``extract_patches`` (2-D and 3-D), ``pad_images`` / ``crop_images``, colour-space
conversions, warps and filters.  ``data_format=None`` is Keras's default ``channels_last``."""

from __future__ import annotations

from typing import Any, Iterable

from ..conv_utils import window_output_length
from ..shape import Dim, Shapes, dim_op, is_int
from .base import Tensor, Unknown, known_shape, op


def _format(data_format: object) -> str:
    if data_format is None:
        return "channels_last"
    if data_format in ("channels_last", "channels_first"):
        return data_format
    raise Unknown


def _images(images: Tensor, ranks: tuple[int, ...] = (3, 4)) -> list[Any]:
    images = known_shape(images)
    if len(images) not in ranks:
        raise Unknown
    return list(images)


def _same_images(images: Tensor, *args: object, data_format: object = None, **kwargs: object) -> Shapes:
    return tuple(_images(images))


for _name, _cls in (("rgb_to_hsv", "RGBToHSV"), ("hsv_to_rgb", "HSVToRGB"), ("gaussian_blur", None),
                   ("elastic_transform", None)):
    op("image." + _name, tensors=("images",), cls=_cls)(_same_images)


@op("image.affine_transform", tensors=("images", "transform"))
def affine_transform(images: Tensor, transform: Tensor, *args: object, **kwargs: object) -> Shapes:
    return tuple(_images(images))


@op("image.perspective_transform", tensors=("images", "start_points", "end_points"))
def perspective_transform(images: Tensor, start_points: Tensor, end_points: Tensor, *args: object,
                          **kwargs: object) -> Shapes:
    return tuple(_images(images))


@op("image.rgb_to_grayscale", tensors=("images",), cls="RGBToGrayscale")
def rgb_to_grayscale(images: Tensor, data_format: object = None) -> Shapes:
    shape = _images(images)
    axis = -1 if _format(data_format) == "channels_last" else -3
    if shape[axis] not in (1, 3, None):
        raise Unknown
    shape[axis] = 1
    return tuple(shape)


@op("image.resize", tensors=("images",))
def resize(images: Tensor, size: object, interpolation: object = "bilinear", antialias: object = False,
           crop_to_aspect_ratio: object = False, pad_to_aspect_ratio: object = False, fill_mode: object = "constant",
           fill_value: object = 0.0, data_format: object = None) -> Shapes:
    shape = _images(images)
    if not isinstance(size, (list, tuple)) or len(size) != 2 or not all(is_int(s) and s > 0 for s in size):
        raise Unknown
    h, w = (-3, -2) if _format(data_format) == "channels_last" else (-2, -1)
    shape[h], shape[w] = size
    return tuple(shape)


def _patches(images: Tensor, size: object, strides: Any, dilation_rate: Any, padding: object,
             data_format: object, three_d: bool) -> tuple[Any, ...]:
    """``strides``/``dilation_rate``: the user's values, checked here (an int or ``n`` ints)."""
    images = known_shape(images)
    n = 3 if three_d else 2
    if is_int(size):
        size = (size,) * n
    if not isinstance(size, (list, tuple)) or len(size) != n or not all(is_int(s) for s in size):
        raise Unknown
    strides = tuple(size) if strides is None else strides
    strides = (strides,) * n if is_int(strides) else strides
    dilation = (dilation_rate,) * n if is_int(dilation_rate) else dilation_rate
    if not all(isinstance(v, (list, tuple)) and len(v) == n and all(is_int(i) for i in v)
               for v in (strides, dilation)) or padding not in ("valid", "same"):
        raise Unknown
    fmt = _format(data_format)
    shape = list(images)
    unbatched = len(shape) == n + 1
    if unbatched:
        shape = [1] + shape
    if len(shape) != n + 2:
        raise Unknown
    spatial = shape[1:-1] if fmt == "channels_last" else shape[2:]
    channels = shape[-1] if fmt == "channels_last" else shape[1]
    filters = dim_op(lambda c: c * _prod(size), channels)
    out = []
    for s, k, st, d in zip(spatial, size, strides, dilation):
        o = window_output_length(s, k, st, padding, d)
        if is_int(o) and o <= 0:
            raise Unknown
        out.append(o)
    result = [shape[0]] + out + [filters] if fmt == "channels_last" else [shape[0], filters] + out
    return tuple(result[1:] if unbatched else result)


def _prod(values: Iterable[int]) -> int:
    total = 1
    for v in values:
        total *= v
    return total


@op("image.extract_patches", tensors=("images",))
def extract_patches(images: Tensor, size: object, strides: object = None, dilation_rate: object = 1,
                    padding: object = "valid", data_format: object = None) -> Shapes:
    three_d = isinstance(size, (list, tuple)) and len(size) == 3
    return _patches(images, size, strides, dilation_rate, padding, data_format, three_d)


@op("image.extract_patches_3d", tensors=("volumes",), cls="ExtractPatches")
def extract_patches_3d(volumes: Tensor, size: object, strides: object = None, dilation_rate: object = 1,
                       padding: object = "valid", data_format: object = None) -> Shapes:
    return _patches(volumes, size, strides, dilation_rate, padding, data_format, True)


@op("image.pad_images", tensors=("images",))
def pad_images(images: Tensor, top_padding: object = None, left_padding: object = None,
               bottom_padding: object = None, right_padding: object = None,
               target_height: object = None, target_width: object = None,
               data_format: object = None) -> Shapes:
    shape = _images(images)
    h, w = (-3, -2) if _format(data_format) == "channels_last" else (-2, -1)
    shape[h] = _padded(shape[h], top_padding, bottom_padding, target_height)
    shape[w] = _padded(shape[w], left_padding, right_padding, target_width)
    return tuple(shape)


def _padded(size: Dim, before: Any, after: Any, target: Any) -> Dim:
    """``before``/``after``/``target``: the user's values, checked here (two of them ints >= 0)."""
    given = [v for v in (before, after, target) if v is not None]
    if len(given) != 2 or not all(is_int(v) and v >= 0 for v in given):
        raise Unknown                     # Keras wants exactly two of the three
    if target is not None:
        if is_int(size) and target < size + (before or 0) + (after or 0):
            raise Unknown
        return int(target)
    return dim_op(lambda s: s + before + after, size)


@op("image.crop_images", tensors=("images",))
def crop_images(images: Tensor, top_cropping: object = None, left_cropping: object = None,
                bottom_cropping: object = None, right_cropping: object = None,
                target_height: object = None, target_width: object = None,
                data_format: object = None) -> Shapes:
    shape = _images(images)
    h, w = (-3, -2) if _format(data_format) == "channels_last" else (-2, -1)
    shape[h] = _cropped(shape[h], top_cropping, bottom_cropping, target_height)
    shape[w] = _cropped(shape[w], left_cropping, right_cropping, target_width)
    return tuple(shape)


def _cropped(size: Dim, before: Any, after: Any, target: Any) -> Dim:
    given = [v for v in (before, after, target) if v is not None]
    if len(given) != 2 or not all(is_int(v) and v >= 0 for v in given):
        raise Unknown
    if target is not None:
        return int(target)
    out = dim_op(lambda s: s - before - after, size)
    if is_int(out) and out <= 0:
        raise Unknown
    return out


@op("image.map_coordinates", tensors=("inputs", "coordinates"))
def map_coordinates(inputs: Tensor, coordinates: Tensor, order: object, fill_mode: object = "constant",
                    fill_value: object = 0) -> Shapes:
    inputs, coordinates = known_shape(inputs), known_shape(coordinates)
    if len(coordinates) < 2 or coordinates[0] != len(inputs):
        raise Unknown
    return coordinates[1:]


@op("image.scale_and_translate", tensors=("images", "scale", "translation"))
def scale_and_translate(images: Tensor, output_shape: object, scale: Tensor, translation: Tensor,
                        spatial_dims: object, method: object, antialias: object = True) -> Shapes:
    if not isinstance(output_shape, (list, tuple)) or not all(is_int(d) for d in output_shape):
        raise Unknown
    return tuple(output_shape)


@op("image.sobel_edges", tensors=("images",))
def sobel_edges(images: Tensor, data_format: object = None) -> Shapes:
    return tuple(_images(images, (4,))) + (2,)


@op("image.ssim", tensors=("image1", "image2"), cls="SSIM")
def ssim(image1: Tensor, image2: Tensor, *args: object, **kwargs: object) -> Shapes:
    shape = _images(image1)
    _images(image2)
    return () if len(shape) == 3 else (shape[0],)

