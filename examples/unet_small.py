"""A small U-Net: encoder blocks return (features, pooled) tuples, skips are collected in a list
and consumed in reverse by the decoder with Conv2DTranspose + concatenate."""

from keras import layers
from keras.models import Model


def encoder_block(x, filters):
    x = layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
    x = layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
    p = layers.MaxPooling2D((2, 2))(x)
    return x, p


def decoder_block(x, skip, filters):
    x = layers.Conv2DTranspose(filters, (2, 2), strides=2, padding="same")(x)
    x = layers.concatenate([x, skip])
    x = layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
    x = layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
    return x


inputs = layers.Input((64, 64, 1))
skips = []
x = inputs
for f in (16, 32, 64):
    s, x = encoder_block(x, f)
    skips.append(s)

x = layers.Conv2D(128, 3, padding="same", activation="relu")(x)

for f, s in zip([64, 32, 16], reversed(skips)):
    x = decoder_block(x, s, f)

outputs = layers.Conv2D(1, 1, activation="sigmoid")(x)
unet = Model(inputs=[inputs], outputs=[outputs])
