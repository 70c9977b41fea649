#!/usr/bin/env python3
# Runs under build/venv/bin/python3 (numpy, onnx, onnxruntime; see
# scripts/requirements.txt). Records what whittle's integer paths compute on
# the Fashion-MNIST fixtures, so that a refactoring can be shown to change no
# bit of it:
#   - whittlec --quantize (fixed-point and pow2, per-channel and per-tensor)
#     of each fixture: its quantization report (every scale, shift and
#     zero point) and the outputs of whittle-run on the quantized qnn IR;
#   - ONNX Runtime's quantize_static of each fixture (QDQ int8 per channel,
#     QOperator uint8 per tensor) run by whittle-run (nn-to-qnn): outputs.
#
#   snapshot_quantized_outputs.py record DIR [--build build]
#   snapshot_quantized_outputs.py compare DIR_BEFORE DIR_AFTER
# compare exits 1 and names every file that differs in any bit.
"""snapshot_quantized_outputs.py record DIR | compare DIR_A DIR_B"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
sys.path.insert(0, os.path.join(root, "test", "models"))
from idx import read_idx  # noqa: E402

MODELS = ["fashion_cnn", "fashion_resnet18", "fashion_mobilenetv2"]
DATA = "/usr/share/datasets/fashion-mnist"
SCHEMES = [("fixed-point", "per-channel"), ("fixed-point", "per-tensor"),
           ("pow2", "per-channel")]


def record(out, build, samples):
    os.makedirs(out, exist_ok=True)
    images = read_idx(os.path.join(DATA, "t10k-images-idx3-ubyte.gz"))
    x = (images[:samples].astype(np.float32) / 255.0)[:, None, :, :]
    x_path = os.path.join(out, "input.npy")
    np.save(x_path, x)
    whittlec = os.path.join(build, "bin", "whittlec")
    whittle_run = os.path.join(build, "bin", "whittle-run")
    calibration = os.path.join(DATA, "train-images-idx3-ubyte.gz")

    def run_model(model, tag):
        target = os.path.join(out, tag)
        subprocess.run([whittle_run, model, "--input", x_path,
                        "--output-dir", target, "--output-format", "npy"],
                       check=True)

    for name in MODELS:
        source = os.path.join(root, "examples", name + ".onnx")
        for scheme, weights in SCHEMES:
            tag = f"{name}.{scheme}.{weights}"
            ir = os.path.join(out, tag + ".mlir")
            subprocess.run([whittlec, source, "--batch-size", str(samples),
                            "--quantize=" + scheme,
                            "--quantize-weights=" + weights,
                            "--calibration-data=" + calibration,
                            "--calibration-limit=200",
                            "--quantize-report",
                            os.path.join(out, tag + ".report.json"),
                            "-o", ir], check=True,
                           stdout=subprocess.DEVNULL)
            run_model(ir, tag)

    from check_ort_quantized import quantize
    calibration_images = read_idx(calibration)[:200]
    for name in MODELS:
        source = os.path.join(root, "examples", name + ".onnx")
        for fmt, per_channel in [("qdq", True), ("qop", False)]:
            tag = f"{name}.ort-{fmt}"
            model = os.path.join(out, tag + ".onnx")
            quantize(source, model, fmt, per_channel, calibration_images,
                     reduce_range=False)
            run_model(model, tag)


def outputs(folder):
    found = {}
    for dirpath, _, files in os.walk(folder):
        for f in files:
            if f.endswith(".npy") or f.endswith(".report.json"):
                path = os.path.join(dirpath, f)
                found[os.path.relpath(path, folder)] = path
    return found


def compare(before, after):
    a, b = outputs(before), outputs(after)
    bad = sorted(set(a) ^ set(b))
    for rel in sorted(set(a) & set(b)):
        if rel.endswith(".json"):
            with open(a[rel]) as fa, open(b[rel]) as fb:
                same = json.load(fa) == json.load(fb)
        else:
            x, y = np.load(a[rel]), np.load(b[rel])
            same = (x.dtype == y.dtype and x.shape == y.shape
                    and x.tobytes() == y.tobytes())
        if not same:
            bad.append(rel)
    for rel in bad:
        print(f"differs: {rel}")
    print(f"{len(set(a) | set(b)) - len(bad)} files identical, "
          f"{len(bad)} differ")
    return 1 if bad else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    sub = ap.add_subparsers(dest="command", required=True)
    rec = sub.add_parser("record")
    rec.add_argument("dir")
    rec.add_argument("--build", default=os.path.join(root, "build"))
    rec.add_argument("--samples", type=int, default=64)
    cmp = sub.add_parser("compare")
    cmp.add_argument("before")
    cmp.add_argument("after")
    args = ap.parse_args()
    if args.command == "record":
        record(args.dir, args.build, args.samples)
        return 0
    return compare(args.before, args.after)


if __name__ == "__main__":
    sys.exit(main())
