"""``keras.applications`` backbones built statically, against the real functions (JAX, CPU).

Every comparison builds the real model (after ``clear_session``, so default layer names start
from a fresh process, as the engine assumes) and checks: the model name, input and output
shapes, ``count_params()``, the trainable and non-trainable totals, and every row of
``model.layers`` (name, class, output shape, parameter count) in order.

Pretrained weights are never downloaded: ``get_file`` and ``load_weights`` are stubbed, so
``weights="imagenet"`` runs Keras's own argument checks and builds the same model.
"""

from __future__ import annotations

import math
import re

import keras
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from keras.src.applications import imagenet_utils
from keras.src.backend.common import global_state
from keras.src.backend.common.stateless_scope import StatelessScope

from shapelens.engine import ShapeError
from shapelens.engine.applications import APPLICATIONS, build_application
from shapelens.engine.shape import UNKNOWN


@pytest.fixture(autouse=True)
def no_downloads(monkeypatch):
    monkeypatch.setattr(keras.utils, "get_file", lambda *a, **k: "/nonexistent.h5")
    monkeypatch.setattr("keras.src.utils.file_utils.get_file", lambda *a, **k: "/nonexistent.h5")
    monkeypatch.setattr(keras.Model, "load_weights", lambda self, *a, **k: None)


def _count(weights) -> int:
    return int(sum(math.prod(w.shape) for w in weights))


def keras_model(app, input_tensor=None, **kwargs):
    """The real model.  Variables are created without values (a stateless scope that does not
    initialize them): their shapes are all the comparison needs, and initializing them
    (compiling a random initializer per weight shape) would take minutes."""
    keras.backend.clear_session(free_memory=False)
    with StatelessScope(initialize_variables=False):
        if input_tensor is not None:
            kwargs["input_tensor"] = keras.Input(batch_shape=input_tensor)
        return getattr(keras.applications, app)(**kwargs)


def keras_rows(operations):
    """(name, class, output shape, weights) of layers or bare operations (which own none)."""
    return [(op.name, type(op).__name__, tuple(op._inbound_nodes[-1].outputs[0].shape),
             op.count_params() if hasattr(op, "count_params") else 0) for op in operations]


def keras_uids() -> dict:
    """Keras's default-name counters (reset by ``clear_session``) for layers, operations and
    models; not those of symbolic tensors, seed generators (Dropout) and unnamed variables
    (LayerScale's gamma), which no layer name uses."""
    uids = global_state.get_global_attribute("object_name_uids")
    return {prefix: count for prefix, count in uids.items()
            if prefix not in ("keras_tensor", "seed_generator", "variable")}


def compare(app, kwargs, input_tensor=None, real=None):
    """Build ``keras.applications.<app>(**kwargs)`` both ways (``real``: already built) and
    assert they agree."""
    kwargs = dict(kwargs)
    kwargs.setdefault("weights", None)
    if real is None:
        real = keras_model(app, input_tensor, **kwargs)
    engine_kwargs = kwargs if input_tensor is None else dict(kwargs, input_tensor=input_tensor)
    ours = build_application(app, [], engine_kwargs)
    where = f"{app}({kwargs})"
    assert ours.name == real.name, where
    assert ours.output_shape == tuple(real.output.shape), where
    assert ours.params.trainable == _count(real.trainable_weights), where
    assert ours.params.non_trainable == _count(real.non_trainable_weights), where
    assert ours.params.total == real.count_params(), where
    if input_tensor is None:
        assert ours.input_shape == tuple(real.input.shape), where
        assert ours.uids == keras_uids(), where
    for mine, theirs in ((ours.rows, real.layers), (ours.operations, real._operations)):
        theirs = keras_rows(theirs)
        if input_tensor is not None:  # the user's InputLayer belongs to their graph
            theirs = [r for r in theirs if r[1] != "InputLayer"]
        mine = [(r.name, r.class_name, r.output_shape, r.params.total) for r in mine]
        for i, (a, b) in enumerate(zip(mine, theirs)):
            assert a == b, f"{where}: row {i}: engine {a}, Keras {b}"
        assert len(mine) == len(theirs), where
    return ours


