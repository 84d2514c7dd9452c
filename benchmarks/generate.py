"""Generate large, realistic Keras model modules for the benchmarks."""

from __future__ import annotations

HEADER = '''"""Generated benchmark module: many models, helpers and layer calls."""
import keras
from keras import layers

IMG = 64
'''

BLOCK = '''

# ---------------------------------------------------------------------------------------------
# Experiment {i}: a small CNN classifier with a residual block, and its training configuration.
# ---------------------------------------------------------------------------------------------
CONFIG_{i} = {{
    "learning_rate": 1e-3 * ({i} % 5 + 1),
    "batch_size": 32,
    "epochs": 10 + {i} % 7,
    "augment": {i} % 2 == 0,
    "classes": ["cat", "dog", "bird", "fish"],
}}


def learning_rate_schedule_{i}(epoch, base=CONFIG_{i}["learning_rate"]):
    """Step decay: halve the rate every 5 epochs."""
    drop = 0.5
    every = 5
    return base * (drop ** (epoch // every))


def residual_{i}(x, filters={f}, strides=1):
    """A residual block with a projection shortcut when shapes change."""
    shortcut = x
    y = layers.Conv2D(filters, 3, strides=strides, padding="same")(x)
    y = layers.BatchNormalization()(y)
    y = layers.Conv2D(filters, 3, padding="same")(y)
    if x.shape[-1] != filters or strides != 1:
        shortcut = layers.Conv2D(filters, 1, strides=strides)(x)
    return layers.Add()([shortcut, y])


inputs_{i} = keras.Input(shape=(IMG, IMG, 3))
x = layers.Rescaling(1.0 / 255)(inputs_{i})
x = layers.Conv2D(16, 3, padding="same", activation="relu")(x)
x = layers.MaxPooling2D(2)(x)
x = residual_{i}(x, 32, strides=2)
x = layers.GlobalAveragePooling2D()(x)
x = layers.Dropout(0.5)(x)
outputs_{i} = layers.Dense(len(CONFIG_{i}["classes"]), activation="softmax")(x)
model_{i} = keras.Model(inputs_{i}, outputs_{i}, name="experiment_{i}")
'''


def generate_module(target_lines: int) -> str:
    parts = [HEADER]
    i = 0
    while sum(p.count("\n") for p in parts) < target_lines:
        parts.append(BLOCK.format(i=i, f=16 + (i % 4) * 8))
        i += 1
    return "".join(parts)


def count_layer_calls(source: str) -> int:
    return source.count("layers.")


LOOP_HEADER = '''"""Generated benchmark module: ResNet-style models built by helper functions called in loops."""
import keras
from keras import layers

IMG = 64
'''

LOOP_BLOCK = '''

# ---------------------------------------------------------------------------------------------
# Network {i}: ResNet-style stages; one helper builds a block, loops stack the blocks and stages.
# ---------------------------------------------------------------------------------------------
STAGES_{i} = [({f}, 2), ({f2}, 2), ({f4}, 2)]


def conv_bn_{i}(x, filters, kernel=3, strides=1):
    """Convolution, batch normalisation, ReLU."""
    x = layers.Conv2D(filters, kernel, strides=strides, padding="same", use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    return layers.Activation("relu")(x)


def block_{i}(x, filters, strides=1):
    """A basic residual block with a projection shortcut when the shape changes."""
    shortcut = x
    y = conv_bn_{i}(x, filters, 3, strides)
    y = layers.Conv2D(filters, 3, padding="same", use_bias=False)(y)
    y = layers.BatchNormalization()(y)
    if strides != 1 or x.shape[-1] != filters:
        shortcut = layers.Conv2D(filters, 1, strides=strides, use_bias=False)(x)
        shortcut = layers.BatchNormalization()(shortcut)
    y = layers.Add()([shortcut, y])
    return layers.Activation("relu")(y)


def stage_{i}(x, filters, blocks, first_strides):
    for b in range(blocks):
        x = block_{i}(x, filters, first_strides if b == 0 else 1)
    return x


def build_{i}(classes={classes}):
    inputs = keras.Input(shape=(IMG, IMG, 3))
    x = conv_bn_{i}(inputs, {f}, 7, 2)
    x = layers.MaxPooling2D(3, strides=2, padding="same")(x)
    for index, (filters, blocks) in enumerate(STAGES_{i}):
        x = stage_{i}(x, filters, blocks, 1 if index == 0 else 2)
    x = layers.GlobalAveragePooling2D()(x)
    outputs = layers.Dense(classes, activation="softmax")(x)
    return keras.Model(inputs, outputs, name="resnet_{i}")


model_{i} = build_{i}()
'''


def generate_loop_module(target_lines: int) -> str:
    """ResNet-style networks: ``block`` helpers called in ``for`` loops over stages, several models."""
    parts = [LOOP_HEADER]
    i = 0
    while sum(p.count("\n") for p in parts) < target_lines:
        f = 8 + (i % 3) * 8
        parts.append(LOOP_BLOCK.format(i=i, f=f, f2=2 * f, f4=4 * f, classes=10 + i % 5))
        i += 1
    return "".join(parts)


def generate_builder_module(target_lines: int) -> str:
    """A library of model builders nobody calls in the file (a ``models.py`` that a training script
    imports): the loop-heavy networks without their ``model_i = build_i()`` lines, so every function
    is explored, not run, and an edit must not explore them all again."""
    return "\n".join(line for line in generate_loop_module(target_lines).split("\n")
                     if not line.startswith("model_"))
