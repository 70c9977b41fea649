#!/usr/bin/env python3
# Runs under the python3 on PATH (numpy, onnx, onnxruntime). Runs MODEL
# (.onnx or .onnxtext) with ONNX Runtime on INPUTS (.npy or .pb, in order)
# and compares with whittle-run's OUTDIR/output_<i>.pb: same dtype and
# shape, values within rtol/atol (exact for integers and bools). Prints one
# line per output and exits 1 on any mismatch.
"""compare_ort.py MODEL OUTDIR INPUT... [--rtol R] [--atol A]"""
import argparse
import os
import sys

import numpy as np
import onnx
import onnx.numpy_helper
import onnxruntime as ort


def load(path):
    if path.endswith(".npy"):
        return np.load(path)
    return onnx.numpy_helper.to_array(onnx.load_tensor(path))


def load_model(path):
    if path.endswith(".onnxtext"):
        text = "".join(line for line in open(path)
                       if not line.lstrip().startswith("//"))
        return onnx.parser.parse_model(text)
    return onnx.load(path)


ap = argparse.ArgumentParser()
ap.add_argument("model")
ap.add_argument("outdir")
ap.add_argument("inputs", nargs="*")
ap.add_argument("--rtol", type=float, default=1e-5)
ap.add_argument("--atol", type=float, default=1e-6)
args = ap.parse_args()

model = load_model(args.model)
session = ort.InferenceSession(model.SerializeToString(),
                               providers=["CPUExecutionProvider"])
feeds = {i.name: load(p) for i, p in zip(session.get_inputs(), args.inputs)}
references = session.run(None, feeds)
ok = True
for i, ref in enumerate(references):
    path = os.path.join(args.outdir, f"output_{i}.pb")
    out = load(path)
    if out.dtype != ref.dtype or out.shape != ref.shape:
        print(f"output {i}: {out.dtype}{list(out.shape)} != "
              f"{ref.dtype}{list(ref.shape)}")
        ok = False
        continue
    if np.issubdtype(ref.dtype, np.floating):
        close = np.allclose(out, ref, rtol=args.rtol, atol=args.atol,
                            equal_nan=True)
        err = float(np.max(np.abs(out.astype(np.float64) - ref))) \
            if ref.size else 0.0
    else:
        close = np.array_equal(out, ref)
        err = 0.0 if close else float("inf")
    print(f"output {i}: {'match' if close else 'MISMATCH'} "
          f"{ref.dtype}{list(ref.shape)} max|diff| {err:.3g}")
    ok &= close
sys.exit(0 if ok else 1)
