#!/usr/bin/env python3
# Runs under build/venv/bin/python3 (numpy; onnx and onnxruntime for the
# ONNX Runtime-quantized variants). The bit-exactness check of the HLS back
# end: for each model variant it makes the qnn IR (whittlec --quantize for
# the fixtures, or ONNX Runtime's quantize_static then nn-to-qnn), plans it
# (the HLS planning passes when whittle-opt has them, else every stage at
# simd = pe = --simd, written by this script; a module that already has its
# stages' configurations keeps them), writes the
# HLS project (whittle-translate --emit-hls --hls-project-dir), builds its C
# simulation (make csim) and runs the Fashion-MNIST test images through both
# OUTDIR/csim and whittle-run on the same qnn IR, float and --integer-io, and
# checks that every output is equal bit for bit.
#
#   check_csim.py [--tools build/bin] [--models fashion_cnn,...]
#                 [--variants fixed-point.per-channel,pow2.per-channel,ort-qdq]
#                 [--images 1000] [--simd 1] [--workdir DIR]
#   check_csim.py --mlir model.qnn.mlir --input x.npy   (any planned or
#                 unplanned qnn module and its input)
# Exits 1 and names every output that differs.
"""check_csim.py: csim of whittle's HLS designs equals whittle-run."""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.normpath(os.path.join(here, "..", "..", ".."))
sys.path.insert(0, os.path.join(root, "test", "models"))
from idx import read_idx  # noqa: E402

DATA = "/usr/share/datasets/fashion-mnist"
DEVICE = ('#hlscpp.device<name = "zu3eg", part = "xczu3eg-sbva484-1-e", '
          'clock_mhz = 300, dsp = 360, bram18 = 432, uram = 0, lut = 70560, '
          'ff = 141120, ddr_mbps = 4266, cap_dsp = 80, cap_bram = 80, '
          'cap_uram = 80, cap_lut = 70, cap_ff = 50>')


def stage_attr(simd, weights):
    memory = "bram" if weights == "onchip" else "none"
    # Streamed weights pass once per output row (convolutions) or per row
    # of a matrix product.
    row_tile = ", row_tile = 1" if weights == "streamed" else ""
    return (f"#hlscpp.stage<simd = {simd}, pe = {simd}, multiplier = dsp, "
            f"weights = {weights}, memory = {memory}{row_tile}, cycles = 0, "
            f"dsp = 0, "
            f"bram18 = 0, uram = 0, lut = 0, ff = 0, ddr_bytes = 0, "
            f"fifo_depths = [2, 2]>")


def attach_stages(text, simd, weights):
    """A stand-in for the planner: hlscpp.stage on every stage of the
    entry function (qnn ops but the edges, nn ops on i8) and the device on
    the module."""
    attr = stage_attr(simd, weights)
    out = []
    for line in text.split("\n"):
        m = re.match(r"\s*%\S+ = (qnn|nn)\.(\w+)", line)
        stage = (m and m.group(2) != "constant"
                 and not (m.group(1) == "qnn"
                          and m.group(2) in ("quantize", "dequantize"))
                 and (m.group(1) == "qnn" or "xi8>" in line)
                 and "hlscpp.stage" not in line)
        if stage:
            colon = line.index(" : ")
            brace = line.find(" {")
            if 0 <= brace < colon:
                line = (line[:brace + 2] + f"hlscpp.stage = {attr}, "
                        + line[brace + 2:])
            else:
                line = line[:colon] + f" {{hlscpp.stage = {attr}}}" + \
                    line[colon:]
        out.append(line)
    text = "\n".join(out)
    if "hlscpp.device" not in text:
        if re.search(r"^module attributes \{", text, re.M):
            text = re.sub(r"^module attributes \{",
                          f"module attributes {{hlscpp.device = {DEVICE}, ",
                          text, count=1, flags=re.M)
        else:
            text = re.sub(r"^module \{",
                          f"module attributes {{hlscpp.device = {DEVICE}}} {{",
                          text, count=1, flags=re.M)
    return text


TOOLS = {}


def tool(name):
    """A whittle tool: from --tools, else on PATH (as lit sets it), else
    the build's."""
    return TOOLS.get(name) or shutil.which(name) or \
        os.path.join(root, "build", "bin", name)


def run(cmd, **kwargs):
    result = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed:\n"
                           f"{result.stdout[-3000:]}{result.stderr[-3000:]}")
    return result


def has_pass(name):
    help_text = run([tool("whittle-opt"), "--help"]).stdout
    return re.search(r"--" + re.escape(name) + r"\s", help_text) is not None


