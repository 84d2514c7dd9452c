"""Wide & deep model for tabular data: several inputs, embeddings for categorical columns,
a deep tower, a wide linear part, and the two logits combined with `+`."""

import keras
from keras import layers

NUM_NUMERIC = 13
CATEGORIES = {"city": 100, "device": 8}
EMBED = 6

numeric = keras.Input(shape=(NUM_NUMERIC,), name="numeric")
city = keras.Input(shape=(1,), name="city", dtype="int32")
device = keras.Input(shape=(1,), name="device", dtype="int32")

city_emb = layers.Flatten()(layers.Embedding(CATEGORIES["city"], EMBED)(city))
device_emb = layers.Flatten()(layers.Embedding(CATEGORIES["device"], EMBED // 2)(device))

deep = layers.concatenate([numeric, city_emb, device_emb])
for units in [64, 32]:
    deep = layers.Dense(units, activation="relu")(deep)
    deep = layers.BatchNormalization()(deep)
deep_logit = layers.Dense(1)(deep)

wide = layers.Concatenate()([numeric, layers.CategoryEncoding(num_tokens=8, output_mode="one_hot")(device)])
wide_logit = layers.Dense(1, use_bias=False)(wide)

logit = deep_logit + wide_logit
prob = layers.Activation("sigmoid", name="prob")(logit)
wide_deep = keras.Model(inputs=[numeric, city, device], outputs=prob)
