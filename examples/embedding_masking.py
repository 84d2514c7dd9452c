"""Sequence models with masks: Embedding(mask_zero=True) feeding an LSTM, and Masking feeding a
GRU, in functional and Sequential form (functional summaries show the mask ops as rows)."""

import keras
from keras import layers

vocab = 5000
maxlen = 40

tokens = keras.Input(shape=(maxlen,), dtype="int32")
emb = layers.Embedding(vocab, 32, mask_zero=True)(tokens)
seq = layers.LSTM(32, return_sequences=True)(emb)
vec = layers.LSTM(16)(seq)
sentiment = keras.Model(tokens, layers.Dense(1, activation="sigmoid")(vec))

padded = keras.Input(shape=(None, 10))
masked = layers.Masking(mask_value=0.0)(padded)
h = layers.GRU(20)(masked)
padded_gru = keras.Model(padded, layers.Dense(2)(h))

seq_model = keras.Sequential([
    keras.Input(shape=(maxlen,)),
    layers.Embedding(vocab, 16, mask_zero=True),
    layers.SimpleRNN(8),
    layers.Dense(1),
])
