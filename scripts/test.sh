#!/usr/bin/env bash
# The README's second command: install and build if needed, then run every
# test (lit tests and the ONNX test-data import sweep) through CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
echo "== testing"
ctest --test-dir build --output-on-failure --verbose