def plan(mlir, planned, args):
    """Writes the planned module: as given when it has its stages'
    configurations, else the planning passes' answer, else the stand-in's."""
    with open(mlir) as f:
        text = f.read()
    if "hlscpp.stage" in text:
        how = "stages as given"
    else:
        how = f"stand-in (simd = pe = {args.simd}, weights {args.weights})"
        if not args.stand_in and has_pass("hlscpp-plan-dataflow"):
            try:
                run([tool("whittle-opt"), mlir,
                     "--hlscpp-attach-device=device=zu3eg",
                     f"--hlscpp-plan-dataflow=time-limit={args.plan_seconds}",
                     "-o", planned])
                return "planned (zu3eg)"
            except RuntimeError as error:
                # Report it, and still check the emitter on the stand-in.
                reason = [line for line in str(error).splitlines()
                          if "error:" in line]
                how += " after the planner failed: " + \
                    (reason[0].split("error: ")[-1] if reason else "?")
    with open(planned, "w") as f:
        f.write(attach_stages(text, args.simd, args.weights))
    return how


def quantize_input(mlir, x):
    """The int8 input --integer-io takes: x through the model's
    qnn.quantize (per tensor or per channel), as numpy computes it."""
    with open(mlir) as f:
        line = next(line for line in f if "qnn.quantize %arg0 " in line)

    def array(name, dtype):
        m = re.search(name + r" = array<\w+: ([^>]+)>", line)
        return np.array([float(v) for v in m.group(1).split(",")], dtype)

    scale = array("scale", np.float32)
    zp = array("zero_point", np.float32)
    m = re.search(r"axis = (-?\d+)", line)
    axis = int(m.group(1)) if m else 1
    shape = [1] * x.ndim
    shape[axis] = -1
    if scale.size > 1:
        scale, zp = scale.reshape(shape), zp.reshape(shape)
    q = np.rint(x / scale) + zp
    return np.clip(q, -128, 127).astype(np.int8)


def integer_io_applies(mlir):
    with open(mlir) as f:
        text = f.read()
    return re.search(r"= qnn\.quantize %arg0 ", text) is not None and \
        not re.search(r"= nn\.\w+ %arg0", text)


def make_input(mlir, stack):
    """Pseudo-random values for the entry function's (one) input, `stack`
    batches of it along the leading dimension: floats in [-1, 2), or every
    int8."""
    with open(mlir) as f:
        text = f.read()
    m = re.search(r"func\.func @main\(%\w+: tensor<([0-9x]+)x(f32|i8)>", text)
    shape = [int(d) for d in m.group(1).split("x")]
    shape[0] *= stack
    rng = np.random.RandomState(7)
    if m.group(2) == "i8":
        return rng.randint(-128, 128, shape).astype(np.int8)
    return rng.uniform(-1, 2, shape).astype(np.float32)


def compare(a_dir, b_dir, what):
    bad = []
    names = sorted(f for f in os.listdir(b_dir) if f.endswith(".npy"))
    if not names:
        return [f"{what}: whittle-run wrote no output"]
    for name in names:
        a_path = os.path.join(a_dir, name)
        if not os.path.exists(a_path):
            bad.append(f"{what}/{name}: csim wrote no such file")
            continue
        a, b = np.load(a_path), np.load(os.path.join(b_dir, name))
        if a.dtype != b.dtype or a.shape != b.shape:
            bad.append(f"{what}/{name}: csim {a.dtype}{a.shape}, whittle-run "
                       f"{b.dtype}{b.shape}")
        elif a.tobytes() != b.tobytes():
            differ = np.count_nonzero(a.reshape(-1).view(np.uint8) !=
                                      b.reshape(-1).view(np.uint8))
            bad.append(f"{what}/{name}: {differ} byte(s) differ")
    return bad


def check_design(mlir, x, work, args, label):
    """Plans, emits, builds and runs one design; returns the differences."""
    planned = os.path.join(work, "model.planned.mlir")
    how = plan(mlir, planned, args)
    project = os.path.join(work, "project")
    start = time.time()
    run([tool("whittle-translate"), "--emit-hls", planned, "--hls-project-dir", project, "-o", os.devnull])
    emit_time = time.time() - start
    start = time.time()
    # -O3 -march=native: the simulation runs here, twice as fast as the
    # Makefile's portable -O2 (later flags win).
    run(["make", "-C", project, "csim", "CXXFLAGS=-O3 -march=native"])
    build_time = time.time() - start
    x_path = os.path.join(work, "input.npy")
    np.save(x_path, x)
    modes = [("float", x_path, [])]
    if integer_io_applies(mlir):
        q_path = os.path.join(work, "input_i8.npy")
        np.save(q_path, quantize_input(mlir, x))
        modes.append(("integer-io", q_path, ["--integer-io"]))
    bad, times = [], []
    for mode, path, flags in modes:
        csim_out = os.path.join(work, "csim-" + mode)
        ref_out = os.path.join(work, "ref-" + mode)
        start = time.time()
        run([os.path.join(project, "csim"), "--input", path,
             "--output-dir", csim_out] + flags)
        times.append(time.time() - start)
        run([tool("whittle-run"), planned, "--input",
             path, "--output-dir", ref_out, "--output-format", "npy"] + flags)
        bad += compare(csim_out, ref_out, f"{label} {mode}")
    skipped = "" if len(modes) == 2 else \
        " (--integer-io: n/a, the input is not only a qnn.quantize)"
    print(f"{label}: {len(x)} image(s), {how}; emit {emit_time:.1f} s, "
          f"make csim {build_time:.1f} s, csim run "
          f"{' + '.join(f'{t:.1f}' for t in times)} s: "
          f"{'BIT-EXACT' if not bad else 'DIFFERS'}{skipped}", flush=True)
    return bad


