"""Writes ONNX models whose tensors lie about their size: OUT_DIR/NAME.onnx
for each case below, at the opset given (13 goes through the ONNX library's
checker and shape inference first, 18 straight to whittle's importer).

    make_hostile_tensors.py OUT_DIR OPSET

Every model computes y = Relu(x) and carries the hostile tensor `w` as an
initializer that an Identity node reads (output `w_out`), or, for the
`constant-*` cases, as the value of a Constant node; the `input-*` models
compute y = Relu(x) with a hostile shape declared for x.
"""

import os
import sys

from onnx import TensorProto, helper

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                *[".."] * 5, "scripts", "pylib"))
from whittle_testing import onnx_model  # noqa: E402
from whittle_testing import tensor_proto as tensor  # noqa: E402


CASES = {
    # 10^12 elements declared, 16 bytes held.
    "huge": tensor("w", TensorProto.FLOAT, [1000000, 1000000],
                   raw_data=b"\0" * 16),
    # 2^64 elements: unchecked int64 arithmetic wraps around to 0, the size
    # of the (empty) data.
    "dims-overflow": tensor("w", TensorProto.FLOAT, [1 << 32, 1 << 32],
                            raw_data=b""),
    # 2^62 elements fit in int64 but their 4-byte size does not.
    "bytes-overflow": tensor("w", TensorProto.FLOAT, [1 << 62],
                             raw_data=b""),
    "negative": tensor("w", TensorProto.FLOAT, [-2, -2], raw_data=b"\0" * 16),
    "raw-short": tensor("w", TensorProto.FLOAT, [2, 2], raw_data=b"\0" * 12),
    "raw-long": tensor("w", TensorProto.FLOAT, [2, 2], raw_data=b"\0" * 20),
    "float-short": tensor("w", TensorProto.FLOAT, [2, 2],
                          float_data=[1, 2, 3]),
    "float-long": tensor("w", TensorProto.FLOAT, [2, 2],
                         float_data=[1, 2, 3, 4, 5]),
    "int64-short": tensor("w", TensorProto.INT64, [3], int64_data=[1, 2]),
    "int32-long": tensor("w", TensorProto.INT32, [2], int32_data=[1, 2, 3]),
    "double-short": tensor("w", TensorProto.DOUBLE, [2], double_data=[1]),
    "both-fields": tensor("w", TensorProto.FLOAT, [2], raw_data=b"\0" * 8,
                          float_data=[1, 2]),
    "wrong-field": tensor("w", TensorProto.FLOAT, [2], int64_data=[1, 2]),
}


def make_model(name, hostile, opset):
    nodes = [helper.make_node("Relu", ["x"], ["y"])]
    initializers = []
    if name.startswith("constant-"):
        nodes.append(helper.make_node("Constant", [], ["w_out"],
                                      name="const", value=hostile))
    else:
        initializers.append(hostile)
        nodes.append(helper.make_node("Identity", ["w"], ["w_out"]))
    graph = helper.make_graph(
        nodes, name,
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4]),
         helper.make_tensor_value_info("w_out", hostile.data_type,
                                       list(hostile.dims))],
        initializer=initializers)
    return onnx_model(graph, opset)


def main():
    out_dir, opset = sys.argv[1], int(sys.argv[2])
    os.makedirs(out_dir, exist_ok=True)
    cases = dict(CASES)
    cases["constant-huge"] = CASES["huge"]
    cases["constant-raw-short"] = CASES["raw-short"]
    for name, hostile in cases.items():
        with open(os.path.join(out_dir, name + ".onnx"), "wb") as f:
            f.write(make_model(name, hostile, opset).SerializeToString())
    for name, dims in (("input-negative", [-5, 4]),
                       ("input-overflow", [1 << 32, 1 << 32])):
        graph = helper.make_graph(
            [helper.make_node("Relu", ["x"], ["y"])], name,
            [helper.make_tensor_value_info("x", TensorProto.FLOAT, dims)],
            [helper.make_tensor_value_info("y", TensorProto.FLOAT, dims)])
        with open(os.path.join(out_dir, name + ".onnx"), "wb") as f:
            f.write(onnx_model(graph, opset).SerializeToString())


if __name__ == "__main__":
    main()
