#!/usr/bin/env python3
# Runs under the python3 on PATH (numpy, onnx). Writes a deterministic
# random tensor, or one of the given --values, as .npy or .pb (ONNX
# TensorProto), by the file extension.
"""make_tensor.py OUT --dtype float32 --shape 2x3 [--seed N] [--name NAME]
                  [--values V0,V1,...]"""
import argparse

import numpy as np
import onnx.numpy_helper

ap = argparse.ArgumentParser()
ap.add_argument("out")
ap.add_argument("--dtype", default="float32")
ap.add_argument("--shape", default="")
ap.add_argument("--seed", type=int, default=0)
ap.add_argument("--name", default="x")
ap.add_argument("--values", default=None,
                help="comma-separated elements; the shape defaults to 1-D")
args = ap.parse_args()

shape = [int(d) for d in args.shape.split("x")] if args.shape else []
rng = np.random.default_rng(args.seed)
if args.values is not None:
    values = [float(v) for v in args.values.split(",") if v]
    data = np.array(values).astype(args.dtype)
    data = data.reshape(shape if args.shape else [len(values)])
elif args.dtype == "bool":
    data = rng.integers(0, 2, size=shape).astype(bool)
elif np.issubdtype(np.dtype(args.dtype), np.integer):
    info = np.iinfo(args.dtype)
    data = rng.integers(max(info.min, -100), min(info.max, 100) + 1,
                        size=shape).astype(args.dtype)
else:
    data = rng.standard_normal(shape).astype(args.dtype)
if args.out.endswith(".npy"):
    np.save(args.out, data)
else:
    with open(args.out, "wb") as f:
        f.write(onnx.numpy_helper.from_array(data, args.name)
                .SerializeToString())
