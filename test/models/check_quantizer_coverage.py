#!/usr/bin/env python3
# Runs under build/venv/bin/python3 (numpy, onnx, onnxruntime; see
# scripts/requirements.txt). Runs whittle's two ways into qnn over every
# float model the tests have and lists the ops either one refuses:
#   - whittle's own quantizer: `whittlec MODEL --quantize=fixed-point`,
#     calibrated on random normal data; an op is refused when whittlec stops
#     with "cannot quantize '...' (nn.OP)";
#   - nn-to-qnn: ONNX Runtime's quantize_static (QDQ, int8, per channel,
#     the same random calibration data, every op type of the model asked
#     for, ForceQuantizeNoInputCheck), imported and converted with
#     `whittle-opt --nn-to-qnn` and run with whittle-run; an op is refused
#     when it is left computing in float between a DequantizeLinear and a
#     QuantizeLinear (or ONNX Runtime's quantizer left it unquantized).
# The models: examples/*.onnx and the textual ONNX models under test/ that
# import without error and are float networks (float inputs of static shape;
# every input after the first becomes a random constant, since calibration
# feeds one input); quantized models (Q/DQ, QLinear*, *Integer) are left out.
#
# The test fails when, in some model, an op is refused by one quantizer but
# produced by the other, unless KNOWN_GAPS lists it with the reason; it also
# fails on a known gap that no longer occurs (so the list stays true), and on
# a model one side fails on for another reason than a refused op.
"""check_quantizer_coverage.py --bin BUILD/bin [--root REPO] [--only PATTERN]"""
import argparse
import concurrent.futures
import glob
import logging
import os
import re
import subprocess
import sys
import tempfile

import numpy as np
import onnx
import onnx.parser
from onnxruntime.quantization import (CalibrationDataReader, QuantFormat,
                                      QuantType, quantize_static)

_OLD_SOFTMAX = ("old-opset Softmax/LogSoftmax/Hardmax (before opset 13) "
                "import as nn.flatten to 2-D, the op, nn.reshape back, all "
                "named after the ONNX node; ONNX Runtime puts its Q/DQ around "
                "the whole node, and Converter::fuse looks only at the op "
                "before each QuantizeLinear (the reshape, whose input is "
                "not a DequantizeLinear), so the chain stays float. It "
                "should see through the flatten/reshape (or the importer "
                "should produce Softmax on the original axis)")
# (side, nn op) -> why. side "quantize": whittlec --quantize refuses what
# nn-to-qnn produces; side "nn-to-qnn": the reverse.
# Found by this test (2026-12, first run); reasons traced 2026-12 from
# lib/Conversion/NNToQNN (NNToQNN.cpp Converter::fuse, NNToQNNParams.cpp) and
# ONNX Runtime 1.32's quantizer (onnxruntime/quantization). "ORT's side":
# ONNX Runtime's quantize_static gives the op no Q/DQ, so nn-to-qnn is never
# asked to convert it.
_ORT_FLOAT_BIAS = ("ONNX Runtime quantizes a bias only when it is an "
                   "initializer: a Constant-node bias stays float, and "
                   "Converter::getBias takes only none or an int32 "
                   "DequantizeLinear of scale x_scale * w_scale. nn-to-qnn "
                   "should quantize a constant float bias itself (to i32 at "
                   "x_scale * w_scale, as --whittle-quantize does)")
