"""What whittle's python scripts (bench/, examples/, scripts/, test/) share:
running whittle's tools, describing how a process ended, building ONNX
models and tensors, writing results.

A script imports it by a path relative to its own file, e.g. from
test/models/:

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(
        __file__)), "..", "..", "scripts", "pylib"))
    import whittle_testing  # noqa: E402

Runs under any python3 (3.8+): importing it needs the standard library
only, so the stdlib-only scripts and the Debian /usr/bin/python3 (torch and
numpy, no onnx) can import it too; the functions that need numpy or onnx
import them when called.
"""
import json
import os
import signal
import subprocess
import sys

# The IR version of the models the scripts write: ONNX 1.12's, which every
# ONNX Runtime and ONNX library the scripts run under reads.
IR_VERSION = 8


def describe_exit_status(rc):
    """'exit status N', or 'killed by signal NAME' for a negative
    subprocess return code."""
    if rc < 0:
        try:
            return f"killed by signal {signal.Signals(-rc).name}"
        except ValueError:
            return f"killed by signal {-rc}"
    return f"exit status {rc}"


def missing_module(name, pip_name=None):
    """False if `name` imports; else says on stderr which pip package the
    script needs and returns True."""
    try:
        __import__(name)
    except ImportError:
        package = pip_name or name
        print(f"error: this script needs the {package} package "
              f"(pip install {package})", file=sys.stderr)
        return True
    return False


def run_whittle(whittle_run, model, inputs, workdir):
    """whittle-run's first output (a numpy array) for `model` on the numpy
    arrays `inputs`, in that order; the files go to `workdir`."""
    import numpy as np

    out = os.path.join(workdir, "out")
    command = [whittle_run, model, "--output-dir", out, "--output-format",
               "npy"]
    for k, value in enumerate(inputs):
        path = os.path.join(workdir, f"input_{k}.npy")
        np.save(path, value)
        command += ["--input", path]
    subprocess.run(command, check=True)
    return np.load(os.path.join(out, "output_0.npy"))


def onnx_model(graph, opset, domains=()):
    """An ONNX ModelProto of `graph` at `opset` of the default domain and
    the (domain, version) pairs `domains`, with IR_VERSION."""
    from onnx import helper

    return helper.make_model(
        graph, ir_version=IR_VERSION,
        opset_imports=[helper.make_opsetid("", opset)] +
        [helper.make_opsetid(domain, version) for domain, version in domains])


def tensor_proto(name, data_type, dims, **fields):
    """A TensorProto with exactly the given fields: `raw_data` (bytes) or
    any repeated data field (float_data=[...], int64_data=[...]), whether
    or not they agree with `dims` (for tests of inconsistent tensors)."""
    from onnx import TensorProto

    tensor = TensorProto()
    tensor.name = name
    tensor.data_type = data_type
    tensor.dims.extend(dims)
    for field, value in fields.items():
        if field == "raw_data":
            tensor.raw_data = value
        else:
            getattr(tensor, field).extend(value)
    return tensor


def write_json(path, value, indent=2):
    """`value` as JSON into `path`, with a final newline."""
    with open(path, "w") as f:
        json.dump(value, f, indent=indent)
        f.write("\n")


def lsb_distance(ours, reference, scale):
    """|ours - reference| in steps of the output quantization `scale`
    (float64)."""
    import numpy as np

    return np.abs(ours.astype(np.float64) - reference) / scale


class Verdict:
    """The outcome of a check that prints a row per case: a failing row
    ends in marks[1] (a passing one in marks[0]), and the check exits with
    status 1 if any row failed."""

    def __init__(self, marks=("", "  FAIL")):
        self.marks = marks
        self.failed = False

    def row(self, ok, text):
        """Prints `text` marked as passing or failing; returns ok."""
        self.failed |= not ok
        print(text + self.marks[0 if ok else 1], flush=True)
        return ok

    def exit_status(self):
        return 1 if self.failed else 0