def make_fixture_ir(name, variant, images, work):
    """The qnn IR of fixture `name` in `variant`, batch `images`."""
    source = os.path.join(root, "examples", name + ".onnx")
    mlir = os.path.join(work, "model.qnn.mlir")
    calibration = os.path.join(DATA, "train-images-idx3-ubyte.gz")
    if variant.startswith("ort-"):
        sys.path.insert(0, os.path.join(root, "test", "models"))
        from check_ort_quantized import quantize
        quantized = os.path.join(work, "model.ort.onnx")
        quantize(source, quantized, variant[4:], variant == "ort-qdq",
                 read_idx(calibration)[:500], reduce_range=False)
        nn_ir = os.path.join(work, "model.nn.mlir")
        run([tool("whittle-translate"), "--import-onnx",
             quantized, "--batch-size", str(images), "-o", nn_ir])
        run([tool("whittle-opt"), "--nn-to-qnn", nn_ir,
             "-o", mlir])
        return mlir
    scheme, weights = variant.split(".")
    run([tool("whittlec"), source, "--batch-size",
         str(images), "--quantize=" + scheme, "--quantize-weights=" + weights,
         "--calibration-data=" + calibration, "--calibration-limit=500",
         "-o", mlir])
    return mlir


def check_fixtures(args, work_root, make_ir, check, batch):
    """Every model and variant of `args` on the first `args.images`
    Fashion-MNIST test images: make_ir(name, variant, batch, work) makes
    the qnn IR and check(mlir, x, work, args, label) returns the
    differences (this script's and test/Target/CUDA/check_cuda.py's)."""
    images = read_idx(os.path.join(DATA, "t10k-images-idx3-ubyte.gz"))
    x = (images[:args.images].astype(np.float32) / 255.0)[:, None]
    bad = []
    for name in args.models.split(","):
        for variant in args.variants.split(","):
            label = f"{name}.{variant}"
            work = os.path.join(work_root, label)
            os.makedirs(work, exist_ok=True)
            try:
                mlir = make_ir(name, variant, batch, work)
                bad += check(mlir, x, work, args, label)
            except (RuntimeError, OSError) as error:
                print(f"{label}: FAILED\n{error}", flush=True)
                bad.append(f"{label}: failed")
    return bad


def report(bad):
    """Prints the differences and the verdict; the exit status."""
    for line in bad:
        print("differs: " + line)
    print("all bit-exact" if not bad else f"{len(bad)} difference(s)")
    return 1 if bad else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--tools", help="the directory of whittle's tools "
                    "(default: PATH, then build/bin)")
    ap.add_argument("--models",
                    default="fashion_cnn,fashion_resnet18,fashion_mobilenetv2")
    ap.add_argument("--variants",
                    default="fixed-point.per-channel,ort-qdq,ort-qop")
    ap.add_argument("--images", type=int, default=1000)
    ap.add_argument("--simd", type=int, default=1,
                    help="simd = pe of the stand-in planner")
    ap.add_argument("--weights", default="onchip",
                    choices=["onchip", "streamed"],
                    help="weight placement of the stand-in planner")
    ap.add_argument("--plan-seconds", type=float, default=30,
                    help="the planner's time limit")
    ap.add_argument("--stand-in", action="store_true",
                    help="use the stand-in planner even where the planning "
                         "passes exist")
    ap.add_argument("--mlir", help="check this qnn module instead")
    ap.add_argument("--input", help="its input (.npy), with --mlir; "
                    "default: pseudo-random values of the input's type")
    ap.add_argument("--stack", type=int, default=1,
                    help="with --mlir and no --input: inputs of this many "
                         "of the model's batches")
    ap.add_argument("--model-batch", type=int, default=0,
                    help="the fixtures' qnn IR at this batch size, the "
                         "images stacked in batches of it (default: all "
                         "images in one batch)")
    ap.add_argument("--workdir", help="keep the work here")
    args = ap.parse_args()
    if args.tools:
        for name in ["whittle-opt", "whittle-translate", "whittle-run",
                     "whittlec"]:
            TOOLS[name] = os.path.join(os.path.abspath(args.tools), name)
    work_root = args.workdir or tempfile.mkdtemp(prefix="whittle-csim-")
    os.makedirs(work_root, exist_ok=True)
    bad = []
    try:
        if args.mlir:
            work = os.path.join(work_root, "module")
            os.makedirs(work, exist_ok=True)
            x = np.load(args.input) if args.input else \
                make_input(args.mlir, args.stack)
            bad += check_design(args.mlir, x, work, args,
                                os.path.basename(args.mlir))
        else:
            bad += check_fixtures(args, work_root, make_fixture_ir,
                                  check_design,
                                  args.model_batch or args.images)
    finally:
        if not args.workdir:
            shutil.rmtree(work_root, ignore_errors=True)
    return report(bad)


if __name__ == "__main__":
    sys.exit(main())
