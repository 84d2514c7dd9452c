"""Test set-up: real Keras (the oracle) runs on the CPU with the JAX backend."""

import os

os.environ.setdefault("KERAS_BACKEND", "jax")
os.environ.setdefault("JAX_PLATFORMS", "cpu")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import pytest  # noqa: E402

pytest.register_assert_rewrite("oracle_compare", "keras_oracle", "model_oracle")
