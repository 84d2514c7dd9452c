"""Character-level seq2seq (the Keras lstm_seq2seq example): the encoder LSTM returns its states,
which become the decoder's initial_state; TimeDistributed(Dense) on the decoder outputs."""

import keras
from keras import layers

num_encoder_tokens = 71
num_decoder_tokens = 93
latent_dim = 256

encoder_inputs = keras.Input(shape=(None, num_encoder_tokens))
encoder = layers.LSTM(latent_dim, return_state=True)
encoder_outputs, state_h, state_c = encoder(encoder_inputs)
encoder_states = [state_h, state_c]

decoder_inputs = keras.Input(shape=(None, num_decoder_tokens))
decoder_lstm = layers.LSTM(latent_dim, return_sequences=True, return_state=True)
decoder_outputs, _, _ = decoder_lstm(decoder_inputs, initial_state=encoder_states)
decoder_dense = layers.TimeDistributed(layers.Dense(num_decoder_tokens, activation="softmax"))
decoder_outputs = decoder_dense(decoder_outputs)

model = keras.Model([encoder_inputs, decoder_inputs], decoder_outputs)

# A GRU encoder whose single state feeds a GRU decoder.
enc_in = keras.Input(shape=(12, 8))
enc_out, enc_state = layers.GRU(32, return_state=True)(enc_in)
dec_in = keras.Input(shape=(10, 8))
dec_seq = layers.GRU(32, return_sequences=True)(dec_in, initial_state=enc_state)
gru_seq2seq = keras.Model([enc_in, dec_in], layers.Dense(8)(dec_seq))
