#!/usr/bin/env python3
# Runs under the python3 with numpy and onnx. Writes the models the
# whittlec --emit tests compile into OUTDIR:
#   tiny_net.onnx   Conv -> Relu -> Flatten -> Gemm -> Softmax on a 2x1x6x6
#                   float input named "input.1"; fixed random weights. It
#                   calls expf from libm, and needs nothing from MLIR's
#                   runtime libraries.
#   odd_names.onnx  Identity on tensors of every element type the header
#                   maps, with names that are no C identifiers.
"""make_models.py OUTDIR"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def tiny_net():
    rng = np.random.default_rng(0)
    weights = [
        numpy_helper.from_array(
            rng.standard_normal((3, 1, 3, 3)).astype(np.float32), "conv.w"),
        numpy_helper.from_array(
            rng.standard_normal(3).astype(np.float32), "conv.b"),
        numpy_helper.from_array(
            rng.standard_normal((5, 48)).astype(np.float32) * 0.3, "fc.w"),
        numpy_helper.from_array(
            rng.standard_normal(5).astype(np.float32), "fc.b"),
    ]
    nodes = [
        helper.make_node("Conv", ["input.1", "conv.w", "conv.b"], ["conv"],
                         kernel_shape=[3, 3]),
        helper.make_node("Relu", ["conv"], ["relu"]),
        helper.make_node("Flatten", ["relu"], ["flat"]),
        helper.make_node("Gemm", ["flat", "fc.w", "fc.b"], ["fc"], transB=1),
        helper.make_node("Softmax", ["fc"], ["probs/softmax:0"], axis=1),
    ]
    graph = helper.make_graph(
        nodes, "tiny_net",
        [helper.make_tensor_value_info("input.1", TensorProto.FLOAT,
                                       ["batch", 1, 6, 6])],
        [helper.make_tensor_value_info("probs/softmax:0", TensorProto.FLOAT,
                                       ["batch", 5])],
        weights)
    return helper.make_model(graph, ir_version=8,
                             opset_imports=[helper.make_opsetid("", 17)])


def odd_names():
    # (name, element type, shape); the names collide once made into C
    # identifiers, ignoring case, or are C or C++ keywords.
    tensors = [
        ("input.1", TensorProto.FLOAT, [2, 3]),
        ("input:1", TensorProto.DOUBLE, [4]),
        ("int", TensorProto.INT64, [2]),
        ("A", TensorProto.INT8, [1]),
        ("a", TensorProto.UINT8, [1]),
        ("7up", TensorProto.BOOL, [3]),
        ("class", TensorProto.FLOAT16, [2, 2]),
        ("__x", TensorProto.INT32, []),
        ("*/ end", TensorProto.INT16, [5]),
        ("uint16_t", TensorProto.UINT16, [1]),
    ]
    nodes, inputs, outputs = [], [], []
    for i, (name, elem, shape) in enumerate(tensors):
        out = f"out/{i}"
        inputs.append(helper.make_tensor_value_info(name, elem, shape))
        outputs.append(helper.make_tensor_value_info(out, elem, shape))
        nodes.append(helper.make_node("Identity", [name], [out]))
    graph = helper.make_graph(nodes, "odd_names", inputs, outputs)
    return helper.make_model(graph, ir_version=8,
                             opset_imports=[helper.make_opsetid("", 17)])


outdir = sys.argv[1]
onnx.save(tiny_net(), os.path.join(outdir, "tiny_net.onnx"))
onnx.save(odd_names(), os.path.join(outdir, "odd_names.onnx"))
