"""Transfer learning: a frozen MobileNetV2 backbone (weights=None so nothing is downloaded),
a data-augmentation Sequential, preprocessing by Rescaling, and a new classification head."""

import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

IMG_SIZE = (96, 96)
IMG_SHAPE = IMG_SIZE + (3,)

data_augmentation = keras.Sequential([
    layers.RandomFlip("horizontal"),
    layers.RandomRotation(0.2),
], name="augment")

base_model = tf.keras.applications.MobileNetV2(
    input_shape=IMG_SHAPE, include_top=False, weights=None, alpha=0.35
)
base_model.trainable = False

inputs = tf.keras.Input(shape=IMG_SHAPE)
x = data_augmentation(inputs)
x = layers.Rescaling(1.0 / 127.5, offset=-1)(x)
x = base_model(x, training=False)
x = tf.keras.layers.GlobalAveragePooling2D()(x)
x = tf.keras.layers.Dropout(0.2)(x)
outputs = tf.keras.layers.Dense(1)(x)
model = tf.keras.Model(inputs, outputs)
