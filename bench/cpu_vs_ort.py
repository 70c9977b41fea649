#!/usr/bin/env python3
# Runs under `python3` from PATH (pyenv) with the pip packages numpy and
# onnxruntime. ResNet-50 for the compile-time row is exported by
# bench/import_resnet50.py (Debian /usr/bin/python3 with torch) into
# bench/out/ and reused.
"""Time whittle's compiled CPU code against ONNX Runtime, and compile time.

For each model (the Fashion-MNIST ResNet-18 and MobileNetV2 fixtures in
examples/) and batch size (1 and 8), in one invocation on the same machine:
  whittle  `whittle-run MODEL --input x.npy --repeat N --timing`: the median
           time of N calls of the JIT-compiled model (single thread: whittle's
           code is single-threaded);
  ORT      onnxruntime.InferenceSession with intra_op_num_threads=1 and
           inter_op_num_threads=1, all graph optimizations on, median of N
           session.run calls after 3 warm-up runs.
Prints one row per (model, batch) with both medians and whittle/ORT, then
the compile time (ONNX file to runnable code: import + lowering + LLVM JIT)
of each model and of ResNet-50 (batch 1).
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnxruntime as ort

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
MODELS = ["fashion_resnet18", "fashion_mobilenetv2"]
TIMING = re.compile(r"import: ([\d.]+) ms, compile: ([\d.]+) ms, "
                    r"run: ([\d.]+) ms")


def whittle(whittle_run, model, x_path, runs):
    result = subprocess.run(
        [whittle_run, model, "--input", x_path, "--repeat", str(runs),
         "--timing"], capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"whittle-run failed on {model}:\n{result.stderr}")
    match = TIMING.search(result.stderr)
    return {"import_ms": float(match.group(1)),
            "compile_ms": float(match.group(2)),
            "run_ms": float(match.group(3))}


def onnxruntime_ms(model, x, runs):
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(model, options,
                                   providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    for _ in range(3):
        session.run(None, {name: x})
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        session.run(None, {name: x})
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--whittle-run",
                    default=os.path.join(REPO, "build", "bin", "whittle-run"))
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--batches", default="1,8")
    ap.add_argument("--models", default=",".join(MODELS),
                    help="comma-separated fixture names in examples/")
    ap.add_argument("--resnet50", default=os.path.join(HERE, "out",
                                                       "resnet50.onnx"),
                    help="ResNet-50 for the compile-time row (made by "
                         "bench/import_resnet50.py; skipped if missing)")
    args = ap.parse_args()

    rng = np.random.default_rng(0)
    rows, compiles = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.models.split(","):
            model = os.path.join(REPO, "examples", name + ".onnx")
            for batch in [int(b) for b in args.batches.split(",")]:
                x = rng.random((batch, 1, 28, 28), dtype=np.float32)
                x_path = os.path.join(tmp, "x.npy")
                np.save(x_path, x)
                w = whittle(args.whittle_run, model, x_path, args.runs)
                o = onnxruntime_ms(model, x, args.runs)
                rows.append((name, batch, w["run_ms"], o))
                if batch == 1:
                    compiles.append((name, w["import_ms"], w["compile_ms"]))
        if os.path.exists(args.resnet50):
            x_path = os.path.join(tmp, "x50.npy")
            np.save(x_path, rng.random((1, 3, 224, 224), dtype=np.float32))
            w = whittle(args.whittle_run, args.resnet50, x_path, 1)
            compiles.append(("resnet50 (224x224)", w["import_ms"],
                             w["compile_ms"]))

    print(f"threads: 1 (whittle single-threaded; ORT intra/inter-op 1), "
          f"median of {args.runs} runs")
    print(f"{'model':<22} {'batch':>5} {'whittle ms':>11} {'ORT ms':>9} "
          f"{'whittle/ORT':>12}")
    for name, batch, w, o in rows:
        print(f"{name:<22} {batch:>5} {w:>11.3f} {o:>9.3f} {w / o:>12.2f}")
    print()
    print(f"{'compile (ONNX -> runnable)':<26} {'import s':>9} "
          f"{'lower+JIT s':>12} {'total s':>8}")
    for name, imp, comp in compiles:
        print(f"{name:<26} {imp / 1000:>9.2f} {comp / 1000:>12.2f} "
              f"{(imp + comp) / 1000:>8.2f}")


if __name__ == "__main__":
    main()
