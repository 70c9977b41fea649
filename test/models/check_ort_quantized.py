#!/usr/bin/env python3
# Runs under the python3 on PATH (numpy, onnx, onnxruntime). The acceptance
# test of importing ONNX Runtime-quantized models: quantizes the three
# Fashion-MNIST fixtures with onnxruntime.quantization.quantize_static
# (calibrated on the first 500 training images), in QDQ and QOperator
# format, per channel and per tensor (12 models, written to a temporary
# directory), runs the test images through whittle-run (which converts them
# to qnn with nn-to-qnn) and through ONNX Runtime, and checks that
#   - the outputs agree within one LSB of the output's quantization scale on
#     at least --min-agreement of the elements (whittle requantizes as
#     float32 does, bit for bit; ONNX Runtime's adds and some of its kernel
#     paths round differently at near-ties, and one such difference can move
#     later layers by a step), and
#   - the accuracies agree within --max-accuracy-gap (0.1 point).
# check_ort_layerwise.py compares the same models one quantized unit at a
# time, which separates the arithmetic of each op from that compounding.
# Activations are int8 in QDQ (ONNX Runtime's recommended S8S8) and uint8
# in QOperator (its classic U8S8), so both 8-bit types are covered; weights
# are int8.
#
# On x86 CPUs without VNNI, ONNX Runtime's u8 x s8 kernels multiply pairs
# with vpmaddubsw, whose 16-bit sums saturate when weights use the full int8
# range: its results then differ by up to tens of LSBs from the ONNX
# definition (and from ONNX Runtime itself with graph optimizations off,
# which whittle matches exactly). Its quantizer's remedy is reduce_range
# (7-bit weights), which --reduce-range auto (the default) turns on on such
# CPUs.
"""check_ort_quantized.py --whittle-run PATH [--limit N] [--only NAME...]"""
import argparse
import os
import sys
import tempfile
import time

import numpy as np
import onnx
import onnx.numpy_helper
import onnxruntime as ort
from onnxruntime.quantization import (CalibrationDataReader, QuantFormat,
                                      QuantType, quantize_static)

from idx import read_idx
from fixtures import (MODELS, Verdict, accuracy, add_fixture_arguments,
                      lsb_distance, run_batches, to_input)

FORMATS = {"qdq": (QuantFormat.QDQ, QuantType.QInt8),
           "qop": (QuantFormat.QOperator, QuantType.QUInt8)}


class Calibration(CalibrationDataReader):
    """The calibration images, one batch of `batch` at a time."""

    def __init__(self, name, images, batch=100):
        self.name = name
        self.batches = [to_input(images[i:i + batch])
                        for i in range(0, len(images), batch)]
        self.index = 0

    def get_next(self):
        if self.index == len(self.batches):
            return None
        self.index += 1
        return {self.name: self.batches[self.index - 1]}


def quantize(source, target, fmt, per_channel, calibration_images,
             reduce_range):
    """ONNX Runtime's quantize_static of the float model `source` into
    `target`, in FORMATS[fmt], per channel or per tensor."""
    quant_format, activation_type = FORMATS[fmt]
    input_name = onnx.load(source).graph.input[0].name
    quantize_static(source, target,
                    Calibration(input_name, calibration_images),
                    quant_format=quant_format, per_channel=per_channel,
                    activation_type=activation_type,
                    weight_type=QuantType.QInt8, reduce_range=reduce_range)


def resolve_reduce_range(choice):
    return (has_saturating_int8_kernels() if choice == "auto"
            else choice == "on")


def output_scale(path):
    """The scale of the DequantizeLinear that produces the graph's output."""
    model = onnx.load(path)
    constants = {t.name: onnx.numpy_helper.to_array(t)
                 for t in model.graph.initializer}
    for node in model.graph.node:
        if node.op_type == "Constant":
            constants[node.output[0]] = onnx.numpy_helper.to_array(
                node.attribute[0].t)
    output = model.graph.output[0].name
    for node in model.graph.node:
        if output in node.output:
            if node.op_type != "DequantizeLinear":
                sys.exit(f"{path}: the output comes from {node.op_type}, "
                         "not a DequantizeLinear")
            return float(constants[node.input[1]].reshape(-1)[0])
    sys.exit(f"{path}: no node produces the output")


