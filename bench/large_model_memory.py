#!/usr/bin/env python3
# Runs under `python3` from PATH (the pyenv Python) or build/venv/bin/python3,
# with the pip package `onnx` (pip install onnx).
"""Peak memory of importing an ONNX model of more than 2 GB of weights.

Builds, in a temporary folder (--dir to choose where), a model whose weights
live in one external data file:

    y = MatMul(Relu(MatMul(Relu(MatMul(x, W0)), W1)), W2)

with x [1, 16384], W0 and W1 [16384, 16384] and W2 [16384, 1000] float32:
2.06 GiB (2.21 GB) of weights. The data file is written sparsely (truncated
to its size, with a few random kilobytes at the start of each weight), so it
takes seconds and almost no disk; reading its holes still fills memory like
real weights. Then it runs, each in a fresh process, with the files in the
page cache:

    whittle-translate --import-onnx model.onnx -o /dev/null
                      --mlir-elide-resource-strings-if-larger=16
    whittlec model.onnx --batch-size 1            (import, cleanup, summary)

at opset 13 (through the ONNX checker and shape inference) and opset 18,
and reports wall time and peak RSS (ru_maxrss of that child, from
os.wait4) against the weight bytes. The process floor is the same command
on a model with a 4x4 weight. Target: peak RSS <= 1.5x the weight bytes
for the import (whittlec, which imports, cleans up and summarises the
model without printing it). whittle-translate's row is for information: it
prints the module, and MLIR's printer of resource blobs (builtin
dense_resource) materialises each blob as hex text, twice (llvm::toHex's
buffer and the std::string it returns: 4x the blob), and with
--mlir-elide-resource-strings-if-larger prints that into one more string
before it elides it; whittle cannot change that printer.
The generated files are deleted afterwards (--keep to keep them).

    python3 bench/large_model_memory.py [--build build] [--dir DIR] [--keep]

Exit status: 0 if the import meets the target, 1 if it does not or a run
fails, 2 on a setup error.
"""

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, "scripts", "pylib"))
from whittle_testing import missing_module, onnx_model  # noqa: E402
K = 16384
SHAPES = {"W0": (K, K), "W1": (K, K), "W2": (K, 1000)}
TARGET = 1.5


def write_model(folder, opset, shapes, data_name="weights.bin"):
    """Writes folder/model_<opset>.onnx and folder/<data_name>; returns the
    model's path and its weight bytes."""
    from onnx import TensorProto, helper

    data_path = os.path.join(folder, data_name)
    initializers = []
    offset = 0
    layout = []
    for name, (rows, cols) in shapes.items():
        length = rows * cols * 4
        tensor = TensorProto()
        tensor.name = name
        tensor.data_type = TensorProto.FLOAT
        tensor.dims.extend([rows, cols])
        tensor.data_location = TensorProto.EXTERNAL
        for key, value in (("location", data_name), ("offset", str(offset)),
                           ("length", str(length))):
            entry = tensor.external_data.add()
            entry.key, entry.value = key, value
        initializers.append(tensor)
        layout.append((offset, length))
        # ONNX's own writer aligns tensors to 4 KiB pages.
        offset = (offset + length + 4095) // 4096 * 4096
    if not os.path.exists(data_path):
        rng = random.Random(0)
        with open(data_path, "wb") as f:
            f.truncate(offset)
            for start, length in layout:
                f.seek(start)
                # Small random floats (no NaN): sign and exponent fixed.
                f.write(bytes(rng.randrange(256) if i % 4 != 3 else 0x3c
                              for i in range(min(length, 16384))))
    nodes = []
    previous = "x"
    names = list(shapes)
    for i, name in enumerate(names):
        product = "y" if i == len(names) - 1 else f"mm{i}"
        nodes.append(helper.make_node("MatMul", [previous, name], [product],
                                      name=f"matmul{i}"))
        if i != len(names) - 1:
            nodes.append(helper.make_node("Relu", [product], [f"relu{i}"],
                                          name=f"relu{i}"))
            previous = f"relu{i}"
    first_rows = shapes[names[0]][0]
    last_cols = shapes[names[-1]][1]
    graph = helper.make_graph(
        nodes, "large",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                       [1, first_rows])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT,
                                       [1, last_cols])],
        initializer=initializers)
    path = os.path.join(folder, f"model_{opset}.onnx")
    with open(path, "wb") as f:
        f.write(onnx_model(graph, opset).SerializeToString())
    weight_bytes = sum(r * c * 4 for r, c in shapes.values())
    return path, weight_bytes