KNOWN_GAPS = {
    ("nn-to-qnn", "nn.pad"): "nn-to-qnn keeps Pad out of the data movement "
    "it converts (NNToQNNParams.cpp isDataMovement): the nn-to-qnn half of "
    "issue 13 item 7 (Pad with the zero point) is still to do",
    ("nn-to-qnn", "nn.conv"): "the dead channel model, whose weights and "
    "bias are Constant nodes: ONNX Runtime quantizes the weights at run time "
    "(QuantizeLinear of the constant) and leaves the bias float; "
    + _ORT_FLOAT_BIAS,
    ("nn-to-qnn", "nn.sub"): "a Sub by a constant (the fixtures' input "
    "normalization): Converter::fuse has cases for Add and Mul only. By a "
    "constant scalar it should be a lookup table of x - c (evaluated in "
    "float32 with the dequantized constant, per input code, it matches ONNX "
    "Runtime's float Sub then QuantizeLinear); between two tensors qnn.add "
    "with the second multiplier negated",
    ("nn-to-qnn", "nn.div"): "a Div by a constant (the fixtures' input "
    "normalization): Converter::fuse has no Div case. By a constant scalar "
    "it should be a lookup table of x / c, as for Sub",
    ("nn-to-qnn", "nn.gelu"): "getUnaryFunction (NNToQNNParams.cpp) makes "
    "tables only of Identity, Relu, Clip, LeakyRelu, Sigmoid, Tanh, "
    "HardSigmoid, HardSwish and Exp; nn::getScalarFunction also has Gelu "
    "and GeluTanh (and Erf, Elu, Selu, Celu, Softplus, Softsign, "
    "ThresholdedRelu), all of which --whittle-quantize makes tables of "
    "(Quantizer.cpp). DQ -> Gelu -> Q should be the same table",
    ("nn-to-qnn", "nn.split"): "nn::isDataMovement includes Split, but "
    "Converter::fuse's data-movement case takes only ops with one result, "
    "so DQ -> Split -> Q, Q stays float. It should clone the Split once on "
    "the i8 value and give each QuantizeLinear its result (a table where "
    "the parameters differ)",
    ("nn-to-qnn", "nn.clip"): "ORT's side: a Clip (or Relu) whose input is "
    "not already quantized (here the graph input) gets no Q/DQ "
    "(QDQRemovableActivation.quantize returns). nn-to-qnn makes a table of "
    "DQ -> Clip -> Q (getUnaryFunction has Clip)",
    ("nn-to-qnn", "nn.gemm"): "test/Import/ONNX/neural/gemm.onnxtext: (1) "
    "beta = 2: ONNX Runtime folds beta into the bias's scale (x_scale * "
    "w_scale * beta) and sets beta to 1, and Converter::getBias wants the "
    "scale x_scale * w_scale exactly. It should take a scale k * x_scale * "
    "w_scale and add the bias as C_q * k / alpha where that is an integer "
    "(the requantization multiplies by alpha). (2) a Constant-node C: "
    + _ORT_FLOAT_BIAS,
    ("nn-to-qnn", "nn.resize"): "ORT's side: QDQResize.quantize gives no "
    "Q/DQ to a Resize of a model below opset 11 (resize-opset10); the "
    "opset-9 upsample.onnxtext, which quantize_static upgrades to opset 11, "
    "also comes back without Q/DQ on its Resize (not traced further). "
    "resize.onnxtext's Resize both refuse",
    ("nn-to-qnn", "nn.average_pool"): "both refuse it: opset-21-features' "
    "AveragePool has dilations 2, which qnn.avg_pool does not have "
    "(Converter::buildAvgPool returns null, Quantizer::quantizeAveragePool "
    "errors); only nn-to-qnn's refusal is seen because whittlec stops at "
    "that model's first refused op (nn.reduce_mean)",
    ("nn-to-qnn", "nn.flatten"): _OLD_SOFTMAX,
    ("nn-to-qnn", "nn.reshape"): _OLD_SOFTMAX,
    ("nn-to-qnn", "nn.softmax"): _OLD_SOFTMAX,
    ("nn-to-qnn", "nn.hardmax"): "old-opset models: " + _OLD_SOFTMAX +
    "; Hardmax has no qnn form on either side",
    ("nn-to-qnn", "nn.relu"): "ORT's side: in hardmax-alone, "
    "opset-6-upgrade and value-info-fixed-inputs the Relu reads the graph "
    "input, which is not yet quantized, so it gets no Q/DQ (as for a lone "
    "Clip)",
}

