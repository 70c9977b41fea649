"""Prints an ONNX model as one line per input, output, initializer and node,
for FileCheck. Runs under the python3 with the onnx package."""
import sys

import onnx
from onnx import helper

model = onnx.load(sys.argv[1], load_external_data=False)
print(f"ir_version: {model.ir_version}")
for opset in model.opset_import:
    print(f"opset_import: {opset.domain}{':' if opset.domain else ''}"
          f"{opset.version}")
def type_of(info):
    t = info.type.tensor_type
    dims = [d.dim_value if d.HasField("dim_value") else d.dim_param
            for d in t.shape.dim]
    return f"{helper.tensor_dtype_to_np_dtype(t.elem_type)} {dims}"
graph = model.graph
for info in graph.input:
    print(f"input: {info.name} {type_of(info)}")
for info in graph.output:
    print(f"output: {info.name} {type_of(info)}")
for t in graph.initializer:
    dtype = helper.tensor_dtype_to_np_dtype(t.data_type)
    if t.data_location == onnx.TensorProto.EXTERNAL:
        where = "external " + ", ".join(
            f"{e.key}={e.value}" for e in t.external_data)
    else:
        where = f"{len(t.raw_data)} bytes raw"
    print(f"initializer: {t.name} {dtype} {list(t.dims)} ({where})")
for node in graph.node:
    attrs = " ".join(
        f"{a.name}={helper.get_attribute_value(a)!r}".replace("b'", "'")
        for a in node.attribute)
    print(f"node: {node.name} {node.op_type} ({', '.join(node.input)}) -> "
          f"({', '.join(node.output)}) {attrs}".rstrip())
