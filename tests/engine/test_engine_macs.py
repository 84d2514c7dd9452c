"""Multiply-accumulate counts of single layer calls (``engine.macs.layer_macs``), shown in hovers."""

from __future__ import annotations

import pytest

from shapelens.engine.macs import layer_macs
from shapelens.engine.shape import UNKNOWN


@pytest.mark.parametrize("name, args, inp, out, expected", [
    ("Conv2D", {"filters": 16, "kernel_size": 3}, (None, 150, 150, 3), (None, 148, 148, 16), 148 * 148 * 16 * 27),
    ("Conv2D", {"filters": 8, "kernel_size": (3, 3), "groups": 2}, (None, 10, 10, 4), (None, 8, 8, 8), 64 * 8 * 9 * 2),
    ("Conv1D", {"filters": 4, "kernel_size": 5, "data_format": "channels_first"}, (None, 2, 20), (None, 4, 16),
     16 * 4 * 5 * 2),
    ("Conv2DTranspose", {"filters": 3, "kernel_size": 2}, (None, 4, 4, 5), (None, 8, 8, 3), 16 * 5 * 4 * 3),
    ("DepthwiseConv2D", {"kernel_size": 3, "depth_multiplier": 2}, (None, 5, 5, 4), (None, 3, 3, 8), 9 * 4 * 2 * 9),
    ("SeparableConv2D", {"filters": 6, "kernel_size": 3}, (None, 5, 5, 4), (None, 3, 3, 6), 9 * 4 * 9 + 9 * 4 * 6),
    ("Dense", {"units": 512}, (None, 18496), (None, 512), 18496 * 512),
    ("Dense", {"units": 3}, (None, 7, 5), (None, 7, 3), 7 * 5 * 3),
    ("EinsumDense", {"equation": "abc,cd->abd"}, (None, 10, 4), (None, 10, 6), 10 * 4 * 6),
    ("SimpleRNN", {"units": 8}, (None, 10, 4), (None, 8), 10 * (4 * 8 + 8 * 8)),
    ("GRU", {"units": 8}, (None, 10, 4), (None, 8), 10 * 3 * (4 * 8 + 8 * 8)),
    ("LSTM", {"units": 8}, (None, 10, 4), (None, 8), 10 * 4 * (4 * 8 + 8 * 8)),
    ("LSTM", {"units": 8}, (None, None, 4), (None, 8), UNKNOWN),
    ("Embedding", {"input_dim": 100, "output_dim": 8}, (None, 10), (None, 10, 8), 0),
    ("MaxPooling2D", {}, (None, 4, 4, 3), (None, 2, 2, 3), 0),
    ("MultiHeadAttention", {"num_heads": 2, "key_dim": 4}, [(None, 5, 8), (None, 6, 8)], (None, 5, 8),
     5 * 8 * 8 + 6 * 8 * 8 + 6 * 8 * 8 + 2 * 5 * 6 * 4 * 2 + 5 * 8 * 8),
    ("Attention", {}, [(None, 5, 8), (None, 6, 8)], (None, 5, 8), 5 * 6 * 8 * 2),
    ("Lambda", {}, (None, 3), (None, 3), UNKNOWN),
    ("NotALayer", {}, (None, 3), (None, 3), UNKNOWN),
])
def test_layer_macs(name, args, inp, out, expected):
    assert layer_macs(name, args, inp, out) == expected