# Models one side cannot take for a reason other than a refused op.
KNOWN_ERRORS = {
    "test/Import/ONNX/neural/resize_opset19.onnxtext":
    "antialiased Resize has no lowering at all (float either)",
    "test/Import/ONNX/neural/upsample_direct.onnxtext":
    "ONNX Runtime's calibration rejects the opset-9 Upsample model",
}

# Ops that mark a model as already quantized.
QUANTIZED_OPS = ("QuantizeLinear", "DequantizeLinear", "DynamicQuantizeLinear")

# nn ops that are not computations on the model's data.
NOT_LAYERS = {"nn.constant", "nn.none"}

REFUSED = re.compile(r"cannot quantize '[^']*' \((nn\.\w+)\)")
OP_LINE = re.compile(r"=\s+(nn\.\w+)\b.*->\s*(.*)$")
NAME_LOC = re.compile(r'loc\("([^"]+)"\(')
FLOAT_TYPE = re.compile(r"x(f16|f32|f64|bf16)>|<(f16|f32)>")


def strip_comments(text):
    return "\n".join(line for line in text.splitlines()
                     if not line.lstrip().startswith("#"))


def static_float_shape(value):
    tensor = value.type.tensor_type
    if tensor.elem_type != onnx.TensorProto.FLOAT:
        return None
    dims = [d.dim_value if d.HasField("dim_value") else -1
            for d in tensor.shape.dim]
    if not dims or any(d <= 0 for d in dims):
        return None
    return dims


def as_float_network(model):
    """The model with one float input (later inputs frozen to random
    constants), or None when it is not a float network."""
    graph = model.graph
    if any(n.op_type in QUANTIZED_OPS or n.op_type.startswith("QLinear")
           or n.op_type.endswith("Integer") or n.domain not in ("", "ai.onnx")
           for n in graph.node):
        return None
    initialized = {i.name for i in graph.initializer}
    inputs = [i for i in graph.input if i.name not in initialized]
    # A symbolic batch dimension (the fixtures') becomes 1.
    for value in list(inputs) + list(graph.output):
        dims = value.type.tensor_type.shape.dim
        if dims and not dims[0].HasField("dim_value"):
            dims[0].dim_value = 1
    if not inputs or not graph.output:
        return None
    shapes = [static_float_shape(i) for i in inputs]
    if any(s is None for s in shapes):
        return None
    if any(o.type.tensor_type.elem_type != onnx.TensorProto.FLOAT
           for o in graph.output):
        return None
    for i, node in enumerate(graph.node):
        if not node.name:
            node.name = f"{node.op_type}_{i}"
    rng = np.random.default_rng(1)
    frozen = set()
    for value, shape in zip(inputs[1:], shapes[1:]):
        data = rng.standard_normal(shape).astype(np.float32)
        graph.initializer.append(onnx.numpy_helper.from_array(data,
                                                              value.name))
        graph.input.remove(value)
        frozen.add(value.name)
    # A frozen input is a weight (a later operand); the nodes whose data
    # (first operand) it is, and what follows them, compute on constants
    # only: they go, with the outputs they make.
    dead = set()
    for node in list(graph.node):
        if node.input and (node.input[0] in frozen
                           or any(i in dead for i in node.input)):
            dead.update(node.output)
            graph.node.remove(node)
    for output in list(graph.output):
        if output.name in dead:
            graph.output.remove(output)
    if not graph.output:
        return None
    return model


def collect_models(root, only):
    """(name, onnx.ModelProto) of every float model the tests have."""
    models = []
    for path in sorted(glob.glob(os.path.join(root, "examples", "*.onnx"))):
        models.append((os.path.relpath(path, root), onnx.load(path)))
    for path in sorted(glob.glob(os.path.join(root, "test", "**",
                                              "*.onnxtext"), recursive=True)):
        rel = os.path.relpath(path, root)
        with open(path) as f:
            text = f.read()
        if "/errors/" in rel or "RUN: not" in text or "--import-onnx" not in text:
            continue
        try:
            model = onnx.parser.parse_model(strip_comments(text))
        except Exception:  # noqa: BLE001 - not parseable by onnx's parser
            continue
        models.append((rel, model))
    kept = []
    for name, model in models:
        if only and not any(re.search(p, name) for p in only):
            continue
        model = as_float_network(model)
        if model is not None:
            kept.append((name, model))
    return kept


