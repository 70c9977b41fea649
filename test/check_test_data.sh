#!/usr/bin/env bash
# Fails, naming what to install, when a file or Python module that the tests
# read is absent. CTest runs it as the setup of every test that needs them,
# so a machine set up by hand fails loudly instead of skipping.
#
# Usage: check_test_data.sh PYTHON
set -uo pipefail
python=$1
status=0

# file  Debian package that provides it
while read -r file package; do
  if [ ! -e "$file" ]; then
    echo "error: $file is missing: install the Debian package '$package'" \
      "(scripts/bootstrap.sh does)"
    status=1
  fi
done <<'LIST'
/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz dataset-fashion-mnist
/usr/share/datasets/fashion-mnist/train-labels-idx1-ubyte.gz dataset-fashion-mnist
/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz dataset-fashion-mnist
/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz dataset-fashion-mnist
/usr/share/libonnx-testdata/data/node libonnx-testdata
/usr/share/libonnx-testdata/data/pytorch-converted libonnx-testdata
/usr/lib/llvm-22/bin/clang++ clang-22
/usr/lib/llvm-22/lib/clang/22/lib/linux/libclang_rt.fuzzer-x86_64.a libclang-rt-22-dev
LIST

for module in numpy onnx onnxruntime; do
  if ! "$python" -c "import $module" 2>/dev/null; then
    echo "error: $python cannot import '$module': install scripts/requirements.txt" \
      "into it (scripts/bootstrap.sh does)"
    status=1
  fi
done
exit $status
