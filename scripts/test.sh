#!/usr/bin/env bash
# The README's second command: install and build if needed, then run every
# test (lit, unit, model and fuzz-smoke tests) through CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
echo "== checking test data"
test/check_test_data.sh build/venv/bin/python3
echo "== testing"
ctest --test-dir build --output-on-failure --verbose
