"""Preprocessing layers against real Keras: Rescaling, Normalization, CategoryEncoding,
Discretization, Resizing, CenterCrop, RandomCrop and the shape-preserving image layers.

Hashing needs TensorFlow in Keras (not installed here), so it is checked against its source only.
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from keras_oracle import T, check_layer
from shapelens.engine import UNKNOWN, create_layer

IMAGE = (None, 32, 32, 3)

# Every shape-preserving image layer with the arguments it needs.
SAME_SHAPE = [
    ("RandomFlip", (), {}), ("RandomFlip", ("horizontal",), {"seed": 1}),
    ("RandomRotation", (0.2,), {}), ("RandomRotation", (None,), {}), ("RandomRotation", ((0.5, -0.5),), {}),
    ("RandomRotation", (0.1,), {"fill_mode": "constant", "interpolation": "nearest"}),
    ("RandomZoom", (0.2,), {}), ("RandomZoom", ((-0.5, 1.0), 0.3), {}),
    ("RandomTranslation", (0.1, 0.2), {}), ("RandomTranslation", (-1, (0, 1)), {"fill_mode": "wrap"}),
    ("RandomContrast", (0.5,), {}), ("RandomContrast", ((0, 1),), {"data_format": "channels_first"}),
    ("RandomBrightness", (0.5,), {}), ("RandomBrightness", (None,), {}), ("RandomBrightness", ((-1, 0.2),), {}),
    ("AugMix", (), {}), ("AutoContrast", (), {"value_range": (0, 1)}),
    ("ContrastLimitedAdaptiveHistogramEqualization", (), {}), ("CutMix", (), {}), ("Equalization", (), {}),
    ("MaxNumBoundingBoxes", (3,), {}), ("MixUp", (), {}), ("RandAugment", (), {"num_ops": 3}),
    ("RandomColorDegeneration", (0.5,), {}),
    ("RandomColorJitter", (), {"brightness_factor": 0.2, "contrast_factor": 0.3, "hue_factor": 0.1}),
    ("RandomElasticTransform", (), {"fill_mode": "mirror"}), ("RandomErasing", (), {}),
    ("RandomGaussianBlur", (), {"kernel_size": (3, 5)}), ("RandomGrayscale", (), {}), ("RandomHue", (0.5,), {}),
    ("RandomInvert", (), {}), ("RandomPerspective", (), {"scale": 0.5}), ("RandomPosterization", (4,), {}),
    ("RandomSaturation", (0.5,), {}), ("RandomSharpness", (0.5,), {}), ("RandomShear", (0.2, (0, 1)), {}),
    ("Solarization", (0.5, (0.1, 0.2)), {}), ("Rescaling", (1 / 255,), {}), ("Rescaling", (2.0, -1.0), {}),
]


@pytest.mark.parametrize("name,args,kwargs", SAME_SHAPE)
def test_shape_preserving_layers(name, args, kwargs):
    _, ours = check_layer(name, *args, inputs=T(IMAGE), expect_error=False, **kwargs)
    assert ours.output == IMAGE


@pytest.mark.parametrize("shape", [(None, 8, 5), (None, 2, 8, 8, 3), (8, 8, 3), (None, None, None, 3)])
def test_identity_layers_accept_any_rank_on_symbolic_inputs(shape):
    for name, args in [("RandomFlip", ()), ("RandomRotation", (0.1,)), ("RandomContrast", (0.2,)),
                       ("RandomZoom", (0.1,)), ("RandomBrightness", (0.1,))]:
        check_layer(name, *args, inputs=T(shape), expect_error=False)


REJECTED_IMAGE = [
    ("RandomRotation", (2,), {}), ("RandomRotation", ((2, 3),), {}), ("RandomRotation", ("a",), {}),
    ("RandomRotation", (0.1,), {"fill_mode": "mirror"}), ("RandomRotation", (0.1,), {"interpolation": "cubic"}),
    ("RandomZoom", (-1,), {}), ("RandomZoom", ((0.1, 1.5),), {}), ("RandomZoom", (0.1, (0.1, 0.2, 0.3)), {}),
    ("RandomTranslation", (1.5, 0), {}), ("RandomTranslation", (0.1, None), {}),
    ("RandomContrast", (None,), {}), ("RandomContrast", (-0.1,), {}), ("RandomContrast", ((0.1, 0.5, 0.3),), {}),
    ("RandomContrast", (0.5,), {"data_format": "channels_middle"}),
    ("RandomBrightness", (0.5,), {"value_range": 5}), ("RandomBrightness", (1.5,), {}),
    ("RandomFlip", (), {"data_format": "NHWC"}),
    ("AugMix", (), {"interpolation": "foo"}), ("AugMix", (), {"factor": 2}),
    ("RandAugment", (), {"value_range": (1, 2, 3)}), ("AutoContrast", (), {"value_range": 1}),
    ("CutMix", (), {"factor": -1}), ("Equalization", (), {"value_range": 1}),
    ("RandomColorDegeneration", (2,), {}),
    ("RandomColorJitter", (), {"hue_factor": 2}), ("RandomColorJitter", (), {"brightness_factor": 0.5, "value_range": 3}),
    ("RandomElasticTransform", (), {"scale": 3}), ("RandomElasticTransform", (), {"fill_mode": "edge"}),
    ("RandomErasing", (), {"scale": (2, 3)}),
    ("RandomGaussianBlur", (), {"kernel_size": 4}), ("RandomGaussianBlur", (), {"sigma": 2}),
    ("RandomGrayscale", (), {"factor": 2}), ("RandomHue", (2,), {}), ("RandomInvert", (), {"factor": -0.5}),
    ("RandomPerspective", (), {"scale": 2}), ("RandomPosterization", (0.5,), {}),
    ("RandomSaturation", (0.5,), {"value_range": [0]}), ("RandomSharpness", (1.5,), {}),
    ("RandomShear", (0.5, 2), {}), ("RandomShear", (0.5,), {"fill_mode": "mirror"}),
    ("Solarization", (2,), {}), ("Solarization", (0, (0.1, 1.2)), {}),
]


@pytest.mark.parametrize("name,args,kwargs", REJECTED_IMAGE)
def test_rejected_image_arguments(name, args, kwargs):
    _, ours = check_layer(name, *args, inputs=T(IMAGE), expect_error=True, **kwargs)
    assert ours.error.startswith("invalid-argument")


@pytest.mark.parametrize("shape,data_format,code", [
    ((None, 32, 32, 4), None, "incompatible-shapes"),
    ((None, 4, 32, 32), "channels_first", "incompatible-shapes"),
    ((None, 2, 32, 32, 3), None, "wrong-rank"),
])
def test_color_degeneration_checks_channels(shape, data_format, code):
    _, ours = check_layer("RandomColorDegeneration", 0.5, data_format=data_format, inputs=T(shape), expect_error=True)
    assert ours.error.startswith(code)


SIZED_SHAPES = [(None, 32, 32, 3), (32, 32, 3), (None, None, None, 3), (None, 2, 32, 32, 3), (32, 3), (3,), ()]


@pytest.mark.parametrize("name", ["Resizing", "CenterCrop", "RandomCrop"])
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("shape", SIZED_SHAPES)
def test_height_width_layers(name, data_format, shape):
    real, ours = check_layer(name, 10, 12, data_format=data_format, inputs=T(shape))
    if real.rejected:          # every rank Keras rejects here is one the engine rejects too
        assert ours.error.startswith("wrong-rank")


@pytest.mark.parametrize("name,args,kwargs,shape", [
    ("Resizing", (10, 12), {"crop_to_aspect_ratio": True, "pad_to_aspect_ratio": True}, IMAGE),
    ("Resizing", (10, 12), {"interpolation": "not-checked", "fill_mode": "not-checked"}, IMAGE),
    ("CenterCrop", (40, 12), {}, IMAGE),      # larger than the input: Keras pads
    ("RandomCrop", (40, 12), {}, IMAGE),
    ("CenterCrop", (True, 12), {}, IMAGE),
])
def test_height_width_edge_cases(name, args, kwargs, shape):
    check_layer(name, *args, inputs=T(shape), expect_error=False, **kwargs)


@pytest.mark.parametrize("args", [(10.5, None), (0, -1)])
def test_resizing_rejects_invalid_sizes(args):
    _, ours = check_layer("Resizing", *args, inputs=T(IMAGE), expect_error=True)
    assert ours.error.startswith("invalid-argument")


NORMALIZATION = [
    ({}, (None, 3)), ({}, (None, 5, 3)), ({"axis": None}, (None, 5, 3)), ({"axis": (1, 2)}, (None, 5, 3)),
    ({"axis": 1}, (None, 5, 3)), ({"axis": 0}, (4, 5, 3)), ({"axis": (-1, 1)}, (None, 4, 3)),
    ({"axis": True}, (None, 4, 3)), ({"axis": None}, ()), ({"axis": [2, 2]}, (None, None, 1, 1)), ({"trainable": False}, (None, 3)),
    ({"invert": True}, (None, 2, 6)),
    ({"mean": [1.0, 2, 3], "variance": [1.0, 1, 1]}, (None, 3)),
    ({"mean": 2.0, "variance": 1.0}, (None, 4)),
    ({"mean": [1.0], "variance": [1.0]}, (None, 3)),
    ({"mean": [1.0, 2, 3], "variance": [1.0, 1, 1], "axis": (1, 2)}, (None, 5, 3)),
]


@pytest.mark.parametrize("kwargs,shape", NORMALIZATION)
def test_normalization_weights(kwargs, shape):
    check_layer("Normalization", inputs=T(shape), expect_error=False, **kwargs)


def test_normalization_counts():
    """mean and variance (one value per kept feature) and a scalar count, all non-trainable."""
    _, ours = check_layer("Normalization", inputs=T((None, 5, 3)), expect_error=False)
    assert (ours.trainable, ours.non_trainable) == (0, 2 * 3 + 1)
    _, ours = check_layer("Normalization", axis=(1, 2), inputs=T((None, 5, 3)), expect_error=False)
    assert (ours.trainable, ours.non_trainable) == (0, 2 * 15 + 1)
    _, ours = check_layer("Normalization", mean=[1.0, 2, 3], variance=[1.0, 1, 1], inputs=T((None, 3)))
    assert (ours.trainable, ours.non_trainable) == (0, 0)


@pytest.mark.parametrize("kwargs,shape,code", [
    ({"axis": 0}, (None, 5, 3), "undefined-dimension"),
    ({}, (None, None), "undefined-dimension"),
    ({}, (None,), "undefined-dimension"),
    ({"axis": 3}, (None, 5, 3), "wrong-rank"),
    ({}, (), "wrong-rank"),
    ({"axis": 1.0}, (None, 4, 3), "invalid-argument"),
    ({"mean": 1.0}, (None, 3), "invalid-argument"),
    ({"mean": [1.0, 2], "variance": [1.0, 1, 1]}, (None, 3), "invalid-argument"),
    ({"mean": [[1.0, 2, 3]], "variance": [[1.0, 1, 1]]}, (None, 3), "invalid-argument"),
    ({"mean": [1.0, 2, 3], "variance": [1.0, 1, 1]}, (None, 4), "incompatible-shapes"),
    ({"mean": [1.0, 2], "variance": [1.0, 1], "axis": (1, 2)}, (None, 5, 3), "incompatible-shapes"),
    ({"mean": 2.0, "variance": 1.0}, (None, None), "undefined-dimension"),
    ({"axis": [-1, 2]}, (None, None, 4), "invalid-argument"),          # the same axis twice
])
def test_normalization_rejections(kwargs, shape, code):
    _, ours = check_layer("Normalization", inputs=T(shape), expect_error=True, **kwargs)
    assert ours.error.startswith(code)


ENCODING_SHAPES = [(None,), (None, 1), (None, 3), (None, 3, 1), (None, 3, 4), (), (5,)]


@pytest.mark.parametrize("shape", ENCODING_SHAPES)
@pytest.mark.parametrize("mode", ["multi_hot", "one_hot", "count", "binary"])
def test_category_encoding(shape, mode):
    check_layer("CategoryEncoding", 6, output_mode=mode, inputs=T(shape, "int32"), expect_error=False)


@pytest.mark.parametrize("args,kwargs", [((), {}), ((0,), {}), ((3,), {"output_mode": "foo"}), ((3.5,), {})])
def test_category_encoding_rejections(args, kwargs):
    _, ours = check_layer("CategoryEncoding", *args, inputs=T((None, 3), "int32"), expect_error=True, **kwargs)
    assert ours.error.startswith("invalid-argument")


@pytest.mark.parametrize("shape", ENCODING_SHAPES)
@pytest.mark.parametrize("mode", ["int", "one_hot", "multi_hot", "count"])
def test_discretization(shape, mode):
    check_layer("Discretization", bin_boundaries=[0.0, 1.0, 2.0], output_mode=mode, inputs=T(shape),
                expect_error=False)
    check_layer("Discretization", num_bins=5, output_mode=mode, inputs=T(shape), expect_error=False)


@pytest.mark.parametrize("kwargs", [{}, {"num_bins": 3, "bin_boundaries": [1.0]}, {"num_bins": 3, "output_mode": "foo"},
                                    {"num_bins": 3, "sparse": True}, {"num_bins": -1}])
def test_discretization_rejections(kwargs):
    _, ours = check_layer("Discretization", inputs=T((None, 3)), expect_error=True, **kwargs)
    assert ours.error.startswith("invalid-argument")


@pytest.mark.parametrize("kwargs,shape,expected", [
    ({}, (None, 4, 3), (None, 4, 3)),
    ({"output_mode": "one_hot"}, (None, 4, 3), (None, 4, 8)),
    ({"output_mode": "multi_hot"}, (None,), (8,)),
    ({"output_mode": "count", "sparse": True}, (), (8,)),
])
def test_hashing_from_keras_source(kwargs, shape, expected):
    """Keras's ``Hashing.compute_output_spec``; not run against Keras (it needs TensorFlow)."""
    assert create_layer("Hashing", [8], kwargs).apply([shape], {}).output == expected


