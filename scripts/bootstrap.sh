#!/usr/bin/env bash
# Installs what a fresh Debian bookworm machine lacks (as root) and builds
# whittle into build/. Safe to re-run: installs only what is missing.
#
# Every package that a test, script or example reads is listed here;
# test/check_test_data.sh fails the test command, naming the package, when
# one of the files they need is absent.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  # Build.
  cmake ninja-build g++ git pkg-config
  libmlir-22-dev mlir-22-tools llvm-22-dev llvm-22-tools
  libonnx-dev libprotobuf-dev protobuf-compiler libgtest-dev
  libeigen3-dev coinor-libcbc-dev zlib1g-dev
  # The CPU target's parallel loops run on LLVM's OpenMP runtime.
  libomp-22-dev
  # Test data: the ONNX backend test models and Fashion-MNIST.
  libonnx-testdata dataset-fashion-mnist
  # The tests' Python (numpy, onnx, onnxruntime from PyPI, in build/venv).
  python3 python3-venv ca-certificates
  # The FPGA back end's C simulation: `make csim` in every emitted project
  # (test/Target/HLSCpp, the hls-csim-fixtures-* tests, bench/hls_*.py).
  make
  # The fuzzers' smoke test (libFuzzer with ASan and UBSan).
  clang-22 libfuzzer-22-dev libclang-rt-22-dev
  # The scripts that train and export fixtures and benchmark models
  # (examples/train_fashion_models.py, test/**/make_*.py, bench/): PyTorch
  # and torchvision, CPU, under /usr/bin/python3.
  python3-torch python3-torchvision
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$p")
done
if ((${#missing[@]})); then
  echo "== installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# A virtual environment of Debian's python3 holds the PyPI packages; it is
# (re)filled whenever scripts/requirements.txt changes.
venv=build/venv
if ! cmp -s scripts/requirements.txt "$venv/requirements.txt"; then
  echo "== installing PyPI packages into $venv: $(grep -v '^#' scripts/requirements.txt | xargs)"
  mkdir -p build
  /usr/bin/python3 -m venv "$venv"
  "$venv/bin/python3" -m pip install --quiet --disable-pip-version-check \
    -r scripts/requirements.txt
  cp scripts/requirements.txt "$venv/requirements.txt"
fi

# Configure on every run (a no-op when nothing changed) so that an older
# build/ picks up the venv's Python.
echo "== configuring"
cmake -G Ninja -S . -B build -DCMAKE_BUILD_TYPE=Release \
  -DWHITTLE_PYTHON="$PWD/$venv/bin/python3" >/dev/null
echo "== building"
ninja -C build
