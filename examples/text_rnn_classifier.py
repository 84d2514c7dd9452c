"""Text classifiers with recurrent layers: Embedding(mask_zero), stacked Bidirectional RNNs with
every merge mode, GRU(reset_after=False), SimpleRNN and GlobalMaxPooling1D."""

import keras
from keras import layers

max_features = 20000
maxlen = 200
embed_dim = 128

inputs = keras.Input(shape=(maxlen,), dtype="int32")
x = layers.Embedding(max_features, embed_dim, mask_zero=True)(inputs)
x = layers.Bidirectional(layers.LSTM(64, return_sequences=True))(x)
x = layers.Bidirectional(layers.LSTM(64, return_sequences=True), merge_mode="sum")(x)
x = layers.Bidirectional(layers.GRU(32, return_sequences=True), merge_mode="mul")(x)
x = layers.Bidirectional(layers.SimpleRNN(16, return_sequences=True), merge_mode="ave")(x)
forward, backward = layers.Bidirectional(layers.GRU(8, reset_after=False), merge_mode=None)(x)
merged = layers.concatenate([forward, backward])
outputs = layers.Dense(1, activation="sigmoid")(merged)
bilstm = keras.Model(inputs, outputs)

gru_model = keras.Sequential([
    keras.Input(shape=(None,), dtype="int64"),
    layers.Embedding(input_dim=5000, output_dim=64),
    layers.GRU(64, return_sequences=True, reset_after=False),
    layers.SimpleRNN(32, return_sequences=True),
    layers.GlobalMaxPooling1D(),
    layers.Dense(4, activation="softmax"),
])
