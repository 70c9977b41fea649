#!/usr/bin/env python3
# Regenerates the small binary ONNX inputs of the importer's error and
# external-data tests. Runs under `python3` from PATH with PyPI's `onnx`:
#   python3 test/Import/ONNX/Inputs/make_inputs.py
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper, version_converter

HERE = os.path.dirname(os.path.abspath(__file__))


def conv_model(weight, name, opset=17):
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2, 4, 4])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 3, 4, 4])
    node = helper.make_node("Conv", ["x", weight.name], ["y"], name="conv1",
                            pads=[1, 1, 1, 1])
    graph = helper.make_graph([node], name, [x], [y], [weight])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])


def main():
    rng = np.random.default_rng(0)
    w = rng.standard_normal((3, 2, 3, 3)).astype(np.float32)

    # NaN in a weight: rejected at import, naming the initializer.
    bad = w.copy()
    bad[1, 0, 2, 2] = np.nan
    onnx.save(conv_model(numpy_helper.from_array(bad, "conv1.weight"), "nan"),
              os.path.join(HERE, "nan-weight.onnx"))

    # Weights in an external data file next to the model.
    if os.path.exists(os.path.join(HERE, "external-data.bin")):
        os.remove(os.path.join(HERE, "external-data.bin"))
    model = conv_model(numpy_helper.from_array(w, "conv1.weight"), "external")
    onnx.save_model(model, os.path.join(HERE, "external-data.onnx"),
                    save_as_external_data=True, all_tensors_to_one_file=True,
                    location="external-data.bin", size_threshold=0)

    # External data pointing outside the model's directory.
    model = conv_model(numpy_helper.from_array(w, "conv1.weight"), "escape")
    tensor = model.graph.initializer[0]
    tensor.ClearField("raw_data")
    tensor.data_location = TensorProto.EXTERNAL
    for key, value in (("location", "../../secret.bin"), ("offset", "0"),
                       ("length", str(w.nbytes))):
        entry = tensor.external_data.add()
        entry.key, entry.value = key, value
    with open(os.path.join(HERE, "external-escape.onnx"), "wb") as f:
        f.write(model.SerializeToString())

    # Raw data shorter than the shape needs.
    short = numpy_helper.from_array(w, "conv1.weight")
    short.raw_data = short.raw_data[:-8]
    with open(os.path.join(HERE, "short-weight.onnx"), "wb") as f:
        f.write(conv_model(short, "short").SerializeToString())

    # A weight large enough to be stored as a resource blob, for the elision
    # test.
    big = rng.standard_normal((64, 2, 3, 3)).astype(np.float32)
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2, 4, 4])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 64, 4, 4])
    node = helper.make_node("Conv", ["x", "w"], ["y"], name="conv1",
                            pads=[1, 1, 1, 1])
    graph = helper.make_graph([node], "blob", [x], [y],
                              [numpy_helper.from_array(big, "w")])
    onnx.save(helper.make_model(graph,
                                opset_imports=[helper.make_opsetid("", 13)]),
              os.path.join(HERE, "resource-weight.onnx"))


def opset21_example():
    # The bundled example converted to opset 21 by ONNX's own (Python)
    # version converter: a real model at an opset the ONNX C++ library in
    # Debian does not know, which whittle imports by itself.
    example = os.path.join(HERE, "..", "..", "..", "..", "examples",
                           "fashion_cnn.onnx")
    model = version_converter.convert_version(onnx.load(example), 21)
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(HERE, "fashion_cnn_opset21.onnx"))


if __name__ == "__main__":
    main()
    opset21_example()
