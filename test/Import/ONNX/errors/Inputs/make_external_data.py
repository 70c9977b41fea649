"""Writes OUT_DIR/model/NAME.onnx for each case below: y = x + w, where the
2x2 float initializer `w` keeps its 16 bytes in external data with the given
location, offset and length entries, and OUT_DIR/model/data.bin holding 16
bytes (1, 2, 3, 4 as float32), which `good.onnx` reads.

    make_external_data.py OUT_DIR
"""

import os
import struct
import sys

from onnx import TensorProto, helper

CASES = {
    "good": {"location": "data.bin"},
    "good-offset": {"location": "data.bin", "offset": "0", "length": "16"},
    "absolute": {"location": "/etc/passwd"},
    "escape": {"location": "../../etc/passwd"},
    "escape-inner": {"location": "sub/../../outside.bin"},
    "link": {"location": "link.bin"},
    "passwd-link": {"location": "passwd.bin"},
    "inner-link": {"location": "inner-link.bin"},
    "directory": {"location": "sub"},
    "nul": {"location": "data.bin\0../../etc/passwd"},
    "offset-beyond": {"location": "data.bin", "offset": "100"},
    "span-beyond": {"location": "data.bin", "offset": "8", "length": "16"},
    "offset-max": {"location": "data.bin",
                   "offset": "18446744073709551615"},
    "length-mismatch": {"location": "data.bin", "length": "12"},
    "length-huge": {"location": "data.bin",
                    "length": "1000000000000"},
    "bad-offset": {"location": "data.bin", "offset": "-8"},
    "bad-length": {"location": "data.bin", "length": "16 bytes"},
}


def make_model(entries):
    w = TensorProto()
    w.name = "w"
    w.data_type = TensorProto.FLOAT
    w.dims.extend([2, 2])
    w.data_location = TensorProto.EXTERNAL
    for key, value in entries.items():
        entry = w.external_data.add()
        entry.key = key
        entry.value = value
    graph = helper.make_graph(
        [helper.make_node("Add", ["x", "w"], ["y"])], "external",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 2])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 2])],
        initializer=[w])
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    return model


def main():
    folder = os.path.join(sys.argv[1], "model")
    os.makedirs(os.path.join(folder, "sub"), exist_ok=True)
    with open(os.path.join(folder, "data.bin"), "wb") as f:
        f.write(struct.pack("<4f", 1, 2, 3, 4))
    with open(os.path.join(sys.argv[1], "outside.bin"), "wb") as f:
        f.write(struct.pack("<4f", 5, 6, 7, 8))
    for name, entries in CASES.items():
        with open(os.path.join(folder, name + ".onnx"), "wb") as f:
            f.write(make_model(entries).SerializeToString())


if __name__ == "__main__":
    main()
