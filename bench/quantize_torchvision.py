#!/usr/bin/env python3
# Two Pythons:
#   - this script runs under build/venv/bin/python3 (numpy, onnxruntime; see
#     scripts/requirements.txt): it makes the data, runs whittlec, whittle-run
#     and ONNX Runtime, and prints the table;
#   - the models are exported by the Debian system Python, /usr/bin/python3
#     (python3-torch, python3-torchvision), which this script runs as a
#     subprocess (EXPORT below).
"""Quantize torchvision ResNet-50 and MobileNetV2 with whittle's own
quantizer and compare the integer model with ONNX Runtime's float model.

Issue 13, "Done when": `--whittle-quantize` succeeds on a torchvision
ResNet-50 and MobileNetV2 at 224, generated (not committed) and calibrated on
random data. For each model and each scheme (fixed-point, pow2):

1. Export. /usr/bin/python3 exports the torchvision model in eval mode at
   opset 13, input `input` 1x3x224x224, output `logits`, with
   do_constant_folding (BatchNorm folded into the convolutions). The weights
   are torchvision's random initialisation (torch.manual_seed(0)): pretrained
   weights need a download, and this machine is offline. With torchvision's
   initial BatchNorm statistics (mean 0, variance 1) the activations of a
   random network shrink layer by layer (MobileNetV2's logits are ~1e-9), so
   before export the BatchNorm statistics are set from --bn-batches batches
   of 8 random normal images (train-mode forward passes, cumulative average,
   no weight update): every layer's output then has about unit variance, as
   in a trained network. The numbers still say whether the quantizer works
   on these graphs and how much noise it adds, not what it does to a trained
   network's accuracy.
2. Data. Calibration: N samples (default 16) of one .npy, [N,3,224,224]
   float32, standard normal (the range of ImageNet-normalised pixels) or
   uniform [0,1) with --distribution uniform. Test inputs: K more samples
   (default 3) of the same distribution, from another seed, one .npy each.
3. Quantize, timed:
     whittlec MODEL --quantize=SCHEME --calibration-data=cal.npy -o q.mlir
4. Run, timed, once per test input (each run compiles q.mlir again):
     whittle-run q.mlir --input x_i.npy --output-dir D --output-format npy
   and the float model in ONNX Runtime (CPU) on the same input.
5. Baseline (unless --no-ort-baseline): ONNX Runtime's own int8 model of
   the same float model, quantize_static (QDQ, per-channel int8 weights,
   int8 activations, asymmetric, minmax) on the same calibration samples,
   run in ONNX Runtime: what int8 costs on this model.
6. Report: SQNR (dB) of whittle's dequantized int8 logits against ONNX
   Runtime's float logits over all K inputs, 10*log10(sum(ref^2) /
   sum((ref - out)^2)), and top-1 agreement (how many of the K inputs have the
   same argmax). With a few random inputs agreement is coarse; SQNR, read
   beside ONNX Runtime's own int8 figure, is the number to read.

Everything goes to a temporary folder (or --workdir, kept), nothing into the
repository; with --workdir an exported model already there is reused.
Exit status: 0 when every model and scheme quantized and ran,
1 when one failed (its whittle diagnostics are printed), 2 on a setup error.

  build/venv/bin/python3 bench/quantize_torchvision.py [--bin build/bin]
      [--models mobilenet_v2,resnet50] [--schemes fixed-point,pow2]
      [--calibration-samples 16] [--inputs 3] [--distribution normal]
      [--bn-batches 2] [--no-ort-baseline]
      [--workdir DIR] [--timeout 1800]
"""

import argparse
import contextlib
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnxruntime as ort
from onnxruntime.quantization import (CalibrationDataReader, QuantFormat,
                                      QuantType, quantize_static)

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
TORCH_PYTHON = "/usr/bin/python3"
OPSET = 13
SEED = 0

EXPORT = r"""
import sys, torch, torchvision
name, path, opset, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
bn_batches = int(sys.argv[5])
dynamic = {"input": {0: "batch"}, "logits": {0: "batch"}} if sys.argv[6:] == ["dynamic"] else None
torch.manual_seed(seed)
torch.set_num_threads(2)
model = getattr(torchvision.models, name)(weights=None)
if bn_batches:
    # BatchNorm statistics from random data: momentum None averages them
    # over all batches; no weights change (no optimizer step).
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.reset_running_stats()
            m.momentum = None
    model.train()
    with torch.no_grad():
        for _ in range(bn_batches):
            model(torch.randn(8, 3, 224, 224))
model.eval()
torch.onnx.export(model, torch.randn(1, 3, 224, 224), path,
                  opset_version=opset, input_names=["input"],
                  output_names=["logits"], do_constant_folding=True,
                  dynamic_axes=dynamic)
print(f"torch {torch.__version__}, torchvision {torchvision.__version__}")
"""


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def export(name, path, bn_batches, dynamic_batch=False):
    """Exports torchvision's `name` to `path` (batch 1, or a dynamic batch
    dimension with `dynamic_batch`)."""
    if os.path.exists(path):
        return
    t = time.perf_counter()
    proc = subprocess.run(
        [TORCH_PYTHON, "-c", EXPORT, name, path, str(OPSET), str(SEED),
         str(bn_batches)] + (["dynamic"] if dynamic_batch else []),
        capture_output=True, text=True)
    if proc.returncode != 0:
        log(proc.stderr)
        raise SystemExit(f"error: exporting {name} with {TORCH_PYTHON} "
                         f"failed (exit {proc.returncode})")
    log(f"exported {name} ({proc.stdout.strip()}) in "
        f"{time.perf_counter() - t:.1f} s")


