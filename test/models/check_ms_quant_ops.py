#!/usr/bin/env python3
# Runs under the python3 on PATH (numpy, onnx, onnxruntime). ONNX Runtime's
# com.microsoft quantized ops that quantize_static does not emit on the
# Fashion-MNIST fixtures, each in a hand-made graph
#     float inputs -> QuantizeLinear -> com.microsoft op -> DequantizeLinear
# with random inputs and parameters, in uint8 and int8: whittle-run (which
# converts the op to qnn with nn-to-qnn) must agree with ONNX Runtime within
# one LSB of the output scale on every element. Also checks that the op did
# become qnn (whittle-translate | whittle-opt --nn-to-qnn leaves no nn.ms.*
# and no float nn.softmax). Softmax in QDQ form is checked the same way.
"""check_ms_quant_ops.py --whittle-run PATH [--seeds N]"""
import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts", "pylib"))
from whittle_testing import (Verdict, lsb_distance, onnx_model,  # noqa: E402
                             run_whittle)

MS = "com.microsoft"


class Graph:
    """A graph under construction: float inputs quantized on entry."""

    def __init__(self, rng, dtype):
        self.rng = rng
        self.dtype = dtype  # np.uint8 or np.int8
        self.nodes, self.inits, self.inputs, self.feeds = [], [], [], {}

    def const(self, name, value):
        self.inits.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    def params(self, name, lo, hi):
        """A scale and zero point covering [lo, hi] (the zero point inside)."""
        qmin, qmax = (0, 255) if self.dtype == np.uint8 else (-128, 127)
        scale = np.float32((hi - lo) / (qmax - qmin))
        zero = int(np.clip(round(qmin - lo / scale), qmin, qmax))
        return (self.const(name + "_scale", scale),
                self.const(name + "_zp", np.array(zero, self.dtype)))

    def input(self, name, shape, lo=-3.0, hi=3.0):
        """A float input quantized with fresh parameters: (q, scale, zp)."""
        value = self.rng.uniform(lo, hi, shape).astype(np.float32)
        self.inputs.append(helper.make_tensor_value_info(
            name, TensorProto.FLOAT, list(shape)))
        self.feeds[name] = value
        margin = self.rng.uniform(0.0, 0.5)
        scale, zero = self.params(name, lo - margin, hi + margin)
        self.nodes.append(helper.make_node(
            "QuantizeLinear", [name, scale, zero], [name + "_q"]))
        return name + "_q", scale, zero

    def model(self, op, inputs, out_lo, out_hi, out_shape, **attrs):
        scale, zero = self.params("y", out_lo, out_hi)
        self.nodes.append(helper.make_node(
            op, inputs + [scale, zero], ["yq"], domain=MS, **attrs))
        return self.finish(op, out_shape, scale, zero)

    def finish(self, name, out_shape, scale, zero, domains=((MS, 1),)):
        """The model whose float output y dequantizes the last node's yq
        with `scale` and `zero`, and that scale's value."""
        self.nodes.append(helper.make_node(
            "DequantizeLinear", ["yq", scale, zero], ["y"]))
        graph = helper.make_graph(
            self.nodes, name, self.inputs,
            [helper.make_tensor_value_info("y", TensorProto.FLOAT,
                                           list(out_shape))],
            self.inits)
        value = next(t for t in self.inits if t.name == scale)
        return (onnx_model(graph, 17, domains),
                float(numpy_helper.to_array(value)))


def binary(op):
    def build(g):
        shape = (2, 3, 5, 4)
        a = g.input("a", shape)
        b = g.input("b", (3, 1, 4))  # broadcast
        lo, hi = (-6, 6) if op == "QLinearAdd" else (-9, 9)
        return g.model(op, [*a, *b][:6], lo, hi, shape)
    return build


def sigmoid(g):
    x = g.input("x", (2, 3, 4, 5), -6, 6)
    return g.model("QLinearSigmoid", list(x), 0.0, 1.0, (2, 3, 4, 5))


def leaky_relu(g):
    x = g.input("x", (2, 3, 4, 5))
    return g.model("QLinearLeakyRelu", list(x), -1.0, 3.0, (2, 3, 4, 5),
                   alpha=0.15)


def concat(g):
    a = g.input("a", (2, 3, 4, 4), -2, 2)
    b = g.input("b", (2, 5, 4, 4), -4, 1)
    c = g.input("c", (2, 1, 4, 4), 0, 3)
    scale, zero = g.params("y", -4.5, 3.5)
    g.nodes.append(helper.make_node("QLinearConcat",
                                    [scale, zero, *a, *b, *c], ["yq"],
                                    domain=MS, axis=1))
    return g.finish("concat", (2, 9, 4, 4), scale, zero)


def average_pool(count_include_pad):
    def build(g):
        x = g.input("x", (2, 3, 9, 9))
        return g.model("QLinearAveragePool", list(x), -2.0, 2.0,
                       (2, 3, 5, 5), kernel_shape=[3, 3], strides=[2, 2],
                       pads=[1, 1, 1, 1],
                       count_include_pad=count_include_pad)
    return build


