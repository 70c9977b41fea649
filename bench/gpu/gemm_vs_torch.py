#!/usr/bin/env python3
"""whittle's int8 GEMM (bench/gpu/gemm_check.cu --bench) against
torch._int_mm (cuBLASLt's int8 GEMM, int32 output) on the same GPU.

Usage (on a machine with a GPU, from the repository root):
  nvcc -std=c++17 -O3 -arch=sm_90a -Ilib/Target/CUDA/runtime \\
    -Ilib/Target/HLSCpp/runtime bench/gpu/gemm_check.cu -o /tmp/gemm_check
  python3 bench/gpu/gemm_vs_torch.py /tmp/gemm_check [--shape M N K]...

Prints one table row per shape: whittle's time and TOPS from the self-test
(which also checks every kernel first and fails on any mismatch), and
torch._int_mm's where torch with CUDA is importable, else "n/a".

On an H100 or H200, --wgmma-check adds the sm_90a wgmma GEMM
(bench/gpu/wgmma_check.cu, which also checks launchWgmmaGemm first) as two
more columns, "n/a" where it skips (no sm_90 device):
  nvcc -std=c++17 -O3 -arch=sm_90a -Ilib/Target/CUDA/runtime \\
    -Ilib/Target/HLSCpp/runtime bench/gpu/wgmma_check.cu -o /tmp/wgmma_check
  python3 bench/gpu/gemm_vs_torch.py /tmp/gemm_check \\
    --wgmma-check /tmp/wgmma_check --shape 8192 8192 8192
"""
import argparse
import re
import subprocess
import sys


def time_torch(m, n, k, runs=20):
    try:
        import torch
    except ImportError:
        return None
    if not torch.cuda.is_available():
        return None
    a = torch.randint(-128, 128, (m, k), dtype=torch.int8, device="cuda")
    b = torch.randint(-128, 128, (k, n), dtype=torch.int8, device="cuda")
    torch._int_mm(a, b)
    start = torch.cuda.Event(enable_timing=True)
    stop = torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(runs):
        torch._int_mm(a, b)
    stop.record()
    torch.cuda.synchronize()
    return start.elapsed_time(stop) / runs


def time_wgmma(binary, m, n, k):
    """wgmma_check --bench's (ms, TOPS) for launchWgmmaGemm, None where it
    skips; raises on a failed self-test."""
    run = subprocess.run([binary, "--bench", str(m), str(n), str(k)],
                         capture_output=True, text=True)
    if run.returncode != 0:
        print(run.stdout, run.stderr, file=sys.stderr)
        raise RuntimeError("wgmma_check failed")
    found = re.search(r"TIME whittle wgmma .*: ([0-9.]+) ms, ([0-9.]+) TOPS",
                      run.stdout)
    return (found.group(1), found.group(2)) if found else None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gemm_check", help="the built gemm_check binary")
    parser.add_argument("--shape", nargs=3, type=int, action="append",
                        metavar=("M", "N", "K"))
    parser.add_argument("--wgmma-check", metavar="BINARY",
                        help="the built wgmma_check binary (sm_90a)")
    args = parser.parse_args()
    shapes = args.shape or [[4096, 4096, 4096], [8192, 8192, 8192],
                            [12544, 256, 2304]]
    wgmma_header = ("", "")
    if args.wgmma_check:
        wgmma_header = (" wgmma ms | wgmma TOPS |", " --- | --- |")
    print("| M x N x K | whittle ms | whittle TOPS |" + wgmma_header[0] +
          " torch._int_mm ms | torch TOPS |")
    print("| --- | --- | --- |" + wgmma_header[1] + " --- | --- |")
    failed = False
    for m, n, k in shapes:
        run = subprocess.run([args.gemm_check, "--bench", str(m), str(n),
                              str(k)], capture_output=True, text=True)
        if run.returncode != 0 or "no CUDA device" in run.stdout:
            print(run.stdout, run.stderr, file=sys.stderr)
            failed = run.returncode != 0
            break
        found = re.search(r"TIME .*: ([0-9.]+) ms, ([0-9.]+) TOPS", run.stdout)
        torch_ms = time_torch(m, n, k)
        ops = 2.0 * m * n * k
        torch_cells = ("n/a", "n/a") if torch_ms is None else (
            f"{torch_ms:.3f}", f"{ops / torch_ms / 1e9:.1f}")
        wgmma_cells = ""
        if args.wgmma_check:
            try:
                timed = time_wgmma(args.wgmma_check, m, n, k)
            except RuntimeError:
                failed = True
                break
            wgmma_cells = (f" {timed[0]} | {timed[1]} |" if timed
                           else " n/a | n/a |")
        print(f"| {m} x {n} x {k} | {found.group(1)} | {found.group(2)} |"
              f"{wgmma_cells} {torch_cells[0]} | {torch_cells[1]} |")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