def add_common_arguments(parser, calibration_samples):
    """The options of the scripts that export these models (this one and
    hls_torchvision.py): tools, models, calibration samples, BatchNorm
    statistics, working folder, timeout."""
    parser.add_argument("--bin", default=os.path.join(REPO, "build", "bin"))
    parser.add_argument("--models", default="mobilenet_v2,resnet50",
                        help="torchvision.models constructors")
    parser.add_argument("--calibration-samples", type=int,
                        default=calibration_samples)
    parser.add_argument("--bn-batches", type=int, default=2,
                        help="batches of 8 random normal images that set the "
                        "BatchNorm statistics before export; 0 keeps "
                        "torchvision's initial ones (mean 0, variance 1)")
    parser.add_argument("--workdir",
                        help="keep models and outputs here (default: a "
                        "temporary folder, removed at the end)")
    parser.add_argument("--timeout", type=int, default=1800,
                        help="seconds per whittlec or whittle-run process")


def missing_tool(bin_dir):
    """Says on stderr which tool is missing and returns True, or False when
    whittlec, whittle-run and the exporting Python are there."""
    for tool in ("whittlec", "whittle-run"):
        if not os.access(os.path.join(bin_dir, tool), os.X_OK):
            log(f"error: {tool} not found in {bin_dir}")
            return True
    if not os.access(TORCH_PYTHON, os.X_OK):
        log(f"error: {TORCH_PYTHON} (with torch, torchvision) not found")
        return True
    return False


@contextlib.contextmanager
def working_folder(path, prefix):
    """Yields `path` (made if absent), or a temporary folder that is removed
    at the end when `path` is None."""
    folder = path or tempfile.mkdtemp(prefix=prefix)
    os.makedirs(folder, exist_ok=True)
    try:
        yield folder
    finally:
        if not path:
            shutil.rmtree(folder, ignore_errors=True)


def describe_models(bn_batches):
    """How the exported models were made, for the table's heading."""
    return (f"opset {OPSET}; random init weights (seed {SEED}), BatchNorm "
            f"statistics from {bn_batches} batches of 8 random images")


def sample(rng, shape, distribution):
    if distribution == "uniform":
        return rng.random(shape, dtype=np.float32)
    return rng.standard_normal(shape, dtype=np.float32)


