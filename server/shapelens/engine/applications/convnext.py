"""ConvNeXtTiny, Small, Base, Large and XLarge (``keras/src/applications/convnext.py``).

The stem and the three downsampling blocks are nested ``Sequential`` models: one row each."""

from __future__ import annotations

from ..args import Args
from ..derivation import Derivation
from ..errors import ShapeError
from ..layers.merging import broadcast_shapes
from .builder import AppModel, Builder, Tensor, decide
from .common import (
    application,
    check_classes,
    flag,
    image_input,
    is_imagenet,
    obtain_input_shape,
    top_or_pooling,
    validate_activation,
)
from .custom_layers import LayerScale, StochasticDepth

MODEL_CONFIGS = {
    "tiny": {"depths": [3, 3, 9, 3], "projection_dims": [96, 192, 384, 768]},
    "small": {"depths": [3, 3, 27, 3], "projection_dims": [96, 192, 384, 768]},
    "base": {"depths": [3, 3, 27, 3], "projection_dims": [128, 256, 512, 1024]},
    "large": {"depths": [3, 3, 27, 3], "projection_dims": [192, 384, 768, 1536]},
    "xlarge": {"depths": [3, 3, 27, 3], "projection_dims": [256, 512, 1024, 2048]},
}

SIGNATURE = ("include_top=True, include_preprocessing=True, weights='imagenet', input_tensor=None, "
             "input_shape=None, pooling=None, classes=1000, classifier_activation='softmax', "
             "name='{name}'")


def convnext_block(b: Builder, inputs: Tensor, projection_dim: int, drop_path_rate: float = 0.0,
                   layer_scale_init_value: float | None = 1e-6, name: str | None = None) -> Tensor:
    """``convnext.ConvNeXtBlock``; the residual sum is a bare ``inputs + x`` operation."""
    x = b.layer("Conv2D", filters=projection_dim, kernel_size=7, padding="same",
                groups=projection_dim, name=f"{name}_depthwise_conv")(inputs)
    x = b.layer("LayerNormalization", epsilon=1e-6, name=f"{name}_layernorm")(x)
    x = b.layer("Dense", 4 * projection_dim, name=f"{name}_pointwise_conv_1")(x)
    x = b.layer("Activation", "gelu", name=f"{name}_gelu")(x)
    x = b.layer("Dense", projection_dim, name=f"{name}_pointwise_conv_2")(x)
    if layer_scale_init_value is not None:
        x = b.layer(LayerScale, layer_scale_init_value, projection_dim, name=f"{name}_layer_scale")(x)
    if drop_path_rate:
        x = b.layer(StochasticDepth, drop_path_rate, name=f"{name}_stochastic_depth")(x)
    else:
        x = b.layer("Activation", "linear", name=f"{name}_identity")(x)
    return b.op("Add", [inputs, x], broadcast_shapes(inputs.shape, x.shape))


def convnext(args: Args, b: Builder, variant: str, drop_path_rate: float = 0.0,
             layer_scale_init_value: float | None = 1e-6, default_size: int = 224) -> AppModel:
    """``convnext.ConvNeXt``."""
    depths = MODEL_CONFIGS[variant]["depths"]
    projection_dims = MODEL_CONFIGS[variant]["projection_dims"]
    weights_name = f"convnext_{variant}"
    why = Derivation()
    include_top = flag(args, "include_top")
    name = args["name"]
    check_classes(args, 'If using `weights="imagenet"` with `include_top=True`, `classes` '
                        "should be 1000. Received classes={classes}")
    input_shape = obtain_input_shape(args["input_shape"], default_size, 32, include_top,
                                     args["weights"], why)
    x = img_input = image_input(b, args, input_shape)

    if flag(args, "include_preprocessing") and decide(input_shape[2], "input channels") == 3:
        x = b.layer("Normalization", mean=[0.485 * 255, 0.456 * 255, 0.406 * 255],
                    variance=[(0.229 * 255) ** 2, (0.224 * 255) ** 2, (0.225 * 255) ** 2],
                    name=f"{name}_prestem_normalization")(x)

    stem = b.sequential([
        ("Conv2D", (projection_dims[0],), dict(kernel_size=4, strides=4, name=f"{name}_stem_conv")),
        ("LayerNormalization", (), dict(epsilon=1e-6, name=f"{name}_stem_layernorm")),
    ], name=f"{name}_stem")
    downsample_layers = [stem]
    for i in range(3):
        downsample_layers.append(b.sequential([
            ("LayerNormalization", (), dict(epsilon=1e-6, name=f"{name}_downsampling_layernorm_{i}")),
            ("Conv2D", (projection_dims[i + 1],),
             dict(kernel_size=2, strides=2, name=f"{name}_downsampling_conv_{i}")),
        ], name=f"{name}_downsampling_block_{i}"))

    total = sum(depths)
    rates = [drop_path_rate * k / (total - 1) for k in range(total)]   # np.linspace(0, rate, total)
    cur = 0
    for i in range(4):
        x = downsample_layers[i](x)
        for j in range(depths[i]):
            x = convnext_block(b, x, projection_dims[i], rates[cur + j], layer_scale_init_value,
                               name=f"{name}_stage_{i}_block_{j}")
        cur += depths[i]

    if include_top:
        validate_activation(args["classifier_activation"], args["weights"])
        x = b.layer("GlobalAveragePooling2D", name=f"{name}_head_gap")(x)
        x = b.layer("LayerNormalization", epsilon=1e-6, name=f"{name}_head_layernorm")(x)
        x = b.layer("Dense", args["classes"], activation=args["classifier_activation"],
                    name=f"{name}_head_dense")(x)
    else:
        x = top_or_pooling(b, args, x)
        x = b.layer("LayerNormalization", epsilon=1e-6)(x)
    model = b.model(img_input, x, name, why)
    if is_imagenet(args["weights"]) is True and isinstance(name, str) and weights_name not in name:
        raise ShapeError(
            "invalid-argument",
            f'Model name "{name}" does not match weights variant "{weights_name}". When using '
            "imagenet weights, model name must contain the weights variant (e.g., "
            f'"{weights_name}").')
    return model


def _register(variant: str) -> None:
    keras_name = "ConvNeXt" + ("XLarge" if variant == "xlarge" else variant.capitalize())
    application(keras_name, SIGNATURE.format(name=f"convnext_{variant}"))(
        lambda args, b: convnext(args, b, variant))


for _variant in MODEL_CONFIGS:
    _register(_variant)
