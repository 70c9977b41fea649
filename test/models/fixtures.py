"""What the model checks beside it share: the Fashion-MNIST fixtures
(examples/train_fashion_models.py), their command-line arguments, and
running a model over images through whittle-run, a batch per call.
Imported by those scripts; runs under any python3 with numpy."""
import os
import subprocess

import numpy as np

MODELS = ["fashion_cnn", "fashion_resnet18", "fashion_mobilenetv2"]
DATA = "/usr/share/datasets/fashion-mnist"


def add_fixture_arguments(ap):
    """--whittle-run (required), --models (default: examples/) and --data."""
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--whittle-run", required=True)
    ap.add_argument("--models", default=os.path.join(here, "..", "..",
                                                     "examples"))
    ap.add_argument("--data", default=DATA)


def run_model(whittle_run, model, images, batch, workdir):
    """Logits for all images, `batch` images per whittle-run call."""
    outputs = []
    for start in range(0, len(images), batch):
        chunk = images[start:start + batch]
        x = (chunk.astype(np.float32) / 255.0)[:, None, :, :]
        path = os.path.join(workdir, "x.npy")
        np.save(path, x)
        out = os.path.join(workdir, "out")
        subprocess.run([whittle_run, model, "--input", path, "--output-dir",
                        out, "--output-format", "npy"], check=True)
        outputs.append(np.load(os.path.join(out, "output_0.npy")))
    return np.concatenate(outputs)