@pytest.mark.parametrize("args,kwargs", [((0,), {}), ((None,), {}), ((8,), {"output_mode": "tf_idf"}),
                                         ((8,), {"sparse": True}), ((8,), {"salt": "abc"})])
def test_hashing_rejections_from_keras_source(args, kwargs):
    with pytest.raises(Exception) as error:
        create_layer("Hashing", list(args), kwargs)
    assert getattr(error.value, "code", None) == "invalid-argument"


@pytest.mark.parametrize("name,args,kwargs,shape,expected", [
    ("Resizing", (UNKNOWN, 12), {}, IMAGE, (None, UNKNOWN, 12, 3)),
    ("Resizing", (10, 12), {"data_format": UNKNOWN}, IMAGE, (UNKNOWN,) * 4),
    ("RandomCrop", (10, 12), {}, UNKNOWN, UNKNOWN),
    ("RandomRotation", (UNKNOWN,), {"fill_mode": UNKNOWN}, IMAGE, IMAGE),
    ("RandomZoom", ((0.1, UNKNOWN),), {}, IMAGE, IMAGE),
    ("Normalization", (), {"mean": UNKNOWN, "variance": UNKNOWN}, (None, 4), (None, 4)),
    ("CategoryEncoding", (UNKNOWN,), {}, (None, 3), (None, UNKNOWN)),
    ("CategoryEncoding", (5,), {"output_mode": "one_hot"}, (None, UNKNOWN), UNKNOWN),
    ("Discretization", (), {"num_bins": UNKNOWN, "output_mode": "count"}, (None, 4, 3), (None, 3, UNKNOWN)),
])
def test_unknown_values_never_raise(name, args, kwargs, shape, expected):
    assert create_layer(name, list(args), kwargs).apply([shape], {}).output == expected


