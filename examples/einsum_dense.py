"""EinsumDense: the Dense generalisation used inside attention, with several equations,
partially-known output shapes and bias_axes."""

import keras
from keras import layers

tokens = keras.Input(shape=(12, 32))
proj = layers.EinsumDense("abc,cd->abd", output_shape=(None, 64), bias_axes="d")(tokens)
heads = layers.EinsumDense("abc,cde->abde", output_shape=(None, 4, 16), bias_axes="de")(proj)
merged = layers.EinsumDense("abcd,cde->abe", output_shape=(None, 32))(heads)
vec_in = keras.Input(shape=(32,))
dense_like = layers.EinsumDense("ab,bc->ac", output_shape=8, bias_axes="c", activation="relu")(vec_in)
einsum_model = keras.Model([tokens, vec_in], [merged, dense_like])
