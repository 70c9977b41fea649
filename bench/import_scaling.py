#!/usr/bin/env python3
# Runs under `python3` from PATH (the pyenv Python) or build/venv/bin/python3,
# with the pip packages `onnx` and `numpy` (pip install onnx numpy).
"""How whittle's ONNX import time grows with the number of nodes.

Generates chains of N unary (or binary) nodes, x -> op -> op -> ... -> y, on
a 1x16 float tensor, for N in 1k, 4k, 16k, 64k, 100k, at opset 13 (the path
through the ONNX library: checker, version converter, shape inference and
whittle's cross-check of its shapes against ONNX's) and at opset 18
(whittle's own verifiers and type inference), into a temporary folder, and
times

    whittle-translate --import-onnx chain.onnx -o /dev/null

(import, verification of the module, printing it) in fresh processes,
taking the median of --runs runs. The table gives the time per node relative
to the 1k row: a column that stays near 1 (or falls, as the process start-up
is spread over more nodes) is linear growth; one that grows with N is not.

    python3 bench/import_scaling.py [--whittle-translate build/bin/whittle-translate]
        [--op Relu|Add] [--nodes 1000,4000,16000,64000,100000] [--opsets 13,18]
        [--runs 3]

Exit status: 0 on success, 1 if an import fails, 2 on a setup error.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path[:0] = [os.path.join(REPO, "scripts", "pylib"),
                # The chains of test/Import/ONNX/large-graphs.test.
                os.path.join(REPO, "test", "Import", "ONNX", "Inputs")]
from whittle_testing import missing_module  # noqa: E402


def time_import(tool, path, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = subprocess.run([tool, "--import-onnx", path, "-o", os.devnull],
                                stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True)
        elapsed = time.perf_counter() - start
        if result.returncode != 0:
            raise RuntimeError(f"{tool} --import-onnx {path} failed:\n"
                               f"{result.stderr}")
        times.append(elapsed)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--whittle-translate", default=os.path.join(
        REPO, "build", "bin", "whittle-translate"))
    parser.add_argument("--op", default="Relu", choices=["Relu", "Add"])
    parser.add_argument("--nodes", default="1000,4000,16000,64000,100000")
    parser.add_argument("--opsets", default="13,18")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if missing_module("onnx"):
        return 2
    from make_large_graphs import chain
    if not os.access(args.whittle_translate, os.X_OK):
        print(f"error: {args.whittle_translate} is not an executable; build "
              "whittle first or pass --whittle-translate", file=sys.stderr)
        return 2
    counts = [int(n) for n in args.nodes.split(",")]
    opsets = [int(o) for o in args.opsets.split(",")]

    print(f"{args.op} chains, whittle-translate --import-onnx MODEL -o "
          f"/dev/null, median of {args.runs} runs")
    print()
    print("| opset | nodes | import s | us/node | per node vs first row |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for opset in opsets:
            first = None
            for count in counts:
                path = os.path.join(folder, f"chain_{opset}_{count}.onnx")
                chain(count, opset, args.op, path)
                try:
                    seconds = time_import(args.whittle_translate, path,
                                          args.runs)
                except RuntimeError as error:
                    print(f"error: {error}", file=sys.stderr)
                    return 1
                finally:
                    os.remove(path)
                per_node = seconds / count
                first = first or per_node
                print(f"| {opset} | {count} | {seconds:.3f} | "
                      f"{per_node * 1e6:.1f} | {per_node / first:.2f} |",
                      flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
