#!/usr/bin/env bash
# Builds whittle's libFuzzer harnesses (fuzz/) with clang-22, ASan and UBSan
# in build-fuzz/ and runs them.
#
#   scripts/fuzz.sh [SECONDS] [HARNESS...]   long runs, one harness at a time,
#                                             SECONDS each (default 3600)
#   scripts/fuzz.sh --runs N [SECONDS] [HARNESS...]   N executions per
#                                             harness, or SECONDS if sooner
#   scripts/fuzz.sh --smoke                   CTest's fuzz-smoke test: every
#       regression input once, then each harness for a few seconds over its
#       committed corpus
#   scripts/fuzz.sh --build                  only build what --smoke runs
#       (scripts/test.sh does, before ctest)
#   scripts/fuzz.sh --merge [HARNESS...]      re-minimise fuzz/corpus/<harness>
#       with what the long runs found (build-fuzz/fuzz-work/<harness>)
#
# Harnesses: onnx onnxtext npy pb idx mlir (all by default). Long runs keep
# new inputs in build-fuzz/fuzz-work/<harness>/ and crashers in
# build-fuzz/artifacts/<harness>/; the committed corpus is never written,
# except by --merge. Long runs are niced: they share the machine with builds.
# WHITTLE_FUZZ_BUILD_DIR, CC and CXX override the build folder and compilers.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
build=${WHITTLE_FUZZ_BUILD_DIR:-$root/build-fuzz}
all_harnesses=(onnx onnxtext npy pb idx mlir)

mode=run
seconds=3600
runs=
smoke_seconds=5
harnesses=()
while (($#)); do
  case $1 in
  --smoke) mode=smoke ;;
  --build) mode=build ;;
  --merge) mode=merge ;;
  --runs)
    runs=$2
    shift
    ;;
  [0-9]*) seconds=$1 ;;
  -h | --help)
    sed -n '2,/^set /p' "$0" | sed '$d; s/^# \{0,1\}//'
    exit 0
    ;;
  *) harnesses+=("$1") ;;
  esac
  shift
done
((${#harnesses[@]})) || harnesses=("${all_harnesses[@]}")

# Configure once with clang; then build only the harnesses and the libraries
# they link (not the tools, lowerings or JIT).
export CC=${CC:-clang-22} CXX=${CXX:-clang++-22}
if ! command -v "$CXX" >/dev/null; then
  echo "error: $CXX not found: install the Debian packages clang-22" \
    "libfuzzer-22-dev libclang-rt-22-dev (scripts/bootstrap.sh does)" >&2
  exit 1
fi
# The smoke test compiles at -O0, four times faster than -O1 on whittle's
# MLIR code, which matters more than execution speed for a few seconds of
# fuzzing; long runs want the faster executions of -O1.
optimize=-O1
[ "$mode" = smoke ] || [ "$mode" = build ] && optimize=-O0
mkdir -p "$build"
if [ ! -f "$build/build.ninja" ] &&
  ! cmake -G Ninja -S "$root" -B "$build" -DWHITTLE_FUZZ=ON \
    -DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_FLAGS_RELEASE=$optimize -DNDEBUG" \
    "-DCMAKE_C_FLAGS_RELEASE=$optimize -DNDEBUG" >"$build/configure.log" 2>&1; then
  cat "$build/configure.log" >&2
  exit 1
fi
if ! ninja -C "$build" whittle-fuzzers >"$build/fuzzers-build.log" 2>&1; then
  tail -n 40 "$build/fuzzers-build.log" >&2
  exit 1
fi
[ "$mode" = build ] && exit 0

# Options per harness: dictionary and the largest input worth trying.
options() {
  local harness=$1
  case $harness in
  onnx | onnxtext) echo "-dict=$root/fuzz/onnx.dict -max_len=16384" ;;
  mlir) echo "-dict=$root/fuzz/mlir.dict -max_len=16384" ;;
  *) echo "-max_len=4096" ;;
  esac
}
# Slow inputs count as failures (a hang on hostile input is a bug), and
# memory is bounded below the machine's.
common=(-timeout=10 -rss_limit_mb=2048 -print_final_stats=1)

status=0
for harness in "${harnesses[@]}"; do
  fuzzer=$build/bin/whittle-fuzz-$harness
  corpus=$root/fuzz/corpus/$harness
  case $mode in
  smoke)
    scratch=$(mktemp -d)
    regressions=("$root"/fuzz/regressions/"$harness"/*)
    if [ -e "${regressions[0]}" ] &&
      ! "$fuzzer" "${common[@]}" "${regressions[@]}" >"$scratch/log" 2>&1; then
      tail -n 40 "$scratch/log"
      echo "FAIL $harness: a regression input of fuzz/regressions/$harness fails"
      status=1
    # New inputs go to the scratch folder, never to the committed corpus.
    elif ! "$fuzzer" "${common[@]}" $(options "$harness") \
      -max_total_time="$smoke_seconds" -artifact_prefix="$scratch/" \
      "$scratch" "$corpus" >"$scratch/log" 2>&1; then
      tail -n 40 "$scratch/log"
      mkdir -p "$build/artifacts/$harness"
      cp "$scratch"/crash-* "$scratch"/leak-* "$scratch"/timeout-* \
        "$scratch"/oom-* "$build/artifacts/$harness/" 2>/dev/null || true
      echo "FAIL $harness: input kept in $build/artifacts/$harness/"
      status=1
    else
      echo "ok $harness: $(grep -h '^stat::number_of_executed_units' "$scratch/log" |
        awk '{print $2}') executions"
    fi
    rm -rf "$scratch"
    ;;
  merge)
    work=$build/fuzz-work/$harness
    merged=$(mktemp -d)
    "$fuzzer" "${common[@]}" $(options "$harness") -merge=1 \
      "$merged" "$corpus" "$work" 2>&1 | grep '^MERGE-OUTER' || true
    rm -rf "$corpus"
    mkdir -p "$corpus"
    cp "$merged"/* "$corpus"/
    rm -rf "$merged"
    echo "$harness: $(ls "$corpus" | wc -l) inputs," \
      "$(cat "$corpus"/* | wc -c) bytes"
    ;;
  run)
    work=$build/fuzz-work/$harness
    artifacts=$build/artifacts/$harness
    mkdir -p "$work" "$artifacts"
    limit=(-max_total_time="$seconds")
    [ -n "$runs" ] && limit+=(-runs="$runs")
    log=$build/fuzz-$harness.log
    echo "== $harness (log: $log)"
    if nice -n 10 "$fuzzer" "${common[@]}" $(options "$harness") "${limit[@]}" \
      -artifact_prefix="$artifacts/" "$work" "$corpus" >"$log" 2>&1; then
      grep -h '^stat::' "$log"
    else
      tail -n 40 "$log"
      echo "FAIL $harness: input kept in $artifacts/"
      status=1
    fi
    ;;
  esac
done
exit $status
