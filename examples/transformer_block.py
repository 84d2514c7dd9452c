"""A text-classification Transformer (after the Keras example): scaled token embeddings,
MultiHeadAttention, residual `x + y`, LayerNormalization, a feed-forward helper, blocks in a
`for _ in range(...)` loop, and EinsumDense for a per-head projection."""

import keras
from keras import layers, ops

vocab_size = 20000
maxlen = 200
embed_dim = 32
num_heads = 2
ff_dim = 32
num_blocks = 2


def feed_forward(x, hidden_dim, out_dim, rate=0.1):
    x = layers.Dense(hidden_dim, activation="relu")(x)
    x = layers.Dense(out_dim)(x)
    return layers.Dropout(rate)(x)


def transformer_block(x, embed_dim, num_heads, ff_dim, rate=0.1):
    attn = layers.MultiHeadAttention(num_heads=num_heads, key_dim=embed_dim)(x, x)
    attn = layers.Dropout(rate)(attn)
    x = layers.LayerNormalization(epsilon=1e-6)(x + attn)
    ffn = feed_forward(x, ff_dim, embed_dim, rate=rate)
    return layers.LayerNormalization(epsilon=1e-6)(x + ffn)


inputs = layers.Input(shape=(maxlen,))
token_emb = layers.Embedding(input_dim=vocab_size, output_dim=embed_dim)(inputs)
x = token_emb * ops.sqrt(float(embed_dim))

for _ in range(num_blocks):
    x = transformer_block(x, embed_dim, num_heads, ff_dim)

x = layers.EinsumDense("btd,dhk->bthk", output_shape=(None, 4, 8), bias_axes="hk")(x)
x = layers.Reshape((maxlen, 32))(x)
x = layers.GlobalAveragePooling1D()(x)
x = layers.Dropout(0.1)(x)
x = layers.Dense(20, activation="relu")(x)
outputs = layers.Dense(2, activation="softmax")(x)
model = keras.Model(inputs=inputs, outputs=outputs)
