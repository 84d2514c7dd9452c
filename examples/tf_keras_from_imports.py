"""`from tensorflow.keras.layers import Conv2D as C` style imports with aliases."""

from tensorflow.keras import Input
from tensorflow.keras.layers import Conv2D as C
from tensorflow.keras.layers import MaxPooling2D as Pool, Flatten, Dense
from tensorflow.keras.models import Model
import tensorflow.keras.layers as L

inp = Input(shape=(32, 32, 3))
x = C(32, 3, activation="relu")(inp)
x = Pool()(x)
x = C(64, 3, activation="relu")(x)
x = Pool()(x)
x = L.Dropout(0.25)(x)
x = Flatten()(x)
x = Dense(128, activation="relu")(x)
out = Dense(10, activation="softmax")(x)

cifar_model = Model(inp, out)
