"""int8 (qnn) vs float (nn) convolution layers on ResNet-18-sized shapes,
and matrix products (a fully connected layer, and the im2col product of
layer3's shape), through whittle-run's JIT on this CPU. Default python3
with numpy.

usage: python3 bench/int8_conv.py [--whittle-run build/bin/whittle-run]
                                  [--repeat 20] [--trials 1]
                                  [--int8-kernels auto,none]
One int8 column per --int8-kernels entry (the CPU pipeline's int8
convolution kernel, through WHITTLE_INT8_KERNEL: auto = the best the host
has, vnni, vpmaddwd, none = the i32 outer-product kernel); the ratio is
f32 over the first.
Prints a Markdown table of run times (weights as function arguments, so
both variants read them from memory): the median of --repeat runs in one
process, the smallest such median over --trials processes (on a shared
machine the smallest is the least disturbed)."""
import argparse
import os
import re
import subprocess
import tempfile

import numpy as np

# (name, C, H=W, M, K, stride)
LAYERS = [
    ("layer1 3x3", 64, 56, 64, 3, 1),
    ("layer2 3x3 s2", 64, 56, 128, 3, 2),
    ("layer3 3x3", 256, 14, 256, 3, 1),
    ("layer4 1x1 s2", 256, 14, 512, 1, 2),
]


# (name, rows M, depth K, columns N): X[M, K] x W[K, N].
MATMULS = [
    ("fc 1 row", 1, 512, 1000),
    ("matmul 196 rows", 196, 2304, 256),
]


def shape(dims, element):
    return "tensor<" + "x".join(map(str, dims)) + "x" + element + ">"


def models(c, hw, m, k, s):
    pad = k // 2
    out = (hw + 2 * pad - k) // s + 1
    x, w = [1, c, hw, hw], [m, c, k, k]
    y = [1, m, out, out]
    float_model = f"""func.func @main(%x: {shape(x, 'f32')}, %w: {shape(w, 'f32')}) -> {shape(y, 'f32')} {{
  %none = nn.none
  %y = nn.conv %x, %w, %none {{pads = array<i64: {pad}, {pad}, {pad}, {pad}>, strides = array<i64: {s}, {s}>}} : ({shape(x, 'f32')}, {shape(w, 'f32')}, none) -> {shape(y, 'f32')}
  %r = nn.relu %y : ({shape(y, 'f32')}) -> {shape(y, 'f32')}
  return %r : {shape(y, 'f32')}
}}"""
    int_model = f"""func.func @main(%x: {shape(x, 'i8')}, %w: {shape(w, 'i8')}) -> {shape(y, 'i8')} {{
  %acc = qnn.conv %x, %w {{strides = array<i64: {s}, {s}>, dilations = array<i64: 1, 1>, pads = array<i64: {pad}, {pad}, {pad}, {pad}>, input_zero_point = -128 : i32, weight_zero_point = array<i32: 0>}} : ({shape(x, 'i8')}, {shape(w, 'i8')}) -> {shape(y, 'i32')}
  %r = qnn.requantize %acc {{multiplier = array<i32: 1518500250>, shift = array<i32: 40>, output_zero_point = -128 : i32}} : ({shape(y, 'i32')}) -> {shape(y, 'i8')}
  return %r : {shape(y, 'i8')}
}}"""
    return (float_model, x, w, np.float32), (int_model, x, w, np.int8)


