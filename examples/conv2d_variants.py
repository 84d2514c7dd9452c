"""2-D convolution variants: strides, dilation, groups, depthwise, separable, transposed with
output_padding, padding/cropping/upsampling, SpatialDropout2D and keepdims global pooling."""

import keras
from keras import layers

inp = keras.Input(shape=(64, 64, 3))
x = layers.ZeroPadding2D(padding=3)(inp)
x = layers.Conv2D(32, 7, strides=2)(x)
x = layers.Conv2D(32, (3, 3), dilation_rate=(2, 2), padding="same")(x)
x = layers.Conv2D(64, 3, groups=8, use_bias=False)(x)
x = layers.DepthwiseConv2D(3, strides=2, padding="same", depth_multiplier=1)(x)
x = layers.SeparableConv2D(96, (3, 3), padding="same", depth_multiplier=2)(x)
x = layers.SpatialDropout2D(0.1)(x)
x = layers.Conv2D(48, (1, 5), strides=(1, 2), padding="valid")(x)
x = layers.Cropping2D(cropping=((2, 1), (0, 1)))(x)
x = layers.Conv2DTranspose(32, 3, strides=2, output_padding=1)(x)
x = layers.Conv2DTranspose(16, kernel_size=(4, 4), strides=(2, 2), padding="same")(x)
x = layers.UpSampling2D(size=(2, 2), interpolation="bilinear")(x)
x = layers.ZeroPadding2D(padding=((1, 0), (0, 1)))(x)
x = layers.DepthwiseConv2D(kernel_size=5, depth_multiplier=3, dilation_rate=2)(x)
x = layers.GlobalMaxPooling2D(keepdims=True)(x)
x = layers.Conv2D(10, 1)(x)
out = layers.Reshape((10,))(x)
model = keras.Model(inp, out)

conv_net = keras.Sequential([
    keras.Input((28, 28, 1)),
    layers.Convolution2D(8, 5, padding="same", activation="relu"),
    layers.SeparableConvolution2D(16, 3, activation="relu"),
    layers.Conv2DTranspose(8, 3, strides=2, padding="valid"),
    layers.MaxPool2D(pool_size=3, strides=2),
    layers.AvgPool2D(2),
    layers.GlobalAvgPool2D(),
])
