"""1-D convolutions over sequences: valid/same/causal padding, strides, dilation, groups,
separable/depthwise/transposed variants, 1-D pooling, padding, cropping and upsampling."""

import keras
from keras import layers

timesteps, channels = 128, 8

inputs = keras.Input(shape=(timesteps, channels))
x = layers.Conv1D(32, kernel_size=7, padding="valid", activation="relu")(inputs)
x = layers.Conv1D(32, 5, padding="same", strides=2)(x)
x = layers.Conv1D(32, 3, padding="causal", dilation_rate=4)(x)
x = layers.Conv1D(64, 3, padding="same", groups=4)(x)
x = layers.SpatialDropout1D(0.2)(x)
x = layers.MaxPooling1D(pool_size=2)(x)
x = layers.SeparableConv1D(64, 5, depth_multiplier=2, padding="same")(x)
x = layers.DepthwiseConv1D(3, depth_multiplier=2)(x)
x = layers.AvgPool1D(pool_size=3, strides=2, padding="same")(x)
x = layers.ZeroPadding1D(padding=(1, 2))(x)
x = layers.Cropping1D(cropping=2)(x)
x = layers.Conv1DTranspose(32, 4, strides=2, padding="same")(x)
x = layers.Conv1DTranspose(16, 3, strides=2, output_padding=1)(x)
x = layers.UpSampling1D(size=2)(x)
avg = layers.GlobalAveragePooling1D()(x)
mx = layers.GlobalMaxPool1D(keepdims=True)(x)
mx = layers.Flatten()(mx)
outputs = layers.Dense(5, activation="softmax")(layers.concatenate([avg, mx]))
model = keras.Model(inputs, outputs, name="conv1d_net")

wavenet_like = keras.Sequential(name="wavenet_like")
wavenet_like.add(keras.Input(shape=(None, 1)))
for rate in (1, 2, 4, 8):
    wavenet_like.add(layers.Conv1D(16, 2, padding="causal", dilation_rate=rate, activation="tanh"))
wavenet_like.add(layers.Conv1D(1, 1))