def expect_error(app, kwargs):
    """Keras raises, and the engine raises ``invalid-argument`` with Keras's message."""
    with pytest.raises(Exception) as real:
        keras_model(app, **kwargs)
    with pytest.raises(ShapeError) as ours:
        build_application(app, [], kwargs)
    assert ours.value.code == "invalid-argument"
    assert ours.value.message.startswith(re.sub(r" at 0x[0-9a-f]+>", ">", str(real.value)))


def agree(app, kwargs):
    """Keras accepts and the engine agrees on everything, or both reject."""
    kwargs = dict(kwargs)
    kwargs.setdefault("weights", None)
    try:
        real = keras_model(app, **kwargs)
    except ValueError as error:
        with pytest.raises(ShapeError):
            build_application(app, [], kwargs)
        return error
    compare(app, kwargs, real=real)
    return None


ALL = sorted(n for n in dir(keras.applications) if n[0].isupper())
MIN_SIZE = {"InceptionV3": 75, "InceptionResNetV2": 75, "Xception": 71}


def test_every_keras_application_is_known():
    assert set(ALL) == set(APPLICATIONS)


@pytest.mark.parametrize("name", ALL)
def test_with_top_at_the_default_size(name):
    compare(name, {})


@pytest.mark.parametrize("name", ALL)
def test_as_backbone_on_odd_sizes(name):
    """``include_top=False`` with each pooling, on a small non-square image of odd sides
    (``correct_pad``, "valid" windows and NASNet's cell adjustments all see odd sizes)."""
    size = MIN_SIZE.get(name, 32)
    pooling = (None, "avg", "max")[ALL.index(name) % 3]
    assert agree(name, dict(include_top=False, input_shape=(size + 13, size + 29, 3), pooling=pooling)) is None


# ---- family specifics: other sizes, classes, channels, alpha, preprocessing, weights ----------

@pytest.mark.parametrize("name,kwargs", [
    ("VGG16", dict(include_top=False, input_shape=(64, 48, 3), pooling="max")),
    ("VGG19", dict(include_top=False)),
    ("VGG19", dict(include_top=True, input_shape=(64, 64, 1), classes=7, classifier_activation=None)),
    ("ResNet50", dict(include_top=False, weights="imagenet", pooling="avg")),
    ("ResNet50V2", dict(include_top=True, input_shape=(96, 96, 3), classes=10)),
    ("ResNet101", dict(include_top=False, input_shape=(32, 32, 3))),
    ("ResNet152V2", dict(include_top=False, input_shape=(None, None, 3))),
    ("DenseNet121", dict(include_top=False, input_shape=(64, 72, 3), pooling="max")),
    ("DenseNet201", dict(include_top=True, input_shape=(32, 32, 3), classes=3)),
    ("InceptionV3", dict(include_top=False, pooling="max")),
    ("InceptionResNetV2", dict(include_top=True, input_shape=(80, 80, 3), classes=9)),
    ("Xception", dict(include_top=False)),
])
def test_classic_families(name, kwargs):
    compare(name, kwargs)


@pytest.mark.parametrize("name,kwargs", [
    ("MobileNet", dict(include_top=False, alpha=0.5, depth_multiplier=2, input_shape=(128, 128, 3), pooling="avg")),
    ("MobileNet", dict(alpha=0.75, input_shape=(100, 100, 3), classes=5)),
    ("MobileNet", dict(include_top=False, weights="imagenet", alpha=0.25)),
    ("MobileNetV2", dict(include_top=False, alpha=1.4, input_shape=(96, 96, 3), pooling="max")),
    ("MobileNetV2", dict(alpha=0.35, input_shape=(75, 75, 3), classes=3)),
    ("MobileNetV2", dict(include_top=False, weights="imagenet", input_shape=(100, 120, 3))),
    ("MobileNetV3Small", dict(include_top=False, alpha=0.75, pooling="avg", include_preprocessing=False)),
    ("MobileNetV3Small", dict(minimalistic=True, alpha=1.25, input_shape=(64, 64, 3), classes=4, dropout_rate=0)),
    ("MobileNetV3Large", dict(include_top=False, minimalistic=True, input_shape=(33, 47, 3), pooling="max")),
    ("MobileNetV3Large", dict(weights="imagenet", alpha=0.75, input_shape=(160, 160, 3))),
])
def test_mobilenets(name, kwargs):
    compare(name, kwargs)


