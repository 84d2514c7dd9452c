"""Customer-ticket model from the Keras functional-API guide: three inputs, two outputs,
inputs and outputs given as lists in one model and as dicts in another."""

import keras
from keras import layers

num_tags = 12
num_words = 10000
num_departments = 4

title_input = keras.Input(shape=(None,), name="title")
body_input = keras.Input(shape=(None,), name="body")
tags_input = keras.Input(shape=(num_tags,), name="tags")

title_features = layers.Embedding(num_words, 64)(title_input)
body_features = layers.Embedding(num_words, 64)(body_input)
title_features = layers.LSTM(128)(title_features)
body_features = layers.LSTM(32)(body_features)

x = layers.concatenate([title_features, body_features, tags_input])

priority_pred = layers.Dense(1, name="priority")(x)
department_pred = layers.Dense(num_departments, name="department")(x)

model = keras.Model(
    inputs=[title_input, body_input, tags_input],
    outputs=[priority_pred, department_pred],
)

# The same idea with dict inputs and dict outputs (outputs are flattened by sorted key).
price_in = keras.Input(shape=(8,), name="numeric")
text_in = keras.Input(shape=(16,), name="text_vec")
h = layers.Concatenate(axis=1)([price_in, text_in])
h = layers.Dense(32, activation="relu")(h)
score = layers.Dense(1, activation="sigmoid", name="score")(h)
aux = layers.Dense(3, activation="softmax", name="aux_class")(h)
dict_model = keras.Model(
    inputs={"numeric": price_in, "text_vec": text_in},
    outputs={"score": score, "aux_class": aux},
)
