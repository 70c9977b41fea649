#!/usr/bin/env python3
# Runs under the python3 on PATH (numpy, onnx, onnxruntime). Layer-by-layer
# agreement with ONNX Runtime on a model quantized by its quantize_static
# (as check_ort_quantized.py makes them). Every 8-bit activation of the
# model is the output of one quantized unit: a QDQ sandwich (DequantizeLinear
# -> op -> QuantizeLinear) or a QOperator node. Each unit is cut out of the
# model (onnx.utils.extract_model) with its 8-bit inputs as graph inputs, and
# both whittle-run and ONNX Runtime run it on the inputs ONNX Runtime itself
# computed for them on the test images. So a difference in one unit cannot
# leak into the next, and the comparison says how each op's integer
# arithmetic agrees, in integer steps of the unit's output.
#
# whittle requantizes products as `round(float(acc) * ratio)` in float32
# (qnn's float32 rounding, bit-exact with float arithmetic) and computes its
# other rescales exactly; ONNX Runtime mostly rounds the same float32
# product, but in some kernel paths fuses the zero point into the multiply,
# and its QLinearAdd sums two rounded float32 products. The two then differ
# by one step where the result is within about 1e-5 of a tie; through a
# whole per-tensor MobileNetV2 such single steps are amplified by later
# layers (see check_ort_quantized.py). Here each unit must agree within one
# step on every element and exactly on at least --min-exact of them.
"""check_ort_layerwise.py --whittle-run PATH [--limit N] [--only NAME.FMT.KIND...]"""
import argparse
import os
import sys
import tempfile

import numpy as np
import onnx
import onnx.utils
import onnxruntime as ort

from check_ort_quantized import (MODELS, FORMATS, quantize,
                                 resolve_reduce_range)
from idx import read_idx
from fixtures import Verdict, add_fixture_arguments, run_whittle, to_input

EIGHT_BIT = (onnx.TensorProto.INT8, onnx.TensorProto.UINT8)


def eight_bit_activations(model):
    """Names of the 8-bit tensors computed from the input (not constants),
    with their producers, in graph order."""
    inferred = onnx.shape_inference.infer_shapes(model)
    types = {v.name: v.type.tensor_type.elem_type
             for v in list(inferred.graph.value_info)
             + list(inferred.graph.output) + list(inferred.graph.input)}
    types.update({t.name: t.data_type for t in model.graph.initializer})
    constants = {t.name for t in model.graph.initializer}
    computed = {i.name for i in model.graph.input} - constants
    activations = []
    for node in model.graph.node:
        for out in node.output:
            if not types.get(out):
                types[out] = output_type(node, types)
        if not any(i in computed for i in node.input):
            constants.update(node.output)
            continue
        computed.update(node.output)
        for out in node.output:
            if types.get(out) in EIGHT_BIT:
                activations.append((out, node))
    infos = {name: onnx.helper.make_tensor_value_info(name, types[name], None)
             for name, _ in activations}
    return infos, activations, constants


def output_type(node, types):
    """The element type of a node's output where ONNX's shape inference
    does not know the op (com.microsoft's, and everything after them): the
    type of the output zero point for quantized ops, of the data for data
    movement."""
    if node.op_type == "QuantizeLinear":
        return (types.get(node.input[2], onnx.TensorProto.UINT8)
                if len(node.input) > 2 and node.input[2]
                else onnx.TensorProto.UINT8)
    if node.op_type == "QLinearConcat":
        return types.get(node.input[1])
    if node.op_type == "QLinearConv":  # y_zero_point, then the bias
        return types.get(node.input[7])
    if node.op_type.startswith("QLinear") or node.op_type == "QGemm":
        return types.get(node.input[-1])
    if node.op_type in ("Flatten", "Reshape", "Transpose", "Squeeze",
                        "Unsqueeze", "MaxPool", "Identity", "Slice"):
        return types.get(node.input[0])
    return None


def unit_inputs(name, producers, constants, graph_inputs, eight_bit):
    """The 8-bit tensors (or graph inputs) a unit reads: walk back from
    `name` through float tensors until 8-bit ones."""
    found, seen = [], set()

    def walk(tensor, first):
        if tensor in seen or tensor == "" or tensor in constants:
            return
        seen.add(tensor)
        if not first and (tensor in eight_bit or tensor in graph_inputs):
            found.append(tensor)
            return
        for i in producers[tensor].input:
            walk(i, False)
    walk(name, True)
    return found


