#!/usr/bin/env bash
# The CUDA back end's GPU checks and timings, in one run, for a machine with
# an H100 or H200, nvcc, CMake, ninja and PyTorch but no whittle, no MLIR
# and no network (the device tool; bench/gpu/README of the issue: 15
# minutes of device time in all, so this must fit twice).
#
# Here (the development machine), first:
#   build/venv/bin/python3 bench/gpu/prepare.py      # bench/gpu/payload
# Then on the GPU machine, from the repository root, carrying
# bench/gpu/payload:
#   bash bench/gpu/run.sh [OUT]                       # OUT: default $OUT
#
# It
#   1. builds every emitted project in the payload (CMake, nvcc, sm_90a)
#      and the runtime's self-tests (gemm_check, wgmma_check), in parallel;
#   2. runs the kernels' self-tests against their CPU references;
#   3. runs run_model on the three fixtures (1,000 images, dense and 2:4
#      sparse) and ResNet-50 224 at batch 8, --integer-io and float, and
#      compares with whittle-run's outputs bit for bit;
#   4. times ResNet-50 int8 at batch 256 (run_model --timing, CUDA graph)
#      against PyTorch fp16 channels-last at batch 256 (CUDA graph), the
#      int8 GEMM at 8192^3 against torch._int_mm, and 2:4 sparse against
#      dense on ResNet-50's 3x3 convolutions;
# and prints a table (also OUT/results.md; logs in OUT/logs).
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PAYLOAD=$ROOT/bench/gpu/payload
OUT=${1:-${OUT:-/tmp/whittle-gpu}}
LOGS=$OUT/logs
BUILD=/tmp/whittle-gpu-build
ARCH=${WHITTLE_GPU_ARCH:-sm_90a}
mkdir -p "$LOGS" "$BUILD"
RESULTS=$OUT/results.md
: > "$RESULTS"
say() { echo "$*" | tee -a "$RESULTS"; }
START=$(date +%s)

if [ ! -f "$PAYLOAD/manifest.txt" ]; then
  echo "error: no payload in $PAYLOAD; run bench/gpu/prepare.py first" >&2
  exit 1
fi
GPU=$(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null | head -1)
say "# whittle CUDA back end on ${GPU:-no GPU}"
say ""
say "payload: $(cat "$PAYLOAD/manifest.txt"); nvcc $(nvcc --version | sed -n 's/.*release \([0-9.]*\).*/\1/p'); $(python3 -c 'import torch; print("torch", torch.__version__)' 2>/dev/null)"
say ""

# 1. Builds, all at once.
RUNTIME="-I$ROOT/lib/Target/CUDA/runtime -I$ROOT/lib/Target/HLSCpp/runtime"
pids=()
for project in "$PAYLOAD"/*/; do
  name=$(basename "$project")
  ( cmake -S "$project" -B "$BUILD/$name" -G Ninja > "$LOGS/$name.cmake.log" 2>&1 &&
    cmake --build "$BUILD/$name" > "$LOGS/$name.build.log" 2>&1 ||
    echo "FAILED" > "$BUILD/$name.failed" ) &
  pids+=($!)
done
( nvcc -std=c++17 -O3 -arch=$ARCH $RUNTIME bench/gpu/gemm_check.cu -o "$BUILD/gemm_check" > "$LOGS/gemm_check.build.log" 2>&1 ) &
pids+=($!)
( nvcc -std=c++17 -O3 -arch=sm_90a $RUNTIME bench/gpu/wgmma_check.cu -o "$BUILD/wgmma_check" > "$LOGS/wgmma_check.build.log" 2>&1 ) &
pids+=($!)
for pid in "${pids[@]}"; do wait "$pid"; done
say "builds: $(( $(date +%s) - START )) s"
for failed in "$BUILD"/*.failed; do
  [ -e "$failed" ] || continue
  name=$(basename "$failed" .failed)
  say "BUILD FAILED: $name (logs/$name.build.log)"
  tail -20 "$LOGS/$name.build.log"
done

# 2. Kernel self-tests.
say ""
say "## Kernel self-tests (against CPU references, bit for bit)"
for check in gemm_check wgmma_check; do
  if [ -x "$BUILD/$check" ]; then
    if "$BUILD/$check" > "$LOGS/$check.log" 2>&1; then
      say "- $check: passed ($(tail -1 "$LOGS/$check.log"))"
    else
      say "- $check: FAILED"; tail -20 "$LOGS/$check.log"
    fi
  else
    say "- $check: not built"; tail -20 "$LOGS/$check.build.log"
  fi
done

# 3. Models against whittle-run.
say ""
say "## run_model against whittle-run --integer-io / float (bit for bit)"
say ""
say "| model | mode | images | result |"
say "| --- | --- | --- | --- |"
compare() {  # compare OUT_DIR REF_DIR -> prints "bit-exact" or the differences
  python3 - "$1" "$2" <<'EOF'
import os, sys
import numpy as np
out, ref = sys.argv[1], sys.argv[2]
bad = []
for name in sorted(f for f in os.listdir(ref) if f.endswith(".npy")):
    a, b = np.load(os.path.join(out, name)), np.load(os.path.join(ref, name))
    if a.dtype != b.dtype or a.shape != b.shape:
        bad.append(f"{name}: {a.dtype}{a.shape} vs {b.dtype}{b.shape}")
    elif a.tobytes() != b.tobytes():
        n = np.count_nonzero(a.reshape(-1).view(np.uint8) != b.reshape(-1).view(np.uint8))
        bad.append(f"{name}: {n} bytes differ")
print("bit-exact" if not bad else "DIFFERS: " + "; ".join(bad))
EOF
}
for project in "$PAYLOAD"/*/; do
  name=$(basename "$project")
  binary=$BUILD/$name/run_model
  [ -d "$project/ref-integer" ] || continue
  if [ ! -x "$binary" ]; then say "| $name | - | - | not built |"; continue; fi
  images=$(python3 -c "import numpy as np; print(np.load('$project/input_i8.npy', mmap_mode='r').shape[0])")
  "$binary" --input "$project/input_i8.npy" --integer-io --output-dir "$OUT/$name/integer" > "$LOGS/$name.integer.log" 2>&1 \
    && result=$(compare "$OUT/$name/integer" "$project/ref-integer") \
    || result="FAILED: $(tail -1 "$LOGS/$name.integer.log")"
  say "| $name | integer | $images | $result |"
  if [ -d "$project/ref-float" ]; then
    "$binary" --input "$PAYLOAD/fashion.f32.npy" --output-dir "$OUT/$name/float" > "$LOGS/$name.float.log" 2>&1 \
      && result=$(compare "$OUT/$name/float" "$project/ref-float") \
      || result="FAILED: $(tail -1 "$LOGS/$name.float.log")"
    say "| $name | float | $images | $result |"
  fi
