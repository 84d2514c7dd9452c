"""Image preprocessing and augmentation layers inside models: Resizing, CenterCrop, Rescaling,
Normalization with given mean/variance, and RandomFlip/Rotation/Zoom/Translation/Contrast/Crop."""

import keras
from keras import layers

augment = keras.Sequential(
    [
        layers.RandomFlip("horizontal_and_vertical"),
        layers.RandomRotation(0.1),
        layers.RandomZoom(height_factor=0.2, width_factor=0.2),
        layers.RandomTranslation(0.1, 0.1),
        layers.RandomContrast(0.2),
    ],
    name="augmentation",
)

inputs = keras.Input(shape=(None, None, 3))
x = layers.Resizing(160, 160)(inputs)
x = layers.CenterCrop(144, 144)(x)
x = augment(x)
x = layers.RandomCrop(128, 128)(x)
x = layers.Rescaling(scale=1.0 / 255)(x)
x = layers.Normalization(mean=[0.485, 0.456, 0.406], variance=[0.052, 0.050, 0.051])(x)
x = layers.Conv2D(16, 3, strides=2, activation="relu")(x)
x = layers.GlobalAveragePooling2D()(x)
outputs = layers.Dense(3)(x)
model = keras.Model(inputs, outputs)

fixed_size = keras.Sequential([
    keras.Input((200, 300, 1)),
    layers.Resizing(100, 150, interpolation="nearest"),
    layers.Rescaling(2.0, offset=-1.0),
    layers.CenterCrop(height=64, width=64),
    layers.Normalization(),
])
