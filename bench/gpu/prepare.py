#!/usr/bin/env python3
# Runs under build/venv/bin/python3 (numpy, onnxruntime); ResNet-50 is
# exported by the Debian system Python, /usr/bin/python3 (python3-torch,
# python3-torchvision), through bench/quantize_torchvision.py's export.
"""Prepare everything bench/gpu/run.sh needs on a GPU machine, which has
nvcc, CMake and PyTorch but no MLIR and no whittle: the emitted CUDA
projects, their inputs and whittle-run's reference outputs.

  build/venv/bin/python3 bench/gpu/prepare.py [--out bench/gpu/payload]
      [--gpu sm_90a] [--images 1000]

Writes into --out (carried to the device machine with the repository; 64
MiB per call in all, so ResNet-50's batch-256 project reads the batch-8
project's weights, which are the same bytes):

  <fixture>.<dense|sparse>/      whittlec --target cuda, batch 8, for the
                                 three Fashion-MNIST fixtures, dense and
                                 --sparsify=2:4 (quantized fixed-point per
                                 channel, calibrated on 500 training images)
  fashion.f32.npy, <name>/input_i8.npy
                                 the first --images test images, float and
                                 (per model) through its qnn.quantize
  <name>/ref-integer/, ref-float/ whittle-run's outputs (--integer-io and,
                                 for the fixtures, float) on the same inputs
  resnet50.b8/, resnet50.b256/   torchvision ResNet-50 at 224 (random
                                 weights, BatchNorm statistics from random
                                 data, calibrated on 16 random images)
  manifest.txt                   what was made, with which whittle

Prints a line per model with its sizes.
"""
import argparse
import os
import shutil
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "bench"))
sys.path.insert(0, os.path.join(REPO, "test", "Target", "HLSCpp"))
sys.path.insert(0, os.path.join(REPO, "test", "models"))
from idx import read_idx  # noqa: E402
import check_csim  # noqa: E402

DATA = "/usr/share/datasets/fashion-mnist"
FIXTURES = ["fashion_cnn", "fashion_resnet18", "fashion_mobilenetv2"]


def run(cmd):
    start = time.time()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"error: {' '.join(map(str, cmd))} failed:\n"
                         f"{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
    return time.time() - start


def tool(bin_dir, name):
    return os.path.join(bin_dir, name)


def references(bin_dir, project, x_float, x_path):
    """The int8 input and whittle-run's outputs, --integer-io and (with
    `x_path`) float. The project's model.qnn.mlir goes afterwards: the GPU
    machine does not read it, and ResNet-50's is 50 MB."""
    mlir = os.path.join(project, "model.qnn.mlir")
    q_path = os.path.join(project, "input_i8.npy")
    np.save(q_path, check_csim.quantize_input(mlir, x_float))
    run([tool(bin_dir, "whittle-run"), mlir, "--input", q_path,
         "--integer-io", "--output-dir",
         os.path.join(project, "ref-integer"), "--output-format", "npy"])
    if x_path:
        run([tool(bin_dir, "whittle-run"), mlir, "--input", x_path,
             "--output-dir", os.path.join(project, "ref-float"),
             "--output-format", "npy"])
    os.remove(mlir)


def size_mb(path):
    total = 0
    for folder, _, files in os.walk(path):
        total += sum(os.path.getsize(os.path.join(folder, f)) for f in files)
    return total / 2**20


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--out", default=os.path.join(HERE, "payload"))
    ap.add_argument("--tools", default=os.path.join(REPO, "build", "bin"))
    ap.add_argument("--gpu", default="sm_90a")
    ap.add_argument("--images", type=int, default=1000)
    ap.add_argument("--skip-resnet50", action="store_true")
    args = ap.parse_args()
    out = os.path.abspath(args.out)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    whittlec = tool(args.tools, "whittlec")

    images = read_idx(os.path.join(DATA, "t10k-images-idx3-ubyte.gz"))
    x = (images[:args.images].astype(np.float32) / 255.0)[:, None]
    x_path = os.path.join(out, "fashion.f32.npy")
    np.save(x_path, x)
    calibration = os.path.join(DATA, "train-images-idx3-ubyte.gz")
    for name in FIXTURES:
        for variant in ["dense", "sparse"]:
            label = f"{name}.{variant}"
            project = os.path.join(out, label)
            cmd = [whittlec, os.path.join(REPO, "examples", name + ".onnx"),
                   "--batch-size", "8", "--quantize=fixed-point",
                   "--calibration-data=" + calibration,
                   "--calibration-limit=500", "--target", "cuda", "--gpu",
                   args.gpu, "--entry-name", name, "-o", project]
            if variant == "sparse":
                cmd.insert(2, "--sparsify=granularity=n:m n=2 m=4")
            seconds = run(cmd)
            references(args.tools, project, x, x_path)
            print(f"{label}: whittlec {seconds:.1f} s, "
                  f"{size_mb(project):.1f} MiB", flush=True)

    if not args.skip_resnet50:
        from quantize_torchvision import export
        onnx_path = os.path.join(out, "resnet50.onnx")
        export("resnet50", onnx_path, bn_batches=4, dynamic_batch=True)
        rng = np.random.RandomState(0)
        calibration = os.path.join(out, "calibration.npy")
        np.save(calibration, rng.randn(16, 3, 224, 224).astype(np.float32))
        for batch in [8, 256]:
            project = os.path.join(out, f"resnet50.b{batch}")
            seconds = run([whittlec, onnx_path, "--batch-size", str(batch),
                           "--quantize=fixed-point",
                           "--calibration-data=" + calibration,
                           "--calibration-batch=8", "--target", "cuda",
                           "--gpu", args.gpu, "--entry-name", "resnet50",
                           "-o", project])
            if batch == 8:
                x50 = rng.randn(8, 3, 224, 224).astype(np.float32)
                references(args.tools, project, x50, None)
            else:
                # The same bytes as the batch-8 project's (checked by the
                # model's checksum when run.sh passes --weights).
                os.remove(os.path.join(project, "weights.bin"))
                os.remove(os.path.join(project, "model.qnn.mlir"))
            print(f"resnet50.b{batch}: whittlec {seconds:.1f} s, "
                  f"{size_mb(project):.1f} MiB", flush=True)
        os.remove(onnx_path)
        os.remove(calibration)

    head = subprocess.run(["git", "-C", REPO, "rev-parse", "HEAD"],
                          capture_output=True, text=True).stdout.strip()
    with open(os.path.join(out, "manifest.txt"), "w") as f:
        f.write(f"whittle {head}, gpu {args.gpu}, {args.images} images\n")
    print(f"payload: {out}, {size_mb(out):.1f} MiB")


if __name__ == "__main__":
    main()
