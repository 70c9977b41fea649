"""Runs an original ONNX model (binary, or textual with '#' comment lines)
and its export in ONNX Runtime on the same random inputs and prints
"outputs match: NAMES" if every output agrees within 1e-5 relative, else
the differences. Runs under the python3 with numpy, onnx and onnxruntime."""
import sys

import numpy as np
import onnx
import onnxruntime as ort


def load(path):
    if path.endswith(".onnxtext"):
        text = "\n".join(l for l in open(path).read().splitlines()
                         if not l.lstrip().startswith("#"))
        model = onnx.parser.parse_model(text)
    else:
        model = onnx.load(path)
    model.ir_version = min(model.ir_version, 10)
    return model.SerializeToString()


original = ort.InferenceSession(load(sys.argv[1]))
exported = ort.InferenceSession(load(sys.argv[2]))
rng = np.random.default_rng(0)
feeds = {}
# The export has the static shapes the import fixed.
for i in exported.get_inputs():
    dtype = {"tensor(float)": np.float32, "tensor(double)": np.float64,
             "tensor(int32)": np.int32, "tensor(int64)": np.int64,
             "tensor(int8)": np.int8, "tensor(uint8)": np.uint8}[i.type]
    values = rng.standard_normal(i.shape) * (1 if dtype().dtype.kind == "f"
                                             else 50)
    feeds[i.name] = values.astype(dtype)
ref = original.run(None, feeds)
out = exported.run(None, feeds)
names = [o.name for o in original.get_outputs()]
bad = []
for name, r, o in zip(names, ref, out):
    scale = max(float(np.abs(r).max()), 1e-30)
    diff = float(np.abs(r.astype(np.float64) - o).max()) / scale
    if r.shape != o.shape or diff > 1e-5:
        bad.append(f"{name}: shape {o.shape} vs {r.shape}, diff {diff:.2e}")
if bad or names != [o.name for o in exported.get_outputs()]:
    print("outputs differ:", "; ".join(bad) or "names changed")
else:
    print("outputs match:", " ".join(names))