done

# 4. Timings.
say ""
say "## ResNet-50 224, batch 256: whittle int8 vs PyTorch fp16 channels-last"
say ""
if [ -x "$BUILD/resnet50.b256/run_model" ]; then
  python3 -c "import numpy as np; np.save('$BUILD/r50_b256_i8.npy', np.random.RandomState(0).randint(-128, 128, (256, 3, 224, 224)).astype(np.int8))"
  "$BUILD/resnet50.b256/run_model" --input "$BUILD/r50_b256_i8.npy" --integer-io \
    --weights "$PAYLOAD/resnet50.b8/weights.bin" --repeat 50 --timing > "$LOGS/r50_timing.log" 2>&1
  say "- whittle int8 (CUDA graph): $(grep -o '[0-9.]* ms per batch.*' "$LOGS/r50_timing.log" || tail -1 "$LOGS/r50_timing.log")"
else
  say "- whittle int8: not built"
fi
python3 - > "$LOGS/torch_fp16.log" 2>&1 <<'EOF'
import torch, torchvision
model = torchvision.models.resnet50().cuda().half().eval().to(memory_format=torch.channels_last)
x = torch.randn(256, 3, 224, 224, device="cuda").half().to(memory_format=torch.channels_last)
with torch.no_grad():
    for _ in range(3):
        model(x)
    graph = torch.cuda.CUDAGraph()
    stream = torch.cuda.Stream()
    stream.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(stream):
        model(x)
    torch.cuda.current_stream().wait_stream(stream)
    with torch.cuda.graph(graph):
        y = model(x)
    times = []
    for _ in range(30):
        start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record(); graph.replay(); stop.record(); stop.synchronize()
        times.append(start.elapsed_time(stop))
times.sort()
ms = times[len(times) // 2]
print(f"{ms:.3f} ms per batch of 256 (median of 30), {256 / ms * 1000:.1f} images/s")
EOF
say "- PyTorch fp16 channels-last (CUDA graph): $(tail -1 "$LOGS/torch_fp16.log")"

say ""
say "## int8 GEMM 8192^3: whittle (mma.sync, wgmma) vs torch._int_mm"
say ""
if [ -x "$BUILD/gemm_check" ]; then
  args=("$BUILD/gemm_check" --shape 8192 8192 8192)
  [ -x "$BUILD/wgmma_check" ] && args+=(--wgmma-check "$BUILD/wgmma_check")
  python3 bench/gpu/gemm_vs_torch.py "${args[@]}" 2>&1 | tee -a "$RESULTS"
fi

say ""
say "## 2:4 sparse vs dense on ResNet-50's 3x3 convolutions (batch 256)"
say ""
if [ -x "$BUILD/gemm_check" ]; then
  "$BUILD/gemm_check" --bench-sparse > "$LOGS/sparse_bench.log" 2>&1
  grep '^|' "$LOGS/sparse_bench.log" | tee -a "$RESULTS"
fi

say ""
say "total: $(( $(date +%s) - START )) s"
