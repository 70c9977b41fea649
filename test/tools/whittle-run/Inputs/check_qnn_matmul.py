"""Checks whittle-run's outputs for Inputs/qnn_matmul.mlir against exact
integer arithmetic in Python (the default python3 with numpy).

usage: check_qnn_matmul.py x.npy out_float_dir out_int_dir xq.npy
Writes nothing; prints one line per check."""
import sys

import numpy as np
import onnx.numpy_helper


def load(path):
    if path.endswith(".npy"):
        return np.load(path)
    tensor = onnx.TensorProto()
    with open(path, "rb") as f:
        tensor.ParseFromString(f.read())
    return onnx.numpy_helper.to_array(tensor)


def round_shift_even(value, shift):
    q, r = divmod(abs(value), 1 << shift)
    half = 1 << (shift - 1)
    if r > half or (r == half and q % 2):
        q += 1
    return -q if value < 0 else q


x = np.load(sys.argv[1]).astype(np.float32)
w = np.array([[1, -2, 3], [-128, 127, 0], [5, 6, -7], [8, -9, 10]])
b = np.array([100, -200, 300])
xq = np.clip(np.round(x / np.float32(0.05)).astype(np.int64) - 3, -128, 127)
acc = (xq + 3) @ w + b
y = np.vectorize(lambda a: min(127, max(-128, round_shift_even(a * 1518500250, 40) + 2)))(acc)
f = ((y - 2).astype(np.float32) * np.float32(0.1)).astype(np.float32)

out_float = load(sys.argv[2] + "/output_0.pb")
out_int = load(sys.argv[3] + "/output_0.npy")
given_xq = np.load(sys.argv[4])
print("float:", "match" if out_float.dtype == np.float32 and np.array_equal(out_float, f) else "MISMATCH", out_float.dtype)
print("int:", "match" if out_int.dtype == np.int8 and np.array_equal(out_int.astype(np.int64), y) else "MISMATCH", out_int.dtype)
print("quantized input:", "match" if np.array_equal(given_xq.astype(np.int64), xq) else "MISMATCH")