def test_normalization_derivation():
    lines = create_layer("Normalization", [], {"axis": (1, 2)}).apply([(None, 5, 3)], {}).derivation.render_lines()
    assert "features = 5 · 3 = 15" in lines and "non-trainable = 2 · 15 + 1 = 31" in lines


# ---- property tests -------------------------------------------------------------------------------

FACTOR = st.one_of(st.none(), st.floats(-1.5, 1.5, allow_nan=False), st.integers(-2, 9),
                   st.tuples(st.floats(-1.5, 1.5, allow_nan=False), st.floats(-1.5, 1.5, allow_nan=False)),
                   st.lists(st.floats(0, 1), min_size=1, max_size=3).map(tuple), st.just("0.5"))
FACTOR_LAYERS = ["RandomRotation", "RandomContrast", "RandomBrightness", "RandomHue", "RandomSaturation",
                 "RandomSharpness", "RandomPosterization", "RandomColorDegeneration", "RandomZoom",
                 "RandomInvert", "RandomGrayscale", "CutMix", "RandomErasing", "RandomPerspective"]


@settings(max_examples=40, deadline=None)
@given(name=st.sampled_from(FACTOR_LAYERS), factor=FACTOR, data=st.data())
def test_image_layer_factors_random(name, factor, data):
    shape = data.draw(st.sampled_from([IMAGE, (None, 3, 16, 16), (16, 16, 3), (None, 8, 8, 4), (None, 5)]))
    kwargs = {}
    if data.draw(st.booleans()):
        kwargs["data_format"] = data.draw(st.sampled_from(["channels_last", "channels_first"]))
    if name in ("RandomBrightness", "RandomSaturation", "RandomPosterization") and data.draw(st.booleans()):
        kwargs["value_range"] = data.draw(st.sampled_from([(0, 1), [0, 255], 5, (1, 2, 3)]))
    if name in ("RandomRotation", "RandomZoom") and data.draw(st.booleans()):
        kwargs["fill_mode"] = data.draw(st.sampled_from(["reflect", "constant", "mirror"]))
    check_layer(name, factor, inputs=T(shape), **kwargs)


