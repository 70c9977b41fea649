#!/usr/bin/env bash
# The README's first command: install, build, and compile the bundled example
# model (a CNN trained on Fashion-MNIST and exported by PyTorch).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
echo "== whittlec examples/fashion_cnn.onnx"
build/bin/whittlec examples/fashion_cnn.onnx --batch-size 1
