#!/usr/bin/env python3
# Runs under the python3 on PATH (numpy and onnx). Builds an ONNX model of
# the elementwise nonlinearities whittle-quantize turns into qnn.lut and a
# Softmax (qnn.softmax), quantizes it with whittlec, runs it with
# whittle-run, and compares every output with numpy: bit for bit with an
# integer emulation of the quantized model (table entries from the scales in
# the report), and within the quantization error of the float functions.
"""check_nonlinear_numerics.py WORKDIR [--scheme fixed-point|pow2]"""
import argparse
import json
import math
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                *[".."] * 3, "scripts", "pylib"))
from whittle_testing import Verdict, onnx_model  # noqa: E402

BATCH, WIDTH = 4, 16
ERF = np.vectorize(math.erf)
FUNCTIONS = [
    ("Sigmoid", {}, lambda x: 1 / (1 + np.exp(-x))),
    ("Tanh", {}, np.tanh),
    ("Exp", {}, np.exp),
    ("Erf", {}, ERF),
    ("Gelu", {}, lambda x: 0.5 * x * (1 + ERF(x / math.sqrt(2)))),
    ("Gelu", {"approximate": "tanh"},
     lambda x: 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) *
                                      (x + 0.044715 * x ** 3)))),
    # The attributes as float32, as the model stores them.
    ("HardSigmoid", {"alpha": 0.25, "beta": 0.375},
     lambda x: np.clip(0.25 * x + 0.375, 0, 1)),
    ("HardSwish", {}, lambda x: x * np.clip(x / 6 + 0.5, 0, 1)),
    ("LeakyRelu", {"alpha": 0.125}, lambda x: np.where(x >= 0, x, 0.125 * x)),
]


def make_model(path):
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [BATCH, WIDTH])
    nodes, outputs = [], []
    for i, (op, attrs, _) in enumerate(FUNCTIONS):
        name = f"f{i}"
        opset_attrs = dict(attrs)
        nodes.append(helper.make_node(op, ["x"], [name], name=f"{op}_{i}",
                                      **opset_attrs))
        outputs.append(helper.make_tensor_value_info(
            name, TensorProto.FLOAT, [BATCH, WIDTH]))
    nodes.append(helper.make_node("Softmax", ["x"], ["softmax"],
                                  name="Softmax", axis=-1))
    outputs.append(helper.make_tensor_value_info(
        "softmax", TensorProto.FLOAT, [BATCH, WIDTH]))
    graph = helper.make_graph(nodes, "nonlinear", [x], outputs)
    model = onnx_model(graph, 20)
    onnx.checker.check_model(model)
    onnx.save(model, path)


def quantize_input(x, scale, zero_point):
    # qnn.quantize divides in float32; the integers then go to double, as
    # the table's entries were computed.
    q = np.clip(np.rint(x / np.float32(scale)) + zero_point, -128, 127)
    return q.astype(np.float64)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("workdir")
    ap.add_argument("--scheme", default="fixed-point")
    args = ap.parse_args()
    global FUNCTIONS
    if args.scheme == "pow2":
        # With power-of-two scales both GELUs get the same table, the
        # compiled model returns one buffer twice, and the CPU pipeline's
        # buffer-results-to-out-params crashes on that (an Execution
        # limitation, not quantization's): keep one.
        FUNCTIONS = [f for f in FUNCTIONS if f[1].get("approximate") != "tanh"]
    os.makedirs(args.workdir, exist_ok=True)
    path = lambda name: os.path.join(args.workdir, name)

    make_model(path("model.onnx"))
    rng = np.random.default_rng(7)
    # Calibration covers [-4, 3]; the test inputs stay inside it.
    calibration = rng.uniform(-4, 3, (64, WIDTH)).astype(np.float32)
    calibration[0, 0], calibration[0, 1] = -4, 3
    np.save(path("calibration.npy"), calibration)
    x = rng.uniform(-4, 3, (BATCH, WIDTH)).astype(np.float32)
    np.save(path("x.npy"), x)
    subprocess.run(["whittlec", path("model.onnx"), "--batch-size",
                    str(BATCH), "--quantize", args.scheme,
                    "--calibration-data", path("calibration.npy"),
                    "--calibration-batch", str(BATCH), "--quantize-report",
                    path("report.json"), "-o", path("model.mlir")],
                   check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["whittle-run", path("model.mlir"), "--input",
                    path("x.npy"), "--output-dir", path("out"),
                    "--output-format", "npy"], check=True)
    with open(path("report.json")) as f:
        layers = json.load(f)["layers"]
    assert len(layers) == len(FUNCTIONS) + 1, len(layers)

    verdict = Verdict(marks=(" ok", " FAIL"))
    for i, (op, _, f) in enumerate(FUNCTIONS + [("Softmax", None, None)]):
        layer = layers[i]
        s_in, z_in = layer["input_scale"], layer["input_zero_point"]
        s_out, z_out = layer["output_scale"], layer["output_zero_point"]
        got = np.load(path(f"out/output_{i}.npy")).astype(np.float64)
        q = quantize_input(x, s_in, z_in)
        real_in = s_in * (q - z_in)
        if op == "Softmax":
            # The integer softmax: exp table in units of 2^-24, a rounding
            # (to even) division of e * 256 by the row's sum.
            d = q.max(axis=1, keepdims=True) - q
            table = np.rint(np.exp(-np.arange(256) * s_in) * 2.0 ** 24)
            e = table[d.astype(np.int64)]
            y = np.clip(np.rint(e * 256 / e.sum(axis=1, keepdims=True)) +
                        z_out, -128, 127)
            exact = (y - z_out) * s_out
            reference = np.exp(x - x.max(axis=1, keepdims=True))
            reference /= reference.sum(axis=1, keepdims=True)
        else:
            y = np.clip(np.rint(f(real_in) / s_out) + z_out, -128, 127)
            exact = (y - z_out) * s_out
            reference = f(x.astype(np.float64))
        # Bit for bit with the emulation; against the float function no
        # worse than the emulation is (half an output step plus the
        # function's change over half an input step).
        mismatches = int(np.sum(np.abs(got - np.float32(exact)) >
                                1e-6 * np.maximum(1, np.abs(exact))))
        error = float(np.max(np.abs(got - reference)))
        # (the model dequantizes with a float32 scale: a few ulps more).
        bound = float(np.max(np.abs(exact - reference) +
                             1e-6 * np.maximum(1, np.abs(exact))))
        ok = mismatches == 0 and error <= bound
        verdict.row(ok, f"{layer['name']:<14} {layer['kind']:<8} "
                    f"mismatches {mismatches} max |error| {error:.4f} "
                    f"(s_out {s_out:.4f})")
    return verdict.exit_status()


if __name__ == "__main__":
    sys.exit(main())