@settings(max_examples=40, deadline=None)
@given(shape=st.lists(st.one_of(st.none(), st.integers(1, 9)), min_size=0, max_size=5),
       height=st.integers(-1, 20), width=st.integers(0, 20),
       data_format=st.sampled_from([None, "channels_last", "channels_first"]))
def test_sized_image_layers_random(shape, height, width, data_format):
    for name in ("Resizing", "CenterCrop", "RandomCrop"):
        check_layer(name, height, width, data_format=data_format, inputs=T(tuple(shape)))


@settings(max_examples=40, deadline=None)
@given(shape=st.lists(st.one_of(st.none(), st.integers(1, 6)), min_size=0, max_size=4),
       axis=st.one_of(st.none(), st.integers(-4, 3), st.lists(st.integers(-3, 3), max_size=2)),
       mean=st.one_of(st.none(), st.just(1.0), st.lists(st.just(0.5), min_size=1, max_size=4)),
       data=st.data())
def test_normalization_and_encodings_random(shape, axis, mean, data):
    shape = (None, *shape)
    variance = mean if data.draw(st.booleans()) else None
    check_layer("Normalization", axis=axis, mean=mean, variance=variance, inputs=T(shape))
    mode = data.draw(st.sampled_from(["int", "one_hot", "multi_hot", "count", "binary"]))
    if mode != "int":
        check_layer("CategoryEncoding", data.draw(st.integers(0, 5)), output_mode=mode, inputs=T(shape, "int32"))
    if mode != "binary":
        check_layer("Discretization", num_bins=data.draw(st.integers(0, 5)), output_mode=mode, inputs=T(shape))
