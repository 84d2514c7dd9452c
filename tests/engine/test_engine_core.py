"""Core layers against real Keras: Dense."""

import pytest

from keras_oracle import T, check_layer


@pytest.mark.parametrize("units,shape", [(512, (None, 18496)), (1, (None, 512)), (8, (None, 5, 7)), (3, (4, 2))])
def test_dense_matches_keras(units, shape):
    check_layer("Dense", units, inputs=T(shape), expect_error=False)


def test_dense_without_bias():
    check_layer("Dense", 10, use_bias=False, inputs=T((None, 7)), expect_error=False)


def test_dense_frozen_counts_as_non_trainable():
    check_layer("Dense", 10, trainable=False, inputs=T((None, 7)), expect_error=False)


def test_dense_rejects_rank_1():
    _, ours = check_layer("Dense", 4, inputs=T((5,)), expect_error=True)
    assert ours.error.startswith("wrong-rank")


def test_dense_rejects_undefined_last_dimension():
    _, ours = check_layer("Dense", 4, inputs=T((None, None)), expect_error=True)
    assert ours.error.startswith("undefined-dimension")
