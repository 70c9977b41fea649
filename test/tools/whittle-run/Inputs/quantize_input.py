"""Writes the int8 quantization of a float .npy (scale, zero point) as an
int8 .npy, the input whittle-run --integer-io takes (default python3).

usage: quantize_input.py x.npy scale zero_point out.npy"""
import sys

import numpy as np

x = np.load(sys.argv[1]).astype(np.float32)
q = np.round(x / np.float32(float(sys.argv[2]))).astype(np.int64) + int(sys.argv[3])
np.save(sys.argv[4], np.clip(q, -128, 127).astype(np.int8))
