#!/usr/bin/env bash
# The README's second command: install and build if needed, then run every
# test (lit tests and the ONNX test-data import sweep) through CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
# The tests compare with ONNX Runtime and make inputs with numpy: install
# them into the python3 on PATH when missing.
if ! python3 -c "import numpy, onnx, onnxruntime" 2>/dev/null; then
  echo "== installing numpy, onnx, onnxruntime (PyPI)"
  python3 -m pip install --quiet numpy onnx onnxruntime
fi
echo "== testing"
ctest --test-dir build --output-on-failure --verbose