@pytest.mark.parametrize("name,kwargs", [
    ("EfficientNetB0", dict(include_top=False, weights="imagenet", pooling="avg")),
    ("EfficientNetB3", dict(include_top=True, input_shape=(64, 64, 3), classes=12)),
    ("EfficientNetV2B0", dict(include_top=False, input_shape=(64, 64, 1), pooling="avg")),
    ("EfficientNetV2B1", dict(include_top=False, include_preprocessing=False, input_shape=(32, 32, 3))),
    ("EfficientNetV2B2", dict(include_top=True, input_shape=(48, 48, 3), classes=2)),
    ("EfficientNetV2S", dict(include_top=False, weights="imagenet", input_shape=(32, 32, 3))),
])
def test_efficientnets(name, kwargs):
    compare(name, kwargs)


@pytest.mark.parametrize("name,kwargs", [
    ("ConvNeXtTiny", dict(include_top=False, include_preprocessing=False, input_shape=(32, 32, 1))),
    ("ConvNeXtTiny", dict(include_top=False, input_shape=(None, None, 3), pooling="max")),
    ("ConvNeXtBase", dict(include_top=True, input_shape=(32, 32, 3), classes=10)),
    ("NASNetMobile", dict(include_top=False, input_shape=(None, None, 3))),
    ("NASNetLarge", dict(include_top=False, input_shape=(None, None, 3))),
    ("NASNetLarge", dict(include_top=True, input_shape=(64, 64, 3), classes=2, classifier_activation="sigmoid")),
])
def test_convnext_and_nasnet(name, kwargs):
    compare(name, kwargs)


def test_input_tensor_is_the_models_input():
    compare("ResNet50", dict(include_top=False), input_tensor=(2, 64, 64, 3))
    compare("MobileNetV2", dict(include_top=False, pooling="avg"), input_tensor=(None, 96, 96, 3))


# ---- Keras's argument checks ----------------------------------------------------------------

@pytest.mark.parametrize("name,kwargs", [
    ("ResNet50", dict(input_shape=(200, 200, 3))),                       # top + imagenet: default size
    ("VGG16", dict(include_top=False, input_shape=(224, 224, 1))),        # imagenet: 3 channels
    ("VGG16", dict(include_top=False, weights=None, input_shape=(31, 64, 3))),  # min size
    ("InceptionV3", dict(include_top=False, weights=None, input_shape=(74, 100, 3))),
    ("Xception", dict(include_top=False, weights=None, input_shape=(70, 70, 3))),
    ("DenseNet121", dict(include_top=False, input_shape=(224, 224))),     # three integers
    ("ResNet50", dict(weights=None, input_shape=(None, None, 3))),        # top: static shape
    ("ResNet50", dict(classes=10)),                                       # imagenet top: 1000 classes
    ("VGG16", dict(classifier_activation="relu")),                        # imagenet top: softmax
    ("MobileNet", dict(alpha=0.3, include_top=False)),
    ("MobileNet", dict(depth_multiplier=2, include_top=False)),
    ("MobileNetV2", dict(alpha=0.6, include_top=False)),
    ("MobileNetV3Small", dict(alpha=0.5)),
    ("MobileNetV3Large", dict(weights=None, input_shape=(31, 64, 3))),
    ("ConvNeXtTiny", dict(name="my_backbone")),
    ("EfficientNetV2B0", dict(weights=None, name="my_backbone")),
    ("NASNetLarge", dict(include_top=False, input_shape=(None, None, 3))),
    ("ResNet50", dict(input_shape=[224, 224, 3])),                       # a list is not the tuple
    ("MobileNetV2", dict(include_top=False, weights=None, input_shape=(128, 128, 3),
                         input_tensor=(None, 96, 96, 3))),
    ("MobileNetV3Small", dict(include_top=False, weights=None, input_shape=(128, 128, 3),
                              input_tensor=(None, 96, 96, 3))),
])
def test_keras_input_checks(name, kwargs):
    expect_error(name, kwargs)


