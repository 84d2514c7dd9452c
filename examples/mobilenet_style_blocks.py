"""A hand-written MobileNet-style network: width multiplier `alpha`, `int(filters * alpha)`,
depthwise-separable blocks from a helper, inverted residuals with `if` on stride/channels."""

import keras
from keras import layers

alpha = 0.5
input_size = 96
num_classes = 3


def depthwise_block(x, pointwise_filters, strides=1):
    x = layers.DepthwiseConv2D((3, 3), strides=strides, padding="same", use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    x = layers.ReLU(6.0)(x)
    x = layers.Conv2D(int(pointwise_filters * alpha), 1, use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    return layers.ReLU(6.0)(x)


def inverted_residual(x, expansion, filters, stride):
    in_channels = x.shape[-1]
    h = layers.Conv2D(expansion * in_channels, 1, use_bias=False)(x)
    h = layers.BatchNormalization()(h)
    h = layers.ReLU(6.0)(h)
    if stride == 2:
        h = layers.ZeroPadding2D(padding=((0, 1), (0, 1)))(h)
    h = layers.DepthwiseConv2D(3, strides=stride, padding="same" if stride == 1 else "valid", use_bias=False)(h)
    h = layers.BatchNormalization()(h)
    h = layers.ReLU(6.0)(h)
    h = layers.Conv2D(filters, 1, use_bias=False)(h)
    h = layers.BatchNormalization()(h)
    if stride == 1 and in_channels == filters:
        return layers.Add()([x, h])
    return h


inputs = keras.Input(shape=(input_size, input_size, 3))
x = layers.Conv2D(int(32 * alpha), 3, strides=2, padding="same", use_bias=False)(inputs)
x = layers.BatchNormalization()(x)
x = layers.ReLU(6.0)(x)
x = depthwise_block(x, 64)
x = depthwise_block(x, 128, strides=2)
for expansion, filters, stride in [(6, 32, 1), (6, 32, 1), (6, 48, 2)]:
    x = inverted_residual(x, expansion, filters, stride)
x = layers.GlobalAveragePooling2D(keepdims=True)(x)
x = layers.Dropout(1e-3)(x)
x = layers.Conv2D(num_classes, 1, padding="same")(x)
x = layers.Reshape((num_classes,))(x)
outputs = layers.Activation("softmax")(x)
mobilenet = keras.Model(inputs, outputs, name="mobilenet_mini")