def check_model(whittle_run, path, x, min_exact, workdir):
    model = onnx.load(path)
    infos, activations, constants = eight_bit_activations(model)
    producers = {o: n for n in model.graph.node for o in n.output}
    graph_inputs = {i.name for i in model.graph.input}
    eight_bit = {name for name, _ in activations}

    # ONNX Runtime's value of every 8-bit activation, in one run.
    probe = onnx.ModelProto()
    probe.CopyFrom(model)
    known = {o.name for o in probe.graph.output}
    for name, _ in activations:
        if name not in known:
            probe.graph.output.append(infos[name])
    probe_path = os.path.join(workdir, "probe.onnx")
    onnx.save(probe, probe_path)
    options = ort.SessionOptions()
    options.intra_op_num_threads = 2
    session = ort.InferenceSession(probe_path, options,
                                   providers=["CPUExecutionProvider"])
    input_name = model.graph.input[0].name
    values = dict(zip([o.name for o in session.get_outputs()],
                      session.run(None, {input_name: x})))
    values[input_name] = x

    # The units are cut from a copy that knows every activation's shape as
    # run (ONNX's shape inference stops at the com.microsoft ops).
    typed = onnx.ModelProto()
    typed.CopyFrom(model)
    del typed.graph.value_info[:]
    typed.graph.value_info.extend(
        onnx.helper.make_tensor_value_info(name, infos[name].type.tensor_type
                                           .elem_type, values[name].shape)
        for name, _ in activations)
    typed_path = os.path.join(workdir, "typed.onnx")
    onnx.save(typed, typed_path)

    failed = False
    total = exact = 0
    worst = []
    unit_path = os.path.join(workdir, "unit.onnx")
    for name, node in activations:
        inputs = unit_inputs(name, producers, constants, graph_inputs,
                             eight_bit)
        onnx.utils.extract_model(typed_path, unit_path, inputs, [name],
                                 check_model=False, infer_shapes=False)
        unit = ort.InferenceSession(unit_path, options,
                                    providers=["CPUExecutionProvider"])
        feeds = [values[i] for i in inputs]
        theirs = unit.run(None, dict(zip(inputs, feeds)))[0]
        ours = run_whittle(whittle_run, unit_path, feeds, workdir)
        steps = np.abs(ours.astype(np.int32) - theirs.astype(np.int32))
        unit_exact = float(np.mean(steps == 0))
        total += steps.size
        exact += int(np.sum(steps == 0))
        ok = ours.shape == theirs.shape and steps.max() <= 1
        failed |= not ok
        worst.append((unit_exact, int(steps.max()), node.op_type, name, ok))
    overall = exact / max(total, 1)
    failed |= overall < min_exact
    worst.sort()
    for unit_exact, max_steps, op, name, ok in worst[:3]:
        print(f"    least exact: {op:<18} {100 * unit_exact:9.4f}% max "
              f"{max_steps} step  {name[-60:]}{'' if ok else '  FAIL'}")
    return failed, len(activations), overall, max(w[1] for w in worst)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    add_fixture_arguments(ap)
    ap.add_argument("--limit", type=int, default=100,
                    help="test images to run (the first N)")
    ap.add_argument("--calibration", type=int, default=500)
    ap.add_argument("--min-exact", type=float, default=0.9999)
    ap.add_argument("--only", nargs="*",
                    default=[f"{m}.{f}.{k}" for m in MODELS for f in FORMATS
                             for k in ("per-channel", "per-tensor")],
                    help="models as NAME.FORMAT.KIND "
                    "(fashion_mobilenetv2.qdq.per-tensor)")
    ap.add_argument("--reduce-range", choices=["auto", "on", "off"],
                    default="auto")
    args = ap.parse_args()
    ort.set_default_logger_severity(3)

    train = read_idx(os.path.join(args.data, "train-images-idx3-ubyte.gz"))
    images = read_idx(os.path.join(args.data, "t10k-images-idx3-ubyte.gz"))
    x = to_input(images[:args.limit])
    reduce_range = resolve_reduce_range(args.reduce_range)
    print(f"{len(x)} test images, {args.calibration} calibration images, "
          f"reduce_range={reduce_range}")
    verdict = Verdict()
    with tempfile.TemporaryDirectory() as workdir:
        for spec in args.only:
            name, fmt, kind = spec.split(".")
            model = os.path.join(workdir, spec + ".onnx")
            quantize(os.path.join(args.models, name + ".onnx"), model, fmt,
                     kind == "per-channel", train[:args.calibration],
                     reduce_range)
            bad, units, overall, max_steps = check_model(
                args.whittle_run, model, x, args.min_exact, workdir)
            verdict.row(not bad, f"{spec:<40} {units:>4} units  exact "
                        f"{100 * overall:9.4f}%  max {max_steps} step")
    return verdict.exit_status()


if __name__ == "__main__":
    sys.exit(main())
