"""Writes large ONNX graphs for the scaling tests.

    make_large_graphs.py chain N OPSET OP OUT.onnx
        x -> OP -> OP -> ... -> y, N nodes (OP is Relu or Add; Add adds x
        again at every step) on a 1x16 float tensor; nodes n0, n1, ...
    make_large_graphs.py inputs N OPSET OUT.onnx
        y = Sum(x0, ..., x{N-1}), N graph inputs of 1x2 floats.
"""

import os
import sys

from onnx import TensorProto, helper

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                *[".."] * 4, "scripts", "pylib"))
from whittle_testing import onnx_model  # noqa: E402


def save(graph, opset, path):
    with open(path, "wb") as f:
        f.write(onnx_model(graph, opset).SerializeToString())


def chain(count, opset, op, path):
    nodes = []
    previous = "x"
    for i in range(count):
        output = "y" if i == count - 1 else f"t{i}"
        inputs = [previous, "x"] if op == "Add" else [previous]
        nodes.append(helper.make_node(op, inputs, [output], name=f"n{i}"))
        previous = output
    save(helper.make_graph(
        nodes, "chain",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 16])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 16])]),
        opset, path)


def inputs(count, opset, path):
    names = [f"x{i}" for i in range(count)]
    save(helper.make_graph(
        [helper.make_node("Sum", names, ["y"], name="sum")], "inputs",
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, [1, 2])
         for n in names],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2])]),
        opset, path)


def main():
    kind, count, opset = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    if kind == "chain":
        chain(count, opset, sys.argv[4], sys.argv[5])
    else:
        inputs(count, opset, sys.argv[4])


if __name__ == "__main__":
    main()