def has_saturating_int8_kernels():
    """x86 without VNNI (ONNX Runtime then uses vpmaddubsw)."""
    try:
        with open("/proc/cpuinfo") as f:
            flags = f.read()
    except OSError:
        return False
    return " avx2" in flags and "vnni" not in flags


def run_ort(model, x, batch):
    options = ort.SessionOptions()
    options.intra_op_num_threads = 2
    session = ort.InferenceSession(model, options,
                                   providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    return np.concatenate([session.run(None, {name: x[i:i + batch]})[0]
                           for i in range(0, len(x), batch)])


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    add_fixture_arguments(ap)
    ap.add_argument("--limit", type=int, default=10000,
                    help="test images to run (the first N)")
    ap.add_argument("--batch", type=int, default=2000,
                    help="images per whittle-run call (each call compiles)")
    ap.add_argument("--calibration", type=int, default=500)
    ap.add_argument("--min-agreement", type=float, default=0.999)
    ap.add_argument("--max-accuracy-gap", type=float, default=0.001)
    ap.add_argument("--only", nargs="*", default=MODELS)
    ap.add_argument("--skip", nargs="*", default=[],
                    help="models to leave out, as NAME.FORMAT.KIND "
                    "(fashion_mobilenetv2.qdq.per-tensor)")
    ap.add_argument("--reduce-range", choices=["auto", "on", "off"],
                    default="auto",
                    help="7-bit weights (auto: on x86 without VNNI)")
    ap.add_argument("--keep", default=None,
                    help="write the quantized models to this directory")
    args = ap.parse_args()
    ort.set_default_logger_severity(3)  # not its unused-initializer notes

    train = read_idx(os.path.join(args.data, "train-images-idx3-ubyte.gz"))
    images = read_idx(os.path.join(args.data, "t10k-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(args.data, "t10k-labels-idx1-ubyte.gz"))
    x = to_input(images[:args.limit])
    labels = labels[:args.limit]
    reduce_range = resolve_reduce_range(args.reduce_range)
    verdict = Verdict()
    print(f"{len(x)} test images, {args.calibration} calibration images, "
          f"reduce_range={reduce_range}")
    print(f"{'model':<22} {'format':<6} {'weights':<11} {'<=1 LSB':>9}"
          f" {'max LSB':>8} {'whittle acc':>12} {'ORT acc':>8}"
          f" {'seconds':>8}")
    with tempfile.TemporaryDirectory() as workdir:
        outdir = args.keep or workdir
        os.makedirs(outdir, exist_ok=True)
        for name in args.only:
            source = os.path.join(args.models, name + ".onnx")
            for fmt in FORMATS:
                for per_channel in (True, False):
                    kind = "per-channel" if per_channel else "per-tensor"
                    if f"{name}.{fmt}.{kind}" in args.skip:
                        continue
                    model = os.path.join(outdir, f"{name}.{fmt}.{kind}.onnx")
                    quantize(source, model, fmt, per_channel,
                             train[:args.calibration], reduce_range)
                    scale = output_scale(model)
                    start = time.time()
                    ours = run_batches(args.whittle_run, model, x, args.batch,
                                       workdir)
                    seconds = time.time() - start
                    theirs = run_ort(model, x, args.batch)
                    lsb = lsb_distance(ours, theirs, scale)
                    agreement = float(np.mean(lsb <= 1.0 + 1e-3))
                    whittle_accuracy = accuracy(ours, labels)
                    ort_accuracy = accuracy(theirs, labels)
                    ok = (ours.shape == theirs.shape
                          and agreement >= args.min_agreement
                          and abs(whittle_accuracy - ort_accuracy)
                          <= args.max_accuracy_gap + 1e-9)
                    verdict.row(ok, f"{name:<22} {fmt:<6} {kind:<11}"
                                f" {100 * agreement:>8.3f}% {lsb.max():>8.2f}"
                                f" {100 * whittle_accuracy:>11.2f}%"
                                f" {100 * ort_accuracy:>7.2f}%"
                                f" {seconds:>8.1f}")
    return verdict.exit_status()


if __name__ == "__main__":
    sys.exit(main())
