"""VGG16 and VGG19 (``keras/src/applications/vgg16.py``, ``vgg19.py``)."""

from __future__ import annotations

from ..args import Args
from ..derivation import Derivation
from .builder import AppModel, Builder
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

CLASSES_MESSAGE = ("If using `weights='imagenet'` with `include_top=True`, `classes` should be "
                   "1000.  Received classes={classes}")


def vgg(args: Args, b: Builder, convs_per_block: tuple[int, ...]) -> AppModel:
    why = Derivation()
    include_top = flag(args, "include_top")
    check_classes(args, CLASSES_MESSAGE)
    input_shape = obtain_input_shape(args["input_shape"], 224, 32, include_top, args["weights"], why)
    img_input = image_input(b, args, input_shape)
    x = img_input
    for block, (filters, convs) in enumerate(zip((64, 128, 256, 512, 512), convs_per_block), 1):
        for i in range(1, convs + 1):
            x = b.layer("Conv2D", filters, (3, 3), activation="relu", padding="same",
                        name=f"block{block}_conv{i}")(x)
        x = b.layer("MaxPooling2D", (2, 2), strides=(2, 2), name=f"block{block}_pool")(x)
    if include_top:
        x = b.layer("Flatten", name="flatten")(x)
        x = b.layer("Dense", 4096, activation="relu", name="fc1")(x)
        x = b.layer("Dense", 4096, activation="relu", name="fc2")(x)
        validate_activation(args["classifier_activation"], args["weights"])
        x = b.layer("Dense", args["classes"], activation=args["classifier_activation"],
                    name="predictions")(x)
    else:
        x = top_or_pooling(b, args, x)
    return b.model(img_input, x, args["name"], why)


@application("VGG16", standard_signature("vgg16"))
def vgg16(args: Args, b: Builder) -> AppModel:
    return vgg(args, b, (2, 2, 3, 3, 3))


@application("VGG19", standard_signature("vgg19"))
def vgg19(args: Args, b: Builder) -> AppModel:
    return vgg(args, b, (2, 2, 4, 4, 4))