def global_average_pool(g):
    x = g.input("x", (2, 4, 6, 6), -1, 3)
    return g.model("QLinearGlobalAveragePool", list(x), -0.5, 2.0,
                   (2, 4, 1, 1))


def qgemm(trans_b):
    def build(g):
        m, k, n = 4, 16, 6
        a = g.input("a", (m, k), -1, 1)
        # 7-bit weights: on x86 without VNNI, ONNX Runtime's uint8 x int8
        # kernel (vpmaddubsw) saturates 16-bit pair sums with full-range
        # weights and then misses the exact result by many LSBs.
        w = g.rng.integers(-64, 64, (n, k) if trans_b else (k, n))
        w_scale = g.rng.uniform(0.005, 0.02, (n,)).astype(np.float32)
        bias = g.rng.integers(-3000, 3000, (n,)).astype(np.int32)
        inputs = [*a, g.const("w", w.astype(np.int8)),
                  g.const("w_scale", w_scale),
                  g.const("w_zp", np.zeros(n, np.int8)),
                  g.const("bias", bias)]
        return g.model("QGemm", inputs, -3.0, 3.0, (m, n), transB=trans_b,
                       alpha=0.75)
    return build


def softmax(axis, opset):
    def build(g):
        x = g.input("x", (2, 5, 10), -4, 4)
        return g.model("QLinearSoftmax", list(x), 0.0, 1.0, (2, 5, 10),
                       axis=axis, opset=opset)
    return build


def qdq_softmax(g):
    """ONNX Softmax between DequantizeLinear and QuantizeLinear (the QDQ
    form, which nn-to-qnn fuses into qnn.softmax as well)."""
    xq, x_scale, x_zero = g.input("x", (3, 4, 7), -6, 6)
    scale, zero = g.params("y", 0.0, 1.0)
    g.nodes += [
        helper.make_node("DequantizeLinear", [xq, x_scale, x_zero], ["xf"]),
        helper.make_node("Softmax", ["xf"], ["sf"], axis=1),
        helper.make_node("QuantizeLinear", ["sf", scale, zero], ["yq"])]
    return g.finish("qdq_softmax", (3, 4, 7), scale, zero, domains=())


CASES = {
    "QLinearAdd": binary("QLinearAdd"),
    "QLinearMul": binary("QLinearMul"),
    "QLinearSigmoid": sigmoid,
    "QLinearLeakyRelu": leaky_relu,
    "QLinearConcat": concat,
    "QLinearAveragePool": average_pool(0),
    "QLinearAveragePool(pad)": average_pool(1),
    "QLinearGlobalAveragePool": global_average_pool,
    "QGemm": qgemm(0),
    "QGemm(transB)": qgemm(1),
    "QLinearSoftmax": softmax(-1, 13),
    "QLinearSoftmax(axis=1)": softmax(1, 13),
    "QLinearSoftmax(opset=12)": softmax(-1, 12),
    "QLinearSoftmax(opset=12, axis=1)": softmax(1, 12),
    "Softmax(QDQ)": qdq_softmax,
}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--whittle-run", required=True)
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--only", nargs="*", default=list(CASES))
    args = ap.parse_args()
    tools = os.path.dirname(os.path.abspath(args.whittle_run))
    verdict = Verdict()
    print(f"{'op':<32} {'type':<6} {'seed':>4} {'elements':>9} "
          f"{'<=1 LSB':>8} {'exact':>8} {'qnn':>4}")
    with tempfile.TemporaryDirectory() as workdir:
        for name in args.only:
            for dtype in (np.uint8, np.int8):
                # QGemm's A is uint8 or int8, its weights int8 either way.
                for seed in range(args.seeds):
                    rng = np.random.default_rng(seed)
                    g = Graph(rng, dtype)
                    model, scale = CASES[name](g)
                    path = os.path.join(workdir, "model.onnx")
                    onnx.save(model, path)
                    session = ort.InferenceSession(
                        path, providers=["CPUExecutionProvider"])
                    reference = session.run(None, g.feeds)[0]
                    ours = run_whittle(args.whittle_run, path,
                                       list(g.feeds.values()), workdir)
                    ir = subprocess.run(
                        [os.path.join(tools, "whittle-translate"),
                         "--import-onnx", path], check=True,
                        capture_output=True).stdout
                    ir = subprocess.run(
                        [os.path.join(tools, "whittle-opt"), "--nn-to-qnn"],
                        input=ir, check=True, capture_output=True).stdout
                    converted = (b"= nn.ms." not in ir and b"= nn.softmax" not in ir
                                 and b"qnn." in ir)
                    lsb = lsb_distance(ours, reference, scale)
                    within = float(np.mean(lsb <= 1 + 1e-3))
                    exact = float(np.mean(lsb <= 1e-3))
                    ok = (ours.shape == reference.shape and within == 1.0
                          and converted)
                    verdict.row(ok, f"{name:<32} {np.dtype(dtype).name:<6}"
                                f" {seed:>4} {reference.size:>9}"
                                f" {100 * within:>7.2f}%"
                                f" {100 * exact:>7.2f}%"
                                f" {'yes' if converted else 'NO':>4}")
    return verdict.exit_status()


if __name__ == "__main__":
    sys.exit(main())