def timed(argv, timeout):
    """Runs argv; returns (seconds, CompletedProcess or None on timeout)."""
    t = time.perf_counter()
    try:
        proc = subprocess.run(argv, capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return time.perf_counter() - t, None
    except OSError as e:  # e.g. the tool is being relinked by a build
        return time.perf_counter() - t, subprocess.CompletedProcess(
            argv, 127, "", f"cannot run {argv[0]}: {e}")
    return time.perf_counter() - t, proc


def failure(what, argv, proc, timeout):
    log(f"FAILED: {what}\n  $ {' '.join(argv)}")
    if proc is None:
        log(f"  timed out after {timeout} s")
    else:
        log(f"  exit {proc.returncode}\n{proc.stderr[-4000:]}")


def sqnr_db(ref, out):
    noise = float(np.sum((ref.astype(np.float64) - out) ** 2))
    signal = float(np.sum(ref.astype(np.float64) ** 2))
    if noise == 0.0:
        return float("inf")
    return 10.0 * np.log10(signal / noise)


class Calibration(CalibrationDataReader):
    def __init__(self, samples):
        self.items = [{"input": samples[i:i + 1]}
                      for i in range(len(samples))]

    def get_next(self):
        return self.items.pop(0) if self.items else None


def ort_baseline(model, cal, inputs, refs, workdir):
    """SQNR and agreement of ONNX Runtime's own int8 model (quantize_static,
    QDQ, per-channel int8 weights, int8 activations, minmax, the same
    calibration samples), run in ONNX Runtime: what int8 costs on this
    model, against which whittle's figure can be read."""
    qdq = os.path.join(workdir, os.path.basename(model)[:-5] + ".qdq.onnx")
    t = time.perf_counter()
    quantize_static(model, qdq, Calibration(np.load(cal)),
                    quant_format=QuantFormat.QDQ, per_channel=True,
                    activation_type=QuantType.QInt8,
                    weight_type=QuantType.QInt8)
    seconds = time.perf_counter() - t
    session = ort.InferenceSession(qdq, providers=["CPUExecutionProvider"])
    outs = [session.run(None, {"input": np.load(x)})[0] for x in inputs]
    ref = np.concatenate([r.reshape(1, -1) for r in refs])
    out = np.concatenate([o.reshape(1, -1) for o in outs])
    return {"model": os.path.basename(model), "scheme": "ORT quantize_static",
            "quantize_s": seconds, "sqnr_db": sqnr_db(ref, out),
            "agree": int(np.sum(ref.argmax(1) == out.argmax(1))),
            "inputs": len(inputs)}


def run_scheme(args, name, model, scheme, cal, inputs, refs, workdir):
    """Returns a row dict; 'error' is set when a step failed."""
    row = {"model": name, "scheme": scheme}
    qpath = os.path.join(workdir, f"{name}_{scheme}.mlir")
    argv = [os.path.join(args.bin, "whittlec"), model, f"--quantize={scheme}",
            f"--calibration-data={cal}", "-o", qpath]
    log(f"$ {' '.join(argv)}")
    seconds, proc = timed(argv, args.timeout)
    row["quantize_s"] = seconds
    if proc is None or proc.returncode != 0:
        failure(f"{name} {scheme}: whittlec", argv, proc, args.timeout)
        row["error"] = "whittlec failed"
        return row
    outs, run_seconds = [], []
    for i, x in enumerate(inputs):
        outdir = os.path.join(workdir, f"{name}_{scheme}_out{i}")
        os.makedirs(outdir, exist_ok=True)
        argv = [os.path.join(args.bin, "whittle-run"), qpath, "--input", x,
                "--output-dir", outdir, "--output-format", "npy"]
        log(f"$ {' '.join(argv)}")
        seconds, proc = timed(argv, args.timeout)
        run_seconds.append(seconds)
        if proc is None or proc.returncode != 0:
            failure(f"{name} {scheme}: whittle-run", argv, proc, args.timeout)
            row["error"] = "whittle-run failed"
            return row
        outs.append(np.load(os.path.join(outdir, "output_0.npy")))
    row["run_s"] = float(np.median(run_seconds))
    ref = np.concatenate([r.reshape(1, -1) for r in refs])
    out = np.concatenate([o.reshape(1, -1) for o in outs])
    row["sqnr_db"] = sqnr_db(ref, out)
    row["agree"] = int(np.sum(ref.argmax(1) == out.argmax(1)))
    row["inputs"] = len(inputs)
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_common_arguments(parser, calibration_samples=16)
    parser.add_argument("--schemes", default="fixed-point,pow2")
    parser.add_argument("--inputs", type=int, default=3,
                        help="test inputs per model (one whittle-run each)")
    parser.add_argument("--distribution", choices=("normal", "uniform"),
                        default="normal")
    parser.add_argument("--no-ort-baseline", dest="ort_baseline",
                        action="store_false",
                        help="skip ONNX Runtime's own int8 model")
    args = parser.parse_args()
    logging.getLogger().setLevel(logging.ERROR)  # the quantizer's advice

    if missing_tool(args.bin):
        return 2

    rows = []
    with working_folder(args.workdir, "whittle-tv-") as workdir:
        rng = np.random.default_rng(SEED)
        cal = os.path.join(workdir, f"calibration_{args.distribution}.npy")
        np.save(cal, sample(rng, (args.calibration_samples, 3, 224, 224),
                            args.distribution))
        test_rng = np.random.default_rng(SEED + 1)
        inputs = []
        for i in range(args.inputs):
            path = os.path.join(workdir, f"input{i}_{args.distribution}.npy")
            np.save(path, sample(test_rng, (1, 3, 224, 224),
                                 args.distribution))
            inputs.append(path)

        for name in args.models.split(","):
            model = os.path.join(workdir, f"{name}_bn{args.bn_batches}.onnx")
            export(name, model, args.bn_batches)
            session = ort.InferenceSession(
                model, providers=["CPUExecutionProvider"])
            refs = [session.run(None, {"input": np.load(x)})[0]
                    for x in inputs]
            if args.ort_baseline:
                row = ort_baseline(model, cal, inputs, refs, workdir)
                row["model"] = name
                rows.append(row)
                log(f"  {row}")
            for scheme in args.schemes.split(","):
                row = run_scheme(args, name, model, scheme, cal, inputs, refs,
                                 workdir)
                rows.append(row)
                log(f"  {row}")

    print(f"calibration: {args.calibration_samples} samples, "
          f"{args.distribution}; {args.inputs} test inputs; "
          + describe_models(args.bn_batches))
    print("| model | scheme | quantize s | compile+run s (median per "
          "input) | SQNR dB | top-1 agreement |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        if "run_s" not in row and "error" not in row:
            print(f"| {row['model']} | {row['scheme']} | "
                  f"{row['quantize_s']:.1f} | (ONNX Runtime) | "
                  f"{row['sqnr_db']:.1f} | {row['agree']}/{row['inputs']} |")
            continue
        if "error" in row:
            print(f"| {row['model']} | {row['scheme']} | "
                  f"{row['quantize_s']:.1f} | {row['error']} | | |")
            continue
        print(f"| {row['model']} | {row['scheme']} | {row['quantize_s']:.1f} "
              f"| {row['run_s']:.1f} | {row['sqnr_db']:.1f} | "
              f"{row['agree']}/{row['inputs']} |")
    return 1 if any("error" in row for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
