#!/usr/bin/env python3
# Runs under the python3 on PATH (numpy). Checks whittle's CPU path on the
# Fashion-MNIST fixtures made by examples/train_fashion_models.py: every
# one of the 10,000 test images goes through whittle-run, and the logits
# must match PyTorch's (max |diff| <= 1e-4 * max |reference|) and give the
# same accuracy as PyTorch's.
"""check_fashion_models.py --whittle-run PATH [--models DIR] [--data DIR]"""
import argparse
import json
import os
import sys
import tempfile
import time

import numpy as np

from idx import read_idx
from fixtures import (MODELS, Verdict, accuracy, add_fixture_arguments,
                      run_model)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    add_fixture_arguments(ap)
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--only", nargs="*", default=MODELS)
    args = ap.parse_args()

    images = read_idx(os.path.join(args.data, "t10k-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(args.data, "t10k-labels-idx1-ubyte.gz"))
    verdict = Verdict()
    print(f"{'model':<22} {'max|diff|':>10} {'bound':>10} {'whittle acc':>12}"
          f" {'pytorch acc':>12} {'seconds':>8}")
    for name in args.only:
        model = os.path.join(args.models, name + ".onnx")
        reference = np.load(os.path.join(args.models, name + ".logits.npy"))
        with open(os.path.join(args.models, name + ".json")) as f:
            torch_accuracy = json.load(f)["test_accuracy"]
        start = time.time()
        with tempfile.TemporaryDirectory() as workdir:
            logits = run_model(args.whittle_run, model, images, args.batch,
                               workdir)
        seconds = time.time() - start
        diff = float(np.max(np.abs(logits - reference)))
        bound = 1e-4 * float(np.max(np.abs(reference)))
        whittle_accuracy = accuracy(logits, labels)
        reference_accuracy = accuracy(reference, labels)
        ok = (logits.shape == reference.shape and diff <= bound
              and whittle_accuracy == reference_accuracy
              and abs(reference_accuracy - torch_accuracy) < 1e-9)
        verdict.row(ok, f"{name:<22} {diff:>10.3g} {bound:>10.3g}"
                    f" {whittle_accuracy:>12.4f} {torch_accuracy:>12.4f}"
                    f" {seconds:>8.1f}")
    return verdict.exit_status()


if __name__ == "__main__":
    sys.exit(main())
