"""3-D convolutions for video / volumetric data, with 3-D pooling, padding, cropping and upsampling."""

import keras
from keras import layers

frames, height, width = 16, 32, 32

inputs = keras.Input((frames, height, width, 3))
x = layers.Conv3D(8, kernel_size=(3, 3, 3), activation="relu")(inputs)
x = layers.MaxPooling3D(pool_size=(1, 2, 2))(x)
x = layers.Conv3D(16, 3, strides=(1, 2, 2), padding="same")(x)
x = layers.BatchNormalization()(x)
x = layers.SpatialDropout3D(0.1)(x)
x = layers.AveragePooling3D(pool_size=2)(x)
x = layers.ZeroPadding3D(padding=(1, 1, 1))(x)
x = layers.Cropping3D(cropping=((1, 0), (1, 1), (0, 1)))(x)
x = layers.Conv3DTranspose(8, 3, strides=2, padding="same")(x)
x = layers.UpSampling3D(size=(1, 2, 2))(x)
x = layers.Conv3D(4, 3, dilation_rate=2, groups=4)(x)
x = layers.GlobalAveragePooling3D()(x)
outputs = layers.Dense(2)(x)
video_model = keras.Model(inputs, outputs)

volume = keras.Sequential([
    layers.Conv3D(4, 3, input_shape=(24, 24, 24, 1)),
    layers.MaxPool3D(),
    layers.AvgPool3D(2, padding="same"),
    layers.GlobalMaxPooling3D(keepdims=True),
])
