#!/usr/bin/env python3
# Runs under the python3 on PATH (numpy only). The acceptance check of
# whittle's int8 quantization on the Fashion-MNIST fixtures: each model is
# calibrated on training images and quantized by whittlec, and all 10,000
# test images go through the integer model with whittle-run. The float
# accuracy is that of the stored reference logits (which whittle's float
# path reproduces, see check_fashion_models.py). Fails if fixed-point loses
# more than --max-loss-fixed-point points or pow2 more than --max-loss-pow2.
"""check_quantized_fashion.py --whittlec PATH --whittle-run PATH [options]"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

from idx import read_idx
from fixtures import MODELS, accuracy, add_fixture_arguments, run_model

SCHEMES = ["fixed-point", "pow2"]


def sqnr_db(reference, quantized):
    noise = float(np.sum((reference - quantized) ** 2))
    signal = float(np.sum(reference ** 2))
    return float("inf") if noise == 0 else 10 * np.log10(signal / noise)


def quantize(args, name, scheme, workdir):
    model = os.path.join(args.models, name + ".onnx")
    output = os.path.join(workdir, f"{name}.{scheme}.mlir")
    report = os.path.join(workdir, f"{name}.{scheme}.json")
    command = [args.whittlec, model, "--batch-size", str(args.batch),
               "--quantize", scheme, "--calibration-data",
               os.path.join(args.data, "train-images-idx3-ubyte.gz"),
               "--calibration-limit", str(args.calibration_limit),
               "--calibration-method", args.calibration_method,
               "-o", output]
    # The per-layer SQNR costs a JIT compile of the model with every
    # layer's output exposed, and a run over the calibration images.
    if args.layer_sqnr:
        command += ["--quantize-report", report]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    if not args.layer_sqnr:
        return output, {"layers": []}
    with open(report) as f:
        return output, json.load(f)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--whittlec", required=True)
    add_fixture_arguments(ap)
    ap.add_argument("--batch", type=int, default=2500,
                    help="test images per whittle-run call (10,000 must be "
                         "a multiple)")
    ap.add_argument("--calibration-limit", type=int, default=500)
    ap.add_argument("--calibration-method", default="minmax")
    ap.add_argument("--layer-sqnr", action="store_true",
                    help="also report the worst per-layer SQNR (whittlec's "
                         "--quantize-report, on the calibration images)")
    ap.add_argument("--max-loss-fixed-point", type=float, default=0.5,
                    help="accuracy points fixed-point may lose")
    ap.add_argument("--max-loss-pow2", type=float, default=1.0,
                    help="accuracy points pow2 may lose")
    ap.add_argument("--limit", type=int, default=10000,
                    help="evaluate on the first N test images (default all)")
    ap.add_argument("--only", nargs="*", default=MODELS)
    ap.add_argument("--schemes", nargs="*", default=SCHEMES)
    args = ap.parse_args()

    images = read_idx(os.path.join(args.data, "t10k-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(args.data, "t10k-labels-idx1-ubyte.gz"))
    images, labels = images[:args.limit], labels[:args.limit]
    if len(images) % args.batch:
        sys.exit(f"--batch {args.batch} does not divide {len(images)}")
    max_loss = {"fixed-point": args.max_loss_fixed_point,
                "pow2": args.max_loss_pow2}
    failed = False
    header = f"{'model':<22} {'float acc':>9}"
    for scheme in args.schemes:
        header += f" {scheme + ' acc':>15} {'SQNR dB':>8} {'worst layer':>11}"
    print(header + f" {'seconds':>8}")
    for name in args.only:
        reference = np.load(os.path.join(args.models,
                                         name + ".logits.npy"))[:args.limit]
        float_accuracy = 100 * accuracy(reference, labels)
        line = f"{name:<22} {float_accuracy:>9.2f}"
        start = time.time()
        for scheme in args.schemes:
            with tempfile.TemporaryDirectory() as workdir:
                model, report = quantize(args, name, scheme, workdir)
                logits = run_model(args.whittle_run, model, images,
                                   args.batch, workdir)
            scheme_accuracy = 100 * accuracy(logits, labels)
            sqnr = sqnr_db(reference, logits)
            # null is an exact layer (infinite SQNR).
            layer_sqnrs = [layer["sqnr_db"] for layer in report["layers"]
                           if layer.get("sqnr_db") is not None]
            worst = f"{min(layer_sqnrs):.1f}" if layer_sqnrs else "-"
            ok = float_accuracy - scheme_accuracy <= max_loss[scheme]
            failed |= not ok
            line += (f" {scheme_accuracy:>14.2f}{' ' if ok else '!'}"
                     f" {sqnr:>8.1f} {worst:>11}")
        print(line + f" {time.time() - start:>8.0f}", flush=True)
    if failed:
        print("FAIL: '!' marks an accuracy loss above the threshold "
              f"(fixed-point {args.max_loss_fixed_point}, pow2 "
              f"{args.max_loss_pow2} points)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
