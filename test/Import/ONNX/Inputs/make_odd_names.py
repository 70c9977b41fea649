"""Writes ONNX models whose names hold odd bytes: non-UTF-8, NUL, newlines,
quotes, backslashes, control characters.

    make_odd_names.py OUT_DIR OPSET

OUT_DIR/odd.onnx: y = Relu(MatMul(x, w)) with x [1, 4], w a 4x16 float
initializer (0, 1, ..., 63), and the graph input, the initializer, the
MatMul node, the intermediate value and the graph output named oddly.
OUT_DIR/odd-unsupported.onnx: the same with the MatMul node's op type
replaced by an odd one that whittle does not know.
OUT_DIR/odd-short.onnx: the same with only 12 bytes of data in w.
OUT_DIR/odd-dangling.onnx: the same with the Relu reading an oddly named
value that nothing defines.
"""

import os
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper

ODD = {
    "in": b'in\xff\xfe"q\\\n\x00\ttab \x01x',
    "w": b'w\x00\n"\'{}:#\xc3\x28 @%!',
    "node": b'n\n\x00"\\\xe2\x82 \r \xc3\xa9~',
    "mid": b'm"\x7f\x80\x00 ,;=()\n[]<',
    "out": b'out\xff"\\n\n\x00#-->>',
    "op": b"Mat\nMul\xff",
}


def main():
    out_dir, opset = sys.argv[1], int(sys.argv[2])
    os.makedirs(out_dir, exist_ok=True)
    # protobuf's Python API refuses strings that are not UTF-8: build the
    # model with placeholders of the same lengths and swap the bytes in the
    # serialized model (lengths, and so the encoding, stay valid).
    placeholder = {k: (k.upper() + "_" * 40)[:len(v)] for k, v in ODD.items()}
    placeholder["dangling"] = placeholder["mid"].lower()
    ODD["dangling"] = ODD["mid"].replace(b"m", b"d")
    for name in ("odd", "odd-unsupported", "odd-short", "odd-dangling"):
        op = placeholder["op"] if name == "odd-unsupported" else "MatMul"
        w = numpy_helper.from_array(
            np.arange(64, dtype=np.float32).reshape(4, 16), placeholder["w"])
        if name == "odd-short":
            w.raw_data = w.raw_data[:12]
        relu_input = "dangling" if name == "odd-dangling" else "mid"
        nodes = [
            helper.make_node(op, [placeholder["in"], placeholder["w"]],
                             [placeholder["mid"]], name=placeholder["node"]),
            helper.make_node("Relu", [placeholder[relu_input]],
                             [placeholder["out"]]),
        ]
        graph = helper.make_graph(
            nodes, "odd",
            [helper.make_tensor_value_info(placeholder["in"],
                                           TensorProto.FLOAT, [1, 4])],
            [helper.make_tensor_value_info(placeholder["out"],
                                           TensorProto.FLOAT, [1, 16])],
            initializer=[w])
        model = helper.make_model(
            graph, opset_imports=[helper.make_opsetid("", opset)])
        model.ir_version = 8
        data = model.SerializeToString()
        for key, value in ODD.items():
            data = data.replace(placeholder[key].encode(), value)
        with open(os.path.join(out_dir, name + ".onnx"), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