def run(cmd, **kwargs):
    return subprocess.run(cmd, capture_output=True, text=True, **kwargs)


def first_error(stderr):
    for line in stderr.splitlines():
        if "error" in line:
            return line.strip()[:200]
    return stderr.strip().splitlines()[-1][:200] if stderr.strip() else "?"


def nn_ops(mlir, float_only):
    """{ONNX node name: nn op} of the ops in textual IR printed with
    --mlir-print-debuginfo (only those with a float result if asked)."""
    ops = {}
    for line in mlir.splitlines():
        m = OP_LINE.search(line)
        if not m or m.group(1) in NOT_LAYERS:
            continue
        if float_only and not FLOAT_TYPE.search(m.group(2)):
            continue
        name = NAME_LOC.search(line)
        ops[name.group(1) if name else line] = m.group(1)
    return ops


def refused_by_quantize(stderr, layers):
    """The nn ops whittle-quantize's errors name, or None."""
    refused = set(REFUSED.findall(stderr))
    for line in stderr.splitlines():
        if "whittle-quantize:" in line:
            refused |= {layers[n] for n in re.findall(r"'([^']+)'", line)
                        if n in layers}
    return refused or None


class Calibration(CalibrationDataReader):
    def __init__(self, name, samples, batch):
        self.items = [{name: samples[i:i + batch]}
                      for i in range(0, len(samples), batch)]

    def get_next(self):
        return self.items.pop(0) if self.items else None