def run(command):
    """Runs `command`; returns (seconds, peak RSS bytes, exit status,
    stderr)."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL,
                                 stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        err.seek(0)
        stderr = err.read().decode(errors="replace")
    return seconds, usage.ru_maxrss * 1024, os.waitstatus_to_exitcode(status), \
        stderr


def commands(build, model):
    bin_dir = os.path.join(build, "bin")
    return {
        "whittle-translate": [os.path.join(bin_dir, "whittle-translate"),
                              "--import-onnx", model, "-o", os.devnull,
                              "--mlir-elide-resource-strings-if-larger=16"],
        "whittlec": [os.path.join(bin_dir, "whittlec"), model,
                     "--batch-size", "1"],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default=os.path.join(REPO, "build"))
    parser.add_argument("--dir", help="where to write the model (default: a "
                        "new temporary folder)")
    parser.add_argument("--opsets", default="13,18")
    parser.add_argument("--keep", action="store_true",
                        help="keep the generated files")
    args = parser.parse_args()
    if missing_module("onnx"):
        return 2
    for tool in commands(args.build, "m"):
        path = os.path.join(args.build, "bin", tool)
        if not os.access(path, os.X_OK):
            print(f"error: {path} is not an executable; build whittle first "
                  "or pass --build", file=sys.stderr)
            return 2
    folder = args.dir or tempfile.mkdtemp(prefix="whittle-large-model-")
    os.makedirs(folder, exist_ok=True)
    floor_folder = os.path.join(folder, "floor")
    os.makedirs(floor_folder, exist_ok=True)
    status = 0
    try:
        print("| opset | tool | weights GiB | s | peak RSS GiB | RSS / weights "
              "| (RSS - floor) / weights |")
        print("|---|---|---|---|---|---|---|")
        for opset in [int(o) for o in args.opsets.split(",")]:
            start = time.perf_counter()
            model, weight_bytes = write_model(folder, opset, SHAPES)
            written = time.perf_counter() - start
            floor_model, _ = write_model(floor_folder, opset, {"W0": (4, 4)})
            for tool, command in commands(args.build, model).items():
                _, floor_rss, floor_status, floor_err = run(
                    commands(args.build, floor_model)[tool])
                if floor_status != 0:
                    print(f"error: {tool} failed on the small model:\n"
                          f"{floor_err}", file=sys.stderr)
                    return 1
                # Warm the page cache, then measure.
                run(["cat", os.path.join(folder, "weights.bin")])
                seconds, rss, code, stderr = run(command)
                if code != 0:
                    print(f"error: {' '.join(command)} failed ({code}):\n"
                          f"{stderr}", file=sys.stderr)
                    status = 1
                    continue
                ratio = rss / weight_bytes
                if tool == "whittlec" and ratio > TARGET:
                    status = 1
                print(f"| {opset} | {tool} | {weight_bytes / 2**30:.2f} | "
                      f"{seconds:.1f} | {rss / 2**30:.2f} | {ratio:.2f} | "
                      f"{(rss - floor_rss) / weight_bytes:.2f} |", flush=True)
            print(f"(opset {opset}: model written in {written:.1f} s; "
                  f"floor {floor_rss / 2**20:.0f} MiB for the last tool)",
                  file=sys.stderr)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    print(f"\ntarget: import (whittlec) peak RSS <= {TARGET}x the weight "
          f"bytes: {'met' if status == 0 else 'MISSED'}")
    return status


if __name__ == "__main__":
    sys.exit(main())
