"""A Siamese network: one embedding tower (a Sequential model) applied to two inputs, a shared
Dense layer, and a Lambda computing |a - b| (with and without output_shape)."""

import keras
from keras import layers, ops
from keras.models import Model, Sequential

embedding_net = Sequential(
    [
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(32, 3, activation="relu"),
        layers.MaxPooling2D(),
        layers.Conv2D(64, 3, activation="relu"),
        layers.GlobalAveragePooling2D(),
        layers.Dense(48),
    ],
    name="embedding",
)

left = layers.Input(shape=(28, 28, 1), name="left")
right = layers.Input(shape=(28, 28, 1), name="right")
emb_l = embedding_net(left)
emb_r = embedding_net(right)

project = layers.Dense(16, activation="tanh")          # shared: called twice
p_l = project(emb_l)
p_r = project(emb_r)

l1 = layers.Lambda(lambda t: ops.abs(t[0] - t[1]))([p_l, p_r])
l1_explicit = layers.Lambda(lambda t: ops.abs(t[0] - t[1]), output_shape=(16,))([p_l, p_r])
cos = layers.Dot(axes=1, normalize=True)([p_l, p_r])
merged = layers.concatenate([l1, l1_explicit, cos])
similarity = layers.Dense(1, activation="sigmoid")(merged)

siamese = Model(inputs=[left, right], outputs=similarity)
