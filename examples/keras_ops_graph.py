"""`keras.ops` calls and Python operators on symbolic tensors: each becomes an operation row in
the functional model's summary (add, multiply, subtract, get_item, concatenate, mean, ...)."""

import keras
from keras import layers, ops

numeric = keras.Input(shape=(10,), name="numeric")
other = keras.Input(shape=(10,), name="other")

summed = numeric + other
product = numeric * other
diff = numeric - 1.0
scaled = 0.5 * summed
first = numeric[:, 0:4]
joined = ops.concatenate([summed, product, diff, scaled], axis=-1)
mean = ops.mean(joined, axis=-1, keepdims=True)
centered = joined - mean
expanded = ops.expand_dims(centered, axis=-1)
conv = layers.Conv1D(4, 3)(expanded)
pooled = ops.max(conv, axis=1)
gate = ops.sigmoid(layers.Dense(4)(first))
gated = pooled * gate
activated = keras.activations.relu(gated)
outputs = layers.Dense(1)(ops.concatenate([activated, layers.add([pooled, gate])], axis=-1))
ops_model = keras.Model(inputs=[numeric, other], outputs=outputs)

x = keras.Input(shape=(4, 6))
t = ops.transpose(x, axes=(0, 2, 1))
r = ops.reshape(t, (-1, 24))
s = ops.sum(r, axis=-1)
st = ops.stack([s, s * 2], axis=-1)
reshape_ops = keras.Model(x, st)
