"""Attention layers: Attention (dot-product, scaled), AdditiveAttention, MultiHeadAttention with
return_attention_scores and separate value/key, Dot with axes, and a Softmax layer over scores."""

import keras
from keras import layers

query_input = keras.Input(shape=(None,), dtype="int32")
value_input = keras.Input(shape=(None,), dtype="int32")
token_embedding = layers.Embedding(input_dim=1000, output_dim=64)
query_embeddings = token_embedding(query_input)
value_embeddings = token_embedding(value_input)

cnn_layer = layers.Conv1D(filters=100, kernel_size=4, padding="same")
query_encoding = cnn_layer(query_embeddings)
value_encoding = cnn_layer(value_embeddings)

query_value_attention = layers.Attention()([query_encoding, value_encoding])
additive = layers.AdditiveAttention()([query_encoding, value_encoding])
scaled, scores = layers.Attention(use_scale=True, score_mode="dot")(
    [query_encoding, value_encoding], return_attention_scores=True
)

query_pool = layers.GlobalAveragePooling1D()(query_encoding)
attention_pool = layers.GlobalAveragePooling1D()(query_value_attention)
additive_pool = layers.GlobalMaxPooling1D()(additive)
combined = layers.Concatenate()([query_pool, attention_pool, additive_pool])
qa_model = keras.Model([query_input, value_input], [combined, scores])

target = keras.Input(shape=(8, 16))
source = keras.Input(shape=(4, 16))
mha_out, mha_scores = layers.MultiHeadAttention(
    num_heads=2, key_dim=2, value_dim=3, output_shape=(12,)
)(target, source, return_attention_scores=True)
cross = layers.MultiHeadAttention(num_heads=4, key_dim=8, use_bias=False)(
    query=target, value=source, key=source
)
logits = layers.Dot(axes=(2, 2))([target, source])
weights = layers.Softmax(axis=-1)(logits)
context = layers.Dot(axes=(2, 1))([weights, source])
mha_model = keras.Model([target, source], [mha_out, mha_scores, cross, context])
