#!/usr/bin/env python3
# Runs under the python3 on PATH (numpy only).
"""Sweeps whittle's compression passes over the Fashion-MNIST fixtures and
writes the accuracy / MACs / parameters table to docs/compression.md.

For each model: factorization with the energy rule (NRMF) at several P,
with a global MAC budget (CBC), and with EVBMF (the VBMF baseline);
sparsity masks (unstructured per-channel thresholds, 2:4, whole channels);
and a few of them composed with int8 fixed-point quantization. Compression
and its float accuracy come from `whittlec --compression-report` with
validation data (the JIT evaluates the original and the compressed model on
the same images); the int8 accuracy from running whittlec's qnn output with
whittle-run.

  scripts/compression_sweep.py --bin build/bin [--limit 10000] \
      [--out docs/compression.md]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), "test", "models"))
from fixtures import DATA, MODELS, run_whittle, to_input  # noqa: E402
from idx import read_idx  # noqa: E402

# (label, whittlec arguments)
CONFIGS = [
    ("dense", []),
    ("energy P=0.98", ["--factorize=ranks=energy=0.98"]),
    ("energy P=0.95", ["--factorize=ranks=energy=0.95"]),
    ("energy P=0.90", ["--factorize=ranks=energy=0.9"]),
    ("EVBMF (VBMF baseline)", ["--factorize=ranks=evbmf"]),
    ("budget 75% MACs", ["--factorize=ranks=budget=0.75"]),
    ("budget 50% MACs", ["--factorize=ranks=budget=0.5"]),
    ("unstructured 50%", ["--sparsify=granularity=unstructured sparsity=0.5"]),
    ("unstructured 80%", ["--sparsify=granularity=unstructured sparsity=0.8"]),
    ("2:4", ["--sparsify=granularity=n:m n=2 m=4 sparsity=0.5"]),
    ("channels 25%", ["--sparsify=granularity=channel sparsity=0.25"]),
]
# Configurations also measured after int8 fixed-point quantization.
QUANTIZED = {"dense", "energy P=0.95", "unstructured 50%", "2:4"}


def compress(args, model, extra, workdir):
    report = os.path.join(workdir, "report.json")
    cmd = [os.path.join(args.bin, "whittlec"), model, "--batch-size",
           str(args.batch), "--validation-data",
           os.path.join(DATA, "t10k-images-idx3-ubyte.gz"),
           "--validation-labels",
           os.path.join(DATA, "t10k-labels-idx1-ubyte.gz"), "--limit",
           str(args.limit), "--compression-report", report] + extra
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    with open(report) as f:
        return json.load(f)


def int8_accuracy(args, model, extra, images, labels, workdir):
    qnn = os.path.join(workdir, "int8.mlir")
    subprocess.run([os.path.join(args.bin, "whittlec"), model,
                    "--batch-size", str(args.batch), "--quantize=fixed-point",
                    "--calibration-data",
                    os.path.join(DATA, "train-images-idx3-ubyte.gz"),
                    "--calibration-limit", "500", "--calibration-batch",
                    str(args.batch), "-o", qnn] + extra, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    correct = 0
    for start in range(0, len(images), args.batch):
        chunk = images[start:start + args.batch]
        # The model's batch is fixed: zeros fill the last one.
        x = np.zeros((args.batch, 1, 28, 28), np.float32)
        x[:len(chunk)] = to_input(chunk)
        logits = run_whittle(os.path.join(args.bin, "whittle-run"), qnn, [x],
                             workdir)[:len(chunk)]
        correct += int((logits.argmax(1) ==
                        labels[start:start + len(chunk)]).sum())
    return correct / len(images)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(here)
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--bin", default=os.path.join(root, "build", "bin"))
    ap.add_argument("--models", default=os.path.join(root, "examples"))
    ap.add_argument("--only", nargs="*", default=MODELS)
    ap.add_argument("--limit", type=int, default=10000,
                    help="test images to evaluate on (default all 10,000)")
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--no-int8", action="store_true")
    ap.add_argument("--out", default=os.path.join(root, "docs",
                                                  "compression.md"))
    args = ap.parse_args()

    images = read_idx(os.path.join(DATA, "t10k-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(DATA, "t10k-labels-idx1-ubyte.gz"))
    images, labels = images[:args.limit], labels[:args.limit]
    rows = {}
    with tempfile.TemporaryDirectory() as workdir:
        for name in args.only:
            model = os.path.join(args.models, name + ".onnx")
            rows[name] = []
            for label, extra in CONFIGS:
                begin = time.time()
                try:
                    report = compress(args, model, extra, workdir)
                except subprocess.CalledProcessError as error:
                    print(f"{name:22s} {label:24s} failed: {error}",
                          file=sys.stderr)
                    rows[name].append((label, None, None))
                    continue
                int8 = None
                if label in QUANTIZED and not args.no_int8:
                    try:
                        int8 = int8_accuracy(args, model, extra, images,
                                             labels, workdir)
                    except subprocess.CalledProcessError as error:
                        print(f"{name} {label}: int8 failed: {error}",
                              file=sys.stderr)
                rows[name].append((label, report, int8))
                t = report["totals"]
                e = report["evaluation"]
                print(f"{name:22s} {label:24s} acc {100 * e['before']:.2f} -> "
                      f"{100 * e['after']:.2f}  MACs {t['macs_ratio']:.3f}  "
                      f"params {t['params_ratio']:.3f}  int8 "
                      f"{'-' if int8 is None else f'{100 * int8:.2f}'}  "
                      f"({time.time() - begin:.0f} s)", flush=True)

    lines = [
        "# Compression of the Fashion-MNIST fixtures",
        "",
        "Made by `scripts/compression_sweep.py --limit %d` (python3 on PATH;"
        " it runs `whittlec` with `--factorize` / `--sparsify`, "
        "`--compression-report` and validation data, and `whittle-run` on "
        "the int8 models). Accuracy is on the first %d Fashion-MNIST test "
        "images, without fine-tuning; MACs and parameters are the whole "
        "model's, as a fraction of the dense float model. int8 is "
        "`--quantize=fixed-point`, calibrated on 500 training images, "
        "applied after the compression." % (args.limit, args.limit),
        "",
    ]
    for name, entries in rows.items():
        lines += ["## " + name, "",
                  "| configuration | float acc. | int8 acc. | MACs | "
                  "parameters |", "|---|---|---|---|---|"]
        for label, report, int8 in entries:
            if report is None:
                lines.append(f"| {label} | failed | | | |")
                continue
            t, e = report["totals"], report["evaluation"]
            int8_text = "" if int8 is None else f"{100 * int8:.2f}%"
            lines.append(
                f"| {label} | {100 * e['after']:.2f}% | {int8_text} | "
                f"{t['macs_ratio']:.3f} ({t['macs_after']:,}) | "
                f"{t['params_ratio']:.3f} ({t['params_after']:,}) |")
        lines.append("")
    with open(args.out, "w") as f:
        f.write("\n".join(lines))
    print("wrote", args.out)


if __name__ == "__main__":
    main()
