#!/usr/bin/env python3
# Runs under the python3 with numpy, onnx and onnxruntime. Raw float32
# tensors for the C drivers of the whittlec --emit tests:
#   raw_tensor.py make OUT.raw --shape 2x1x6x6 [--seed S]
#       writes random normal values;
#   raw_tensor.py compare MODEL INPUT.raw OUTPUT.raw --shape 2x1x6x6
#       runs MODEL (one float32 input of that shape, one float32 output)
#       with ONNX Runtime and compares with OUTPUT.raw within --rtol.
# Prints one line and exits 1 on a mismatch.
"""raw_tensor.py {make,compare} ..."""
import argparse
import sys

import numpy as np


def shape(text):
    return tuple(int(d) for d in text.split("x"))


ap = argparse.ArgumentParser()
sub = ap.add_subparsers(dest="command", required=True)
make = sub.add_parser("make")
make.add_argument("out")
make.add_argument("--shape", type=shape, required=True)
make.add_argument("--seed", type=int, default=0)
compare = sub.add_parser("compare")
compare.add_argument("model")
compare.add_argument("input")
compare.add_argument("output")
compare.add_argument("--shape", type=shape, required=True)
compare.add_argument("--rtol", type=float, default=1e-4)
compare.add_argument("--atol", type=float, default=1e-7)
args = ap.parse_args()

if args.command == "make":
    rng = np.random.default_rng(args.seed)
    rng.standard_normal(args.shape).astype(np.float32).tofile(args.out)
    sys.exit(0)

import onnxruntime as ort

session = ort.InferenceSession(args.model, providers=["CPUExecutionProvider"])
x = np.fromfile(args.input, dtype=np.float32).reshape(args.shape)
(ref,) = session.run(None, {session.get_inputs()[0].name: x})
out = np.fromfile(args.output, dtype=np.float32)
if out.size != ref.size:
    print(f"output has {out.size} elements, ONNX Runtime's {ref.size}")
    sys.exit(1)
out = out.reshape(ref.shape)
close = np.allclose(out, ref, rtol=args.rtol, atol=args.atol)
err = float(np.max(np.abs(out - ref) / np.maximum(np.abs(ref), 1e-30)))
print(f"{'match' if close else 'MISMATCH'} float32{list(ref.shape)} "
      f"max relative diff {err:.3g}")
sys.exit(0 if close else 1)
