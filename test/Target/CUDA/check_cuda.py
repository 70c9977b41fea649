#!/usr/bin/env python3
# Runs under build/venv/bin/python3 (numpy; onnx and onnxruntime for the
# ONNX Runtime-quantized variants). The bit-exactness check of the CUDA
# back end where there is no GPU: for each model variant it makes the qnn
# IR (as check_csim.py does), compiles it with `whittlec --target cuda`,
# builds the emitted project for the host (-DWHITTLE_CUDA_HOST: the same
# model.cu, every kernel a loop over the same per-element code) and runs
# the Fashion-MNIST test images through both run_model and whittle-run on
# the project's model.qnn.mlir, float and --integer-io, and checks that
# every output is equal bit for bit. With --gpu-run DIR it instead writes
# the inputs and whittle-run's outputs into DIR for bench/gpu/run.sh, which
# repeats the comparison with the nvcc build on a GPU.
#
#   check_cuda.py [--tools build/bin] [--models fashion_cnn,...]
#                 [--variants fixed-point.per-channel,...] [--images 64]
#                 [--model-batch 8] [--gpu sm_90a] [--workdir DIR]
#   check_cuda.py --mlir model.qnn.mlir [--mlir ...] [--input x.npy]
# Exits 1 and names every output that differs.
"""check_cuda.py: run_model (host build) of whittle's CUDA projects equals
whittle-run."""
import argparse
import os
import shutil
import sys
import tempfile
import time

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.normpath(os.path.join(here, "..", "..", ".."))
sys.path.insert(0, os.path.join(root, "test", "Target", "HLSCpp"))
import check_csim as common  # noqa: E402
from check_csim import run, tool  # noqa: E402


def build_host(project, work):
    """run_model of `project` built for the host with g++ (warnings are
    errors, as nvcc's build makes them)."""
    binary = os.path.join(work, "run_model_host")
    cuda = os.path.join(project, "cuda")
    run([os.environ.get("CXX", "g++"), "-std=c++17", "-O2", "-Wall",
         "-Werror", "-DWHITTLE_CUDA_HOST",
         f"-DWHITTLE_WEIGHTS=\"{project}/weights.bin\"", "-I", cuda, "-I",
         os.path.join(project, "include"), "-x", "c++",
         os.path.join(cuda, "model.cu"), "-x", "c++",
         os.path.join(cuda, "run_model.cpp"), "-o", binary])
    return binary


def make_ir(name, variant, batch, work):
    """check_csim.py's fixture IR; a variant ending in "+2:4" is also
    sparsified 2:4 along K first (whittlec --sparsify), so that the planner
    picks the sparse tensor-core kernels."""
    if not variant.endswith("+2:4"):
        return common.make_fixture_ir(name, variant, batch, work)
    scheme, weights = variant[:-len("+2:4")].split(".")
    mlir = os.path.join(work, "model.qnn.mlir")
    run([tool("whittlec"), os.path.join(common.root, "examples",
                                        name + ".onnx"),
         "--batch-size", str(batch), "--sparsify=granularity=n:m n=2 m=4",
         "--quantize=" + scheme, "--quantize-weights=" + weights,
         "--calibration-data=" + os.path.join(common.DATA,
                                              "train-images-idx3-ubyte.gz"),
         "--calibration-limit=500", "-o", mlir])
    return mlir


def find_nvcc():
    """nvcc on PATH or in /usr/local/cuda/bin, else None."""
    found = shutil.which("nvcc")
    if not found and os.access("/usr/local/cuda/bin/nvcc", os.X_OK):
        found = "/usr/local/cuda/bin/nvcc"
    return found


def compile_for_gpus(mlir, work, gpus):
    """The model's project for each GPU in `gpus`, compiled by nvcc as in a
    CUDA build (warnings as errors in host and device code) to PTX only:
    the SASS of the kernels is the *-sass.cu and emit-nvcc tests' business,
    and ptxas would take minutes. Returns a note for the summary line."""
    nvcc = find_nvcc()
    if not nvcc or not gpus:
        return "" if not gpus else ", nvcc: not found"
    for gpu in gpus:
        project = os.path.join(work, "project-" + gpu)
        run([tool("whittlec"), mlir, "--target", "cuda", "--gpu", gpu, "-o",
             project])
        arch = "compute_" + gpu[len("sm_"):]
        run([nvcc, "-std=c++17", "-Werror", "all-warnings", "-Xcompiler",
             "-Wall,-Werror", "-gencode", f"arch={arch},code={arch}", "-I",
             os.path.join(project, "cuda"), "-I",
             os.path.join(project, "include"), "-c",
             os.path.join(project, "cuda", "model.cu"), "-o",
             os.path.join(work, f"model-{gpu}.o")])
    return ", nvcc " + " ".join(gpus) + ": ok"


