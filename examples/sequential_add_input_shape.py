"""`Sequential()` + `.add()` where the first layer carries `input_shape=`; a second, unbuilt model."""

from keras.models import Sequential
from keras.layers import Dense, Dropout, Activation, BatchNormalization

n_features = 20

classifier = Sequential()
classifier.add(Dense(64, input_shape=(n_features,)))
classifier.add(BatchNormalization())
classifier.add(Activation("relu"))
classifier.add(Dropout(0.3))
classifier.add(Dense(32, activation="relu"))
classifier.add(Dense(3, activation="softmax"))

# Never given an input shape: summary() shows "?" and "0 (unbuilt)" for every layer.
unbuilt = Sequential([Dense(16, activation="relu"), Dense(1)])
