#!/usr/bin/env bash
# The README's second command: install and build if needed, then run every
# test (lit, unit, model and fuzz-smoke tests) through CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
echo "== checking test data"
test/check_test_data.sh build/venv/bin/python3
# The fuzz harnesses are built here, with the rest of the build, not inside
# ctest's fuzz-smoke test (its libraries compile at -O0 with ASan: minutes
# on a fresh clone).
echo "== building the fuzz harnesses"
WHITTLE_FUZZ_BUILD_DIR="$PWD/build/fuzz-smoke" scripts/fuzz.sh --build
echo "== testing"
# Models compiled by the tests are cached in the build tree, not in the
# user's ~/.cache/whittle; a fresh build starts with an empty cache.
export WHITTLE_CACHE="${WHITTLE_CACHE:-$PWD/build/compile-cache}"
# ctest runs two tests at a time (and lit a test per core): each compiled
# model runs on one thread (the OpenMP runtime's default is every core).
export OMP_NUM_THREADS=1
# Two tests at a time: the C simulation of the FPGA designs (7 minutes)
# runs beside the others instead of after them.
ctest --test-dir build --output-on-failure --verbose --parallel 2