def test_obtain_input_shape_messages_match_keras():
    """The shared checks, against ``imagenet_utils.obtain_input_shape`` itself."""
    from shapelens.engine.applications.common import obtain_input_shape
    from shapelens.engine.derivation import Derivation
    cases = [((1, 224, 224), 224, 32, False, None), ((224, 224, 3), 299, 75, True, "imagenet"),
             ((10, 10, 3), 224, 32, False, None), ((224, 224, 4), 224, 32, False, "imagenet"),
             (None, 224, 32, True, None), (None, 224, 32, False, "imagenet"),
             ((None, 50, 3), 224, 32, True, None), ((50, None, 3), 224, 32, False, None)]
    for input_shape, size, min_size, flatten, weights in cases:
        try:
            expected = imagenet_utils.obtain_input_shape(input_shape, size, min_size, "channels_last",
                                                         flatten, weights)
        except ValueError as error:
            with pytest.raises(ShapeError, match="") as ours:
                obtain_input_shape(input_shape, size, min_size, flatten, weights, Derivation())
            assert ours.value.message == str(error)
        else:
            assert obtain_input_shape(input_shape, size, min_size, flatten, weights, Derivation()) == tuple(expected)


# ---- unknown values never raise -------------------------------------------------------------

def test_unknown_arguments_give_unknown_results():
    model = build_application("ResNet50", [], {"include_top": UNKNOWN})
    assert model.output_shape is UNKNOWN and model.params.total is UNKNOWN
    model = build_application("MobileNetV2", [], {"alpha": UNKNOWN, "weights": None})
    assert model.output_shape is UNKNOWN
    model = build_application("ResNet50", [], {"weights": None, "classes": UNKNOWN})
    assert model.output_shape == (None, UNKNOWN)
    assert model.params.trainable is UNKNOWN and model.params.non_trainable == 53120
    model = build_application("VGG16", [], {"include_top": False, "input_shape": (UNKNOWN, 64, 3)})
    assert model.output_shape == (None, UNKNOWN, 2, 512)
    assert model.params.total == 14714688
    model = build_application("EfficientNetB0", [], {"include_top": False, "input_shape": UNKNOWN})
    assert model.output_shape[-1] == 1280
    # correct_pad: an unknown height leaves an even width's padding known
    model = build_application("MobileNetV2", [], {"include_top": False, "input_shape": (UNKNOWN, 128, 3)})
    assert model.output_shape == (None, UNKNOWN, 4, 1280) and model.params.total == 2257984
    assert model.name is UNKNOWN    # imagenet weights name it after 224 unless 128 x 128
    for name in APPLICATIONS:
        build_application(name, [], {"input_shape": UNKNOWN, "weights": UNKNOWN, "classes": UNKNOWN})
        build_application(name, [], {"input_tensor": UNKNOWN, "weights": None, "include_top": False})


def test_positional_arguments_follow_the_signature():
    model = build_application("MobileNet", [(128, 128, 3), 0.5], {"weights": None})
    assert model.name == "mobilenet_0.50_128"
    with pytest.raises(ShapeError):
        build_application("VGG16", [], {"include_tops": False})


def test_default_names_continue_the_callers_counters():
    uids = {"global_average_pooling2d": 2}
    model = build_application("VGG16", [], {"include_top": False, "pooling": "avg", "weights": None}, uids)
    assert model.rows[-1].name == "global_average_pooling2d_2"
    assert uids == {"global_average_pooling2d": 3, "input_layer": 1}


# ---- random configurations of the cheap families ----------------------------------------------

@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=st.sampled_from(["MobileNet", "MobileNetV2", "MobileNetV3Small"]),
    alpha=st.sampled_from([0.25, 0.35, 0.5, 0.75, 1.0, 1.3]),
    size=st.sampled_from([None, 31, 32, 57, 96, 128, 224]),
    include_top=st.booleans(),
    pooling=st.sampled_from([None, "avg", "max"]),
    classes=st.sampled_from([1000, 10]),
    weights=st.sampled_from([None, "imagenet"]),
)
def test_mobilenets_random(name, alpha, size, include_top, pooling, classes, weights):
    agree(name, dict(alpha=alpha, include_top=include_top, pooling=pooling, classes=classes,
                     weights=weights, input_shape=None if size is None else (size, size, 3)))
