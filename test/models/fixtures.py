"""What the model checks beside it share: the Fashion-MNIST fixtures
(examples/train_fashion_models.py), their command-line arguments, and
running a model over images through whittle-run, a batch per call.
Imported by those scripts; runs under any python3 with numpy."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts", "pylib"))
# Shared with the checks beside this file, which import them from here.
from whittle_testing import (Verdict, lsb_distance,  # noqa: E402,F401
                             run_whittle)

MODELS = ["fashion_cnn", "fashion_resnet18", "fashion_mobilenetv2"]
DATA = "/usr/share/datasets/fashion-mnist"


def add_fixture_arguments(ap):
    """--whittle-run (required), --models (default: examples/) and --data."""
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--whittle-run", required=True)
    ap.add_argument("--models", default=os.path.join(here, "..", "..",
                                                     "examples"))
    ap.add_argument("--data", default=DATA)


def accuracy(logits, labels):
    """The fraction of rows of `logits` whose largest entry is the label."""
    return float(np.mean(np.argmax(logits, 1) == labels))


def to_input(images):
    """The fixtures' input for uint8 images: N x 1 x H x W float32 in
    [0, 1]."""
    return (images.astype(np.float32) / 255.0)[:, None, :, :]


def run_batches(whittle_run, model, x, batch, workdir):
    """The outputs for all inputs `x`, `batch` of them per whittle-run
    call."""
    return np.concatenate([
        run_whittle(whittle_run, model, [x[start:start + batch]], workdir)
        for start in range(0, len(x), batch)])


def run_model(whittle_run, model, images, batch, workdir):
    """Logits for all images, `batch` images per whittle-run call."""
    return run_batches(whittle_run, model, to_input(images), batch, workdir)
