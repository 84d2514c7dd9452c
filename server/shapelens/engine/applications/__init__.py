"""``keras.applications`` backbones, built statically from engine layer rules.

``build_application("ResNet50", [], {"include_top": False, "pooling": "avg"})`` follows the
Keras function step by step (``keras/src/applications/*.py``): the same argument checks, the
same layers with the same names, in the order ``model.layers`` lists them, each layer's shape
and weights computed by its engine rule.  Nothing is hard-coded but the architectures.

Conventions:
* tensor arguments (``input_tensor``) are given as batch-first shapes;
* ``image_data_format()`` is Keras's default, ``"channels_last"``;
* a ``?`` argument never raises: a ``?`` that decides the architecture (``include_top``,
  ``alpha``, ...) gives an unknown model, anything else unknown dims or counts;
* when ``input_tensor`` is given, the model's inputs are that tensor's sources, which belong to
  the caller's graph: no ``InputLayer`` row is listed for them;
* default layer names (``global_average_pooling2d``, ``input_layer``) come from Keras's
  process-wide counters: pass the counts used so far as ``uids`` (a fresh process when omitted);
  ``AppModel.uids`` says which counters the build advanced.
"""

from __future__ import annotations

from typing import Any

from ..args import bind, parse_signature
from ..errors import ShapeError
from ..shape import UNKNOWN
from . import (  # noqa: F401  (each import registers its family)
    convnext,
    densenet,
    efficientnet,
    efficientnet_v2,
    inception_resnet_v2,
    inception_v3,
    mobilenet,
    nasnet,
    resnet,
    vgg,
    xception,
)
from .builder import AppModel, Builder, Row, Undecidable, unknown_model
from .common import APPLICATIONS, Application


def build_application(name: str, positional: list[Any], keywords: dict[str, Any], uids: dict[str, int] | None = None
                      ) -> AppModel:
    """What ``keras.applications.<name>(*positional, **keywords)`` returns.

    Raises ``KeyError`` for a name Keras does not export and ``ShapeError`` where Keras raises.
    """
    app = APPLICATIONS[name]
    args = bind(app.signature, positional, keywords, name)
    if args.extra and not parse_signature(app.signature).var_keyword:
        unexpected = next(iter(args.extra))
        raise ShapeError("invalid-argument",
                         f"{name}() got an unexpected keyword argument '{unexpected}'")
    builder = Builder(uids)
    try:
        model = app.build(args, builder)
    except (Undecidable, TypeError) as reason:
        # TypeError: arithmetic on a "?" in Keras's own Python (``int(filters * alpha)``).
        model_name = args["name"]
        model = unknown_model(UNKNOWN if model_name is None else model_name, str(reason))
    else:
        if uids is not None:
            for prefix, count in model.uids.items():
                uids[prefix] = uids.get(prefix, 0) + count
    model.derivation.defaults = args.defaults_used()
    return model


__all__ = ["APPLICATIONS", "AppModel", "Application", "Row", "build_application"]
