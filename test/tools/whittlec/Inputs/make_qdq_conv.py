"""Writes qdq_conv16.onnx: a QDQ int8 3x3 convolution, 16 -> 16 channels on
a 12x12 image (batch 1), large enough for the CPU's int8 dot-product
kernels. Seeded weights; runs under the tests' Python (onnx, numpy).

  python make_qdq_conv.py OUTDIR
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(7)
out = sys.argv[1]
w = rng.integers(-128, 128, size=(16, 16, 3, 3), dtype=np.int8)
bias = rng.integers(-2000, 2000, size=(16,), dtype=np.int32)
inits = [
    numpy_helper.from_array(np.array(0.02, np.float32), "xs"),
    numpy_helper.from_array(np.array(3, np.int8), "xz"),
    numpy_helper.from_array(w, "w"),
    numpy_helper.from_array(np.full(16, 0.004, np.float32), "ws"),
    numpy_helper.from_array(np.zeros(16, np.int8), "wz"),
    numpy_helper.from_array(bias, "b"),
    numpy_helper.from_array(np.full(16, 0.00008, np.float32), "bs"),
    numpy_helper.from_array(np.array(0.05, np.float32), "ys"),
    numpy_helper.from_array(np.array(-5, np.int8), "yz"),
]
nodes = [
    helper.make_node("QuantizeLinear", ["x", "xs", "xz"], ["xq"]),
    helper.make_node("DequantizeLinear", ["xq", "xs", "xz"], ["xd"]),
    helper.make_node("DequantizeLinear", ["w", "ws", "wz"], ["wd"], axis=0),
    helper.make_node("DequantizeLinear", ["b", "bs"], ["bd"], axis=0),
    helper.make_node("Conv", ["xd", "wd", "bd"], ["c"], pads=[1, 1, 1, 1]),
    helper.make_node("QuantizeLinear", ["c", "ys", "yz"], ["yq"]),
    helper.make_node("DequantizeLinear", ["yq", "ys", "yz"], ["y"]),
]
graph = helper.make_graph(
    nodes, "qdq_conv16",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 16, 12, 12])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 16, 12, 12])],
    inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
model.ir_version = 8
onnx.checker.check_model(model)
onnx.save(model, os.path.join(out, "qdq_conv16.onnx"))