def matmul_models(rows, depth, columns):
    x, w, y = [rows, depth], [depth, columns], [rows, columns]
    float_model = f"""func.func @main(%x: {shape(x, 'f32')}, %w: {shape(w, 'f32')}) -> {shape(y, 'f32')} {{
  %y = nn.matmul %x, %w : ({shape(x, 'f32')}, {shape(w, 'f32')}) -> {shape(y, 'f32')}
  %r = nn.relu %y : ({shape(y, 'f32')}) -> {shape(y, 'f32')}
  return %r : {shape(y, 'f32')}
}}"""
    int_model = f"""func.func @main(%x: {shape(x, 'i8')}, %w: {shape(w, 'i8')}) -> {shape(y, 'i8')} {{
  %acc = qnn.matmul %x, %w {{a_zero_point = -128 : i32, b_zero_point = array<i32: 0>}} : ({shape(x, 'i8')}, {shape(w, 'i8')}) -> {shape(y, 'i32')}
  %r = qnn.requantize %acc {{multiplier = array<i32: 1518500250>, shift = array<i32: 40>, output_zero_point = -128 : i32}} : ({shape(y, 'i32')}) -> {shape(y, 'i8')}
  return %r : {shape(y, 'i8')}
}}"""
    return (float_model, x, w, np.float32), (int_model, x, w, np.int8)


def run(whittle_run, text, x, w, dtype, repeat, tmp, trials=1, kernel=None):
    env = dict(os.environ)
    if kernel:
        env["WHITTLE_INT8_KERNEL"] = kernel
        # whittle-run's compile cache keys on the model, not the variable.
        env["WHITTLE_CACHE"] = ""
    return min(run_once(whittle_run, text, x, w, dtype, repeat, tmp, env)
               for _ in range(trials))


def run_once(whittle_run, text, x, w, dtype, repeat, tmp, env=None):
    path = os.path.join(tmp, "m.mlir")
    with open(path, "w") as f:
        f.write(text)
    rng = np.random.default_rng(0)
    if dtype == np.int8:
        xv = rng.integers(-128, 128, x).astype(np.int8)
        wv = rng.integers(-128, 128, w).astype(np.int8)
    else:
        xv = rng.standard_normal(x).astype(np.float32)
        wv = rng.standard_normal(w).astype(np.float32)
    np.save(os.path.join(tmp, "x.npy"), xv)
    np.save(os.path.join(tmp, "w.npy"), wv)
    result = subprocess.run(
        [whittle_run, path, "--input", os.path.join(tmp, "x.npy"), "--input",
         os.path.join(tmp, "w.npy"), "--repeat", str(repeat), "--timing"],
        capture_output=True, text=True, check=True, env=env)
    return float(re.search(r"run: ([0-9.]+) ms", result.stderr).group(1))


def timings(args, tmp, pair):
    """The table's 'f32 ms | int8 ms ... | f32/int8 |' cells for a (float,
    int8) pair of models from models() or matmul_models()."""
    (ft, x, w, fd), (it, _, _, idt) = pair
    f_ms = run(args.whittle_run, ft, x, w, fd, args.repeat, tmp, args.trials)
    i_ms = [run(args.whittle_run, it, x, w, idt, args.repeat, tmp,
                args.trials, kernel) for kernel in args.int8_kernels]
    return (f"{f_ms:.3f} | " + " | ".join(f"{ms:.3f}" for ms in i_ms)
            + f" | {f_ms / i_ms[0]:.2f} |")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--whittle-run", default="build/bin/whittle-run")
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--trials", type=int, default=1)
    ap.add_argument("--int8-kernels", default="auto",
                    type=lambda text: text.split(","))
    args = ap.parse_args()
    columns = " | ".join(f"int8 ms ({k})" for k in args.int8_kernels)
    print("| layer | shape (C, HxW, M, K, stride; or matmul M, K, N) "
          f"| f32 ms | {columns} | f32/int8 |")
    print("|---|---|---|" + "---|" * len(args.int8_kernels) + "---|")
    with tempfile.TemporaryDirectory() as tmp:
        for name, c, hw, m, k, s in LAYERS:
            print(f"| {name} | {c}, {hw}x{hw}, {m}, {k}, {s} | "
                  + timings(args, tmp, models(c, hw, m, k, s)))
        for name, rows, depth, columns in MATMULS:
            print(f"| {name} | M {rows}, K {depth}, N {columns} | "
                  + timings(args, tmp, matmul_models(rows, depth, columns)))


if __name__ == "__main__":
    main()
