"""TensorFlow functions inside a ``Lambda`` or a subclass's ``call`` that are ``keras.ops`` functions
under another name or keyword (``tf.expand_dims(x, axis=-1)``, ``tf.reduce_mean(..., keepdims=True)``,
``tf.transpose(x, perm=...)``, a sinusoidal embedding of ``tf.linspace``, ``tf.sin``, ``math.pi``):
found in public code, where the whole model was ``?``.
The Keras spelling is checked against real Keras; the TensorFlow spelling (which the test oracle
cannot run: it has no TensorFlow) must give exactly the same models."""

from oracle_compare import assert_models_match_keras, ours, write_snippet

BLOCK = """
    import math
    import keras
    import tensorflow as tf
    from keras import layers, ops

    def sinusoidal_embedding(x):
        frequencies = {exp}({linspace}({log}(1.0), {log}(1000.0), 8))
        angular_speeds = 2.0 * math.pi * frequencies
        return {concat}([{sin}(angular_speeds * x), {cos}(angular_speeds * x)], axis=3)

    noise = keras.Input(shape=(1, 1, 1))
    embedding = layers.Lambda(sinusoidal_embedding)(noise)
    diffusion = keras.Model(noise, layers.UpSampling2D(size=8, interpolation="nearest")(embedding))

    rnn = keras.Sequential([
        layers.Lambda(lambda x: {expand}(x, axis=-1), input_shape=[None]),
        layers.SimpleRNN(8, return_sequences=True),
        layers.SimpleRNN(8),
        layers.Dense(1),
        layers.Lambda(lambda x: x * 100.0),
    ])

    inputs = keras.Input((6, 4))
    pooled = layers.Lambda(lambda t: {mean}(t, axis=1, keepdims=True))(inputs)
    swapped = layers.Lambda(lambda t: {transpose}(t, {perm}=[0, 2, 1]))(inputs)
    tiled = layers.Lambda(lambda t: {tile}(t, {multiples}=[1, 6, 1]))(pooled)
    joined = layers.Lambda(lambda ts: {concat}(ts, axis=-1))([inputs, tiled])
    flat = layers.Lambda(lambda t: {reshape}(t, ({minus_one}, 6 * 8)))(joined)
    stacked = layers.Lambda(lambda t: {stack}([t, t], axis=1))(flat)
    squeezed = layers.Lambda(lambda t: {squeeze}({expand}(t, 2), axis=2))(stacked)
    total = layers.Lambda(lambda t: {sum}(t, axis=-1))(swapped)
    model = keras.Model(inputs, [layers.Dense(3)(squeezed), total])
    """

KERAS = dict(expand="ops.expand_dims", mean="ops.mean", transpose="ops.transpose", perm="axes", tile="ops.tile",
             multiples="repeats", concat="ops.concatenate", reshape="ops.reshape", minus_one="-1", stack="ops.stack",
             squeeze="ops.squeeze", sum="ops.sum", exp="ops.exp", linspace="ops.linspace", log="ops.log",
             sin="ops.sin", cos="ops.cos")
TENSORFLOW = dict(expand="tf.expand_dims", mean="tf.reduce_mean", transpose="tf.transpose", perm="perm",
                  tile="tf.tile", multiples="multiples", concat="tf.concat", reshape="tf.reshape", minus_one="-1",
                  stack="tf.stack", squeeze="tf.squeeze", sum="tf.math.reduce_sum", exp="tf.exp",
                  linspace="tf.linspace", log="tf.math.log", sin="tf.sin", cos="tf.math.cos")


def test_tensorflow_functions_in_a_lambda_are_their_keras_ops(tmp_path):
    keras_path = write_snippet(tmp_path, "keras_spelling", BLOCK.format(**KERAS))
    expected = assert_models_match_keras(keras_path)["models"]
    assert all("?" not in str(r["output_shape"]) for m in expected for r in m["layers"])
    tf_path = write_snippet(tmp_path, "tf_spelling", BLOCK.format(**TENSORFLOW))
    assert ours(tf_path)["models"] == expected


def test_a_tensorflow_keyword_keras_does_not_name_leaves_the_call_unknown(tmp_path):
    path = write_snippet(tmp_path, "other_keyword", """
        import keras
        import tensorflow as tf
        from keras import layers
        inputs = keras.Input((6, 4))
        model = keras.Model(inputs, layers.Lambda(lambda t: tf.reduce_mean(t, axis=1, unknown_flag=True))(inputs))
        """)
    rows = ours(path)["models"][0]["layers"]
    assert rows[-1]["class"] == "Lambda" and "?" in rows[-1]["output_shape"]


GRADIENT_REVERSAL = """
    import keras
    import tensorflow as tf
    from keras import layers, ops

    @{custom_gradient}
    def reverse_gradient(x, hp_lambda):
        y = {identity}(x)

        def _flip_gradient(*args, upstream=None):
            return ops.negative(upstream) * hp_lambda, ops.zeros(())

        return y, _flip_gradient


    class GradientReversal(layers.Layer):
        def __init__(self, hp_lambda, **kwargs):
            super().__init__(**kwargs)
            self.hp_lambda = hp_lambda

        def call(self, inputs, training=None):
            return reverse_gradient(inputs, self.hp_lambda)


    inputs = keras.Input((3,))
    x = GradientReversal(1.0)(layers.Dense(5)(inputs))
    model = keras.Model(inputs, layers.Dense(2)(layers.Dense(12)(x)))
    """


def test_a_custom_gradient_function_gives_its_first_result(tmp_path):
    """``@custom_gradient`` makes a function that returns ``(y, grad_fn)`` give ``y`` (a domain
    adversarial network's gradient reversal layer was ``(?, ?)``)."""
    keras_path = write_snippet(tmp_path, "keras_reversal", GRADIENT_REVERSAL.format(
        custom_gradient="ops.custom_gradient", identity="ops.copy"))
    expected = assert_models_match_keras(keras_path)["models"]
    assert all("?" not in str(r["output_shape"]) for r in expected[0]["layers"])
    tf_path = write_snippet(tmp_path, "tf_reversal", GRADIENT_REVERSAL.format(
        custom_gradient="tf.custom_gradient", identity="tf.identity"))
    assert ours(tf_path)["models"] == expected