def check_model(name, model, bin_dir, work):
    """{"ops": float model's layers, "quantize": refused set or error,
    "nn-to-qnn": refused set or error}."""
    tag = re.sub(r"[^A-Za-z0-9_.]", "_", name)
    path = os.path.join(work, tag + ".onnx")
    onnx.save(model, path)
    shape = static_float_shape(model.graph.input[0])
    rng = np.random.default_rng(0)
    # Four batches of the model's batch size.
    samples = rng.standard_normal([4 * shape[0]] + shape[1:]).astype(
        np.float32)
    data = os.path.join(work, tag + ".calib.npy")
    np.save(data, samples)
    x = os.path.join(work, tag + ".x.npy")
    np.save(x, samples[:shape[0]])
    translate = os.path.join(bin_dir, "whittle-translate")
    debuginfo = ["--mlir-print-debuginfo", "--mlir-print-local-scope"]
    result = {}

    imported = run([translate, "--import-onnx", path] + debuginfo)
    if imported.returncode != 0:
        return None  # not importable here: not one of the tests' models
    layers = nn_ops(imported.stdout, float_only=False)
    result["ops"] = set(layers.values())

    q = run([os.path.join(bin_dir, "whittlec"), path,
             "--quantize=fixed-point", "--calibration-data=" + data,
             "-o", os.path.join(work, tag + ".qnn.mlir")])
    if q.returncode == 0:
        result["quantize"] = set()
    else:
        refused = refused_by_quantize(q.stderr, layers)
        result["quantize"] = refused if refused else "error: " + first_error(
            q.stderr)

    qdq = os.path.join(work, tag + ".qdq.onnx")
    try:
        quantize_static(path, qdq, Calibration(model.graph.input[0].name,
                                               samples, shape[0]),
                        quant_format=QuantFormat.QDQ, per_channel=True,
                        activation_type=QuantType.QInt8,
                        weight_type=QuantType.QInt8,
                        # Every op in DequantizeLinear/QuantizeLinear, even
                        # one that reads the graph input: what nn-to-qnn
                        # can be given.
                        op_types_to_quantize=sorted(
                            {n.op_type for n in model.graph.node} - {"Constant"}),
                        extra_options={"ForceQuantizeNoInputCheck": True})
    except Exception as e:  # noqa: BLE001 - reported as the model's result
        result["nn-to-qnn"] = f"error: quantize_static: {e}"[:200]
        return result
    # Not --mlir-print-local-scope here: it leaves out the dialect_resources
    # section, so whittle-opt would read every large weight as a
    # dense_resource without data, and nn-to-qnn (which reads the weights)
    # would leave those Convs and Gemms float.
    imported = run([translate, "--import-onnx", qdq, "--mlir-print-debuginfo"])
    converted = run([os.path.join(bin_dir, "whittle-opt"), "--nn-to-qnn",
                     "--canonicalize"] + debuginfo, input=imported.stdout)
    if imported.returncode != 0 or converted.returncode != 0:
        result["nn-to-qnn"] = "error: " + first_error(imported.stderr +
                                                      converted.stderr)
        return result
    ran = run([os.path.join(bin_dir, "whittle-run"), qdq, "--input", x,
               "--output-dir", os.path.join(work, tag + ".out")])
    if ran.returncode != 0:
        result["nn-to-qnn"] = "error: whittle-run: " + first_error(ran.stderr)
        return result
    # ONNX Runtime's quantizer keeps the names of the nodes it quantizes.
    left_float = nn_ops(converted.stdout, float_only=True)
    result["nn-to-qnn"] = {op for name, op in left_float.items()
                           if name in layers}
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--bin", required=True, help="folder of whittle's tools")
    ap.add_argument("--root", default=os.path.dirname(os.path.dirname(
        os.path.dirname(os.path.abspath(__file__)))))
    ap.add_argument("--only", nargs="*", help="regexes of model paths")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    logging.getLogger().setLevel(logging.ERROR)  # the quantizer's advice

    models = collect_models(args.root, args.only)
    results = {}
    with tempfile.TemporaryDirectory() as work, \
            concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        futures = {pool.submit(check_model, name, model, args.bin, work): name
                   for name, model in models}
        for future in concurrent.futures.as_completed(futures):
            result = future.result()
            if result is not None:
                results[futures[future]] = result

    failures, seen_gaps = [], set()
    refused_by = {"quantize": {}, "nn-to-qnn": {}}
    print(f"{len(results)} float models")
    for name in sorted(results):
        r = results[name]
        row = []
        for side, other in (("quantize", "nn-to-qnn"),
                            ("nn-to-qnn", "quantize")):
            mine, theirs = r[side], r[other]
            if isinstance(mine, str):
                row.append(f"{side}: {mine}")
                if name not in KNOWN_ERRORS:
                    failures.append(f"{name}: {side}: {mine}")
                continue
            for op in sorted(mine):
                refused_by[side].setdefault(op, []).append(name)
                row.append(f"{side} refuses {op}")
                produced_by_other = (not isinstance(theirs, str)
                                     and op not in theirs)
                if not produced_by_other:
                    continue
                if (side, op) in KNOWN_GAPS:
                    seen_gaps.add((side, op))
                    continue
                failures.append(f"{name}: {side} refuses {op}, which "
                                f"{other} produces")
        print(f"{name}: {'; '.join(row) if row else 'both quantize it'}")
    print()
    for side, ops in refused_by.items():
        print(f"refused by {side}: " + (", ".join(
            f"{op} ({len(names)})" for op, names in sorted(ops.items()))
            or "none"))
    for gap in sorted(set(KNOWN_GAPS) - seen_gaps):
        if not args.only:
            failures.append(f"known gap {gap} no longer occurs: remove it "
                            "from KNOWN_GAPS")
    if failures:
        print("\nFAIL:")
        for f in failures:
            print("  " + f)
        return 1
    print("\nPASS: no op is refused by one quantizer and produced by the "
          "other, beyond the known gaps")
    return 0


if __name__ == "__main__":
    sys.exit(main())