def check_model(mlir, x, work, args, label):
    """Compiles, builds and runs one model; returns the differences."""
    project = os.path.join(work, "project")
    start = time.time()
    run([tool("whittlec"), mlir, "--target", "cuda", "--gpu", args.gpu,
         "-o", project])
    compile_time = time.time() - start
    planned = os.path.join(project, "model.qnn.mlir")
    start = time.time()
    binary = build_host(project, work)
    build_time = time.time() - start
    x_path = os.path.join(work, "input.npy")
    np.save(x_path, x)
    modes = [("float", x_path, [])]
    if common.integer_io_applies(mlir):
        q_path = os.path.join(work, "input_i8.npy")
        np.save(q_path, common.quantize_input(mlir, x))
        modes.append(("integer-io", q_path, ["--integer-io"]))
    bad, times = [], []
    for mode, path, flags in modes:
        out = os.path.join(work, "run_model-" + mode)
        ref = os.path.join(work, "ref-" + mode)
        start = time.time()
        run([binary, "--input", path, "--output-dir", out] + flags)
        times.append(time.time() - start)
        run([tool("whittle-run"), planned, "--input", path, "--output-dir",
             ref, "--output-format", "npy"] + flags)
        bad += common.compare(out, ref, f"{label} {mode}")
    nvcc = compile_for_gpus(mlir, work, args.nvcc_gpus.split(",")
                            if args.nvcc_gpus else [])
    print(f"{label}: {len(x)} image(s); whittlec {compile_time:.1f} s, "
          f"host build {build_time:.1f} s, run "
          f"{' + '.join(f'{t:.1f}' for t in times)} s: "
          f"{'BIT-EXACT' if not bad else 'DIFFERS'}{nvcc}", flush=True)
    return bad


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--tools", help="the directory of whittle's tools "
                    "(default: PATH, then build/bin)")
    ap.add_argument("--models",
                    default="fashion_cnn,fashion_resnet18,fashion_mobilenetv2")
    ap.add_argument("--variants", default="fixed-point.per-channel",
                    help="check_csim.py's variants; +2:4 after one also "
                         "sparsifies the model 2:4 first")
    ap.add_argument("--images", type=int, default=64)
    ap.add_argument("--model-batch", type=int, default=8,
                    help="the batch the model is compiled for; the images "
                         "run in batches of it")
    ap.add_argument("--gpu", default="sm_90a")
    ap.add_argument("--nvcc-gpus", metavar="sm_80,sm_90a",
                    help="also emit each model for these GPUs and compile "
                         "it with nvcc (PTX, warnings as errors) where nvcc "
                         "is found")
    ap.add_argument("--mlir", action="append",
                    help="check this qnn module instead (repeatable)")
    ap.add_argument("--input", help="its input (.npy), with --mlir; "
                    "default: pseudo-random values of the input's type")
    ap.add_argument("--stack", type=int, default=1,
                    help="with --mlir and no --input: inputs of this many "
                         "of the model's batches")
    ap.add_argument("--workdir", help="keep the work here")
    args = ap.parse_args()
    if args.tools:
        for name in ["whittle-opt", "whittle-translate", "whittle-run",
                     "whittlec"]:
            common.TOOLS[name] = os.path.join(os.path.abspath(args.tools),
                                              name)
    work_root = args.workdir or tempfile.mkdtemp(prefix="whittle-cuda-")
    os.makedirs(work_root, exist_ok=True)
    bad = []
    try:
        for index, mlir in enumerate(args.mlir or []):
            work = os.path.join(work_root, f"module{index}")
            os.makedirs(work, exist_ok=True)
            x = np.load(args.input) if args.input else \
                common.make_input(mlir, args.stack)
            bad += check_model(mlir, x, work, args, os.path.basename(mlir))
        if not args.mlir:
            bad += common.check_fixtures(args, work_root, make_ir,
                                         check_model, args.model_batch)
    finally:
        if not args.workdir:
            shutil.rmtree(work_root, ignore_errors=True)
    return common.report(bad)


if __name__ == "__main__":
    sys.exit(main())
