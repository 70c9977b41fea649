#!/usr/bin/env python3
# Runs under the python3 on PATH, the one scripts/test.sh installs numpy, onnx
# and onnxruntime into (it needs numpy and onnx; Python 3.8+).
"""Run the ONNX backend test data through whittle-run and check the outputs.

For every model.onnx under DATA/{node,pytorch-converted,pytorch-operator,
simple} and each of its test_data_set_* directories this runs

    whittle-run MODEL --input input_0.pb ... --output-dir TMP

(in a fresh temporary directory, with a timeout) and compares TMP/output_i.pb
with the stored output_i.pb the way ONNX's backend test runner does: shapes
and dtypes must match, floating-point values must satisfy
np.testing.assert_allclose(ref, out, rtol=1e-3, atol=1e-7) (NaNs in the same
places), integer and bool values must be equal. Each test (a model with all
its data sets) is classified as

  pass         every data set ran and matched
  unsupported  whittle rejects the model as outside its scope: the importer's
               scope diagnostics (unsupported operators, element types such
               as strings, sequence/map/optional inputs, training-mode
               BatchNormalization, opset range, ...). The patterns live in
               import_testdata.py (OUT_OF_SCOPE_PATTERNS): the one place that
               decides what is out of scope.
  fail         anything else: a compile error (e.g. "failed to legalize
               operation 'nn.xxx'"), a crash (signal), the timeout, missing
               outputs, a wrong shape or dtype, or wrong values (with the
               output index and the max abs/rel error).

Tests whose stored data contradict the model or the ONNX specification are
listed with the reason in KNOWN_BAD_TEST_DATA below. They still run; one
that does not pass counts as unsupported (scope "bad-test-data") with that
reason, and the report lists them in their own section.

Modes (combinable):
  --passing FILE        check: exit 1 if a test listed in FILE does not pass
                        (each regression is printed with its reason); tests
                        that pass but are not listed are reported as "newly
                        passing", which does not fail.
  --write-passing FILE  write the sorted list of passing tests to FILE.
  --doc FILE            write the Markdown report (docs/onnx-backend.md).
  --json FILE           write the raw per-test results.
  --from-json FILE      take the results from an earlier --json instead of
                        running anything (to re-render --doc/--write-passing).

Examples (from the repository root):
    test/onnx-backend/run_backend_tests.py \\
        --whittle-run build/bin/whittle-run \\
        --passing test/onnx-backend/passing.txt
    test/onnx-backend/run_backend_tests.py \\
        --whittle-run build/bin/whittle-run \\
        --write-passing test/onnx-backend/passing.txt \\
        --doc docs/onnx-backend.md --json /tmp/backend.json
    test/onnx-backend/run_backend_tests.py \\
        --whittle-run build/bin/whittle-run \\
        --filter 'node/test_(relu|conv)' -v
"""

import argparse
import collections
import concurrent.futures
import datetime
import glob
import json
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.join(HERE, "..", "..", "scripts", "pylib")]
# The import sweep owns the out-of-scope classification; share it.
import import_testdata  # noqa: E402
from whittle_testing import describe_exit_status, write_json  # noqa: E402

DEFAULT_FOLDERS = ("node", "pytorch-converted", "pytorch-operator", "simple")
STATUSES = ("pass", "fail", "unsupported")
RTOL = 1e-3
ATOL = 1e-7
DEFAULT_DATA = "/usr/share/libonnx-testdata/data"

# Human-readable names of import_testdata's out-of-scope reason keys, for the
# report's exclusions section.
SCOPE_DESCRIPTIONS = {
    "unsupported-op": "the model uses operators outside whittle's op set",
    "element-type": "a tensor has an element type whittle does not support "
                    "(strings, complex, ...)",
    "dynamic-dim": "a graph input has a dynamic dimension and no size was "
                   "given for it",
    "opset-range": "the model's opset is older or newer than the range "
                   "whittle supports",
    "no-default-opset": "the model does not import the default ONNX operator "
                        "set (e.g. only ai.onnx.preview.training)",
    "training-mode": "BatchNormalization with training_mode=1",
    "training-dropout": "training-mode Dropout: random masks (the stored "
                        "outputs cannot be reproduced)",
    "string-tensor": "string tensors (Cast to STRING)",
    "non-tensor-input": "sequence, map or optional graph inputs",
}


# Tests whose stored data are wrong, with the reason: the ONNX 1.12 test data
# that Debian ships has these errors, which later ONNX releases fixed.
KNOWN_BAD_TEST_DATA = {
    "node/test_cast_FLOAT_to_BFLOAT16":
        "the reference output truncates float32 to bfloat16; Cast rounds to "
        "nearest even (as ONNX Runtime, PyTorch and the regenerated data of "
        "ONNX 1.14+ do), and so does whittle",
    "node/test_castlike_BFLOAT16_to_FLOAT_expanded":
        "input 'like' is stored with shape [1] but the model declares it "
        "3x4 (ONNX Runtime rejects the data set too)",
    "node/test_castlike_FLOAT_to_BFLOAT16_expanded":
        "input 'like' is stored with shape [1] but the model declares it "
        "3x4 (ONNX Runtime rejects the data set too)",
}
BAD_TEST_DATA = "bad-test-data"


def apply_known_bad_test_data(results):
    """Reclassifies the KNOWN_BAD_TEST_DATA tests that do not pass as
    unsupported with the listed reason (keeping whittle's own message)."""
    for name, reason in KNOWN_BAD_TEST_DATA.items():
        r = results.get(name)
        if not r or r["status"] == "pass" or r.get("scope") == BAD_TEST_DATA:
            continue
        results[name] = dict(r, status="unsupported", scope=BAD_TEST_DATA,
                             group=BAD_TEST_DATA, message=reason,
                             whittle_message=r.get("message", ""))


# --------------------------------------------------------------------------
# Running one test
# --------------------------------------------------------------------------

def first_error_line(stderr):
    """The first line of stderr that carries an 'error:', else the first."""
    for line in stderr.splitlines():
        if "error:" in line:
            return line.strip()
    return import_testdata.first_line(stderr)


def strip_location(message):
    """'loc: error: text' -> 'text' (for grouping by reason)."""
    m = re.search(r"error:\s*(.*)", message)
    return m.group(1).strip() if m else message.strip()


def scope_reason(stderr):
    """import_testdata's out-of-scope key for this diagnostic, or None."""
    for reason, pattern in import_testdata.OUT_OF_SCOPE_PATTERNS:
        if pattern.search(stderr):
            return reason
    return None


def unsupported_group(key, message):
    """Group key of an unsupported test: the scope reason plus, for
    unsupported operators, the operator names."""
    if key == "unsupported-op":
        # "N node(s) use operators whittle does not support: unnamed node
        # with output 'y' (CastLike), ..." -> "unsupported-op: CastLike"
        m = re.search(r"does not support:\s*(.*)", message)
        if m:
            ops = sorted(set(re.findall(r"\(([\w.]+)\)", m.group(1))))
            if ops:
                return f"unsupported-op: {', '.join(ops)}"
    if key == "element-type":
        m = re.search(r"has element type (\S+)", message)
        if m:
            return f"element-type: {m.group(1)}"
    return key


def compile_error_group(message):
    """Group key of a diagnosed whittle-run failure (exit status 1)."""
    text = strip_location(message)
    m = re.search(r"failed to legalize operation '([^']+)'", text)
    if m:
        return f"failed to legalize '{m.group(1)}'"
    if "compiled models need static shapes" in text:
        # E.g. Reshape/Expand/Slice/Resize whose shape operands are graph
        # inputs: the output's shape depends on input values.
        return "dynamic output shape (compiled models need static shapes)"
    # Drop names, numbers and quoted values so similar errors group together.
    text = re.sub(r"'[^']*'", "'…'", text)
    text = re.sub(r"\b\d+(?:x\d+)*\b", "N", text)
    return "error: " + text[:120]


def read_tensor(path):
    """A .pb TensorProto as a numpy array."""
    import onnx
    from onnx import numpy_helper
    return numpy_helper.to_array(onnx.load_tensor(path))


def compare(index, ref, out):
    """None if `out` matches `ref` like ONNX's backend runner wants, else a
    (group, message) pair."""
    import numpy as np
    where = f"output {index}"
    if ref.dtype == np.uint16 and out.dtype.name == "bfloat16":
        ref = ref.view(out.dtype)  # the test data's bfloat16 encoding
    if ref.dtype != out.dtype:
        return ("wrong dtype",
                f"{where} has dtype {out.dtype}, expected {ref.dtype}")
    if ref.shape != out.shape:
        return ("wrong shape",
                f"{where} has shape {list(out.shape)}, expected "
                f"{list(ref.shape)}")
    if ref.dtype.kind in "fc" or ref.dtype.name in ("bfloat16",):
        r = ref.astype(np.float64)
        o = out.astype(np.float64)
        nan_r, nan_o = np.isnan(r), np.isnan(o)
        if not np.array_equal(nan_r, nan_o):
            return ("wrong values",
                    f"{where}: NaN at {int((nan_r != nan_o).sum())} "
                    f"position(s) where the reference has none, or vice versa")
        try:
            np.testing.assert_allclose(r, o, rtol=RTOL, atol=ATOL)
        except AssertionError:
            ok = ~nan_r
            with np.errstate(invalid="ignore", divide="ignore"):
                diff = np.where(r == o, 0.0, np.abs(r - o))[ok]
                rel = diff / np.abs(r[ok])
            rel = np.where(diff == 0, 0.0, rel)
            abs_err = float(diff.max()) if diff.size else 0.0
            rel_err = float(rel.max()) if rel.size else 0.0
            bad = int((~np.isclose(r, o, rtol=RTOL, atol=ATOL,
                                   equal_nan=True)).sum())
            return ("wrong values",
                    f"{where}: {bad}/{r.size} element(s) off, max abs error "
                    f"{abs_err:.3g}, max rel error {rel_err:.3g}")
        return None
    if ref.dtype.kind in "biu":
        if not np.array_equal(ref, out):
            bad = int((ref != out).sum())
            first = tuple(int(i) for i in np.argwhere(ref != out)[0])
            return ("wrong values",
                    f"{where}: {bad}/{ref.size} element(s) differ (exact "
                    f"compare), first at {list(first)}: got "
                    f"{out[first].item()!r}, expected {ref[first].item()!r}")
        return None
    # Anything else (object/string arrays): exact.
    if not np.array_equal(ref, out):
        return ("wrong values", f"{where}: values differ (exact compare)")
    return None


def legacy_bfloat16_inputs(model, inputs, tmp):
    """The test data (ONNX 1.12) stores bfloat16 tensors as UINT16 with the
    same bits. Returns `inputs` with each such tensor that feeds a bfloat16
    graph input rewritten, into `tmp`, as a BFLOAT16 TensorProto."""
    import onnx
    protos = [onnx.load_tensor(p) for p in inputs]
    if not any(t.data_type == onnx.TensorProto.UINT16 for t in protos):
        return inputs
    graph = onnx.load(model, load_external_data=False).graph
    initializers = {t.name for t in graph.initializer}
    types = [i.type.tensor_type.elem_type for i in graph.input
             if i.name not in initializers]
    fixed = list(inputs)
    for i, (tensor, elem_type) in enumerate(zip(protos, types)):
        if (tensor.data_type == onnx.TensorProto.UINT16
                and elem_type == onnx.TensorProto.BFLOAT16):
            tensor.data_type = onnx.TensorProto.BFLOAT16
            fixed[i] = os.path.join(tmp, f"input_{i}.pb")
            onnx.save_tensor(tensor, fixed[i])
    return fixed


def run_data_set(whittle_run, model, data_set, timeout):
    """Runs one data set; returns None if it passes, else a dict with
    status, group and message."""
    inputs = sorted(glob.glob(os.path.join(data_set, "input_*.pb")),
                    key=lambda p: int(re.search(r"(\d+)\.pb$", p).group(1)))
    refs = sorted(glob.glob(os.path.join(data_set, "output_*.pb")),
                  key=lambda p: int(re.search(r"(\d+)\.pb$", p).group(1)))
    with tempfile.TemporaryDirectory(prefix="whittle-backend-") as tmp:
        outdir = os.path.join(tmp, "out")
        cmd = [whittle_run, model, "--output-dir", outdir]
        inputs = legacy_bfloat16_inputs(model, inputs, tmp)
        for path in inputs:
            cmd += ["--input", path]
        try:
            proc = subprocess.run(cmd, cwd=tmp, stdin=subprocess.DEVNULL,
                                  stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, timeout=timeout)
        except subprocess.TimeoutExpired:
            return {"status": "fail", "group": "timeout",
                    "message": f"timed out after {timeout:.0f} s"}
        # Paths in messages: relative to the data set, for a stable report.
        stderr = (proc.stderr.decode("utf-8", "replace")
                  .replace(tmp + os.sep, "").replace(data_set + os.sep, ""))
        rc = proc.returncode
        if rc != 0:
            message = first_error_line(stderr)
            if rc == 1:
                key = scope_reason(stderr)
                if key:
                    return {"status": "unsupported", "scope": key,
                            "group": unsupported_group(key, message),
                            "message": strip_location(message)}
                return {"status": "fail",
                        "group": compile_error_group(message),
                        "message": strip_location(message),
                        "input_error": bool(re.match(
                            r"error: input \d+: ", message))}
            status = describe_exit_status(rc)
            return {"status": "fail", "group": f"crash ({status})",
                    "message": status + (f"; {message}" if message else "")}

        produced = sorted(glob.glob(os.path.join(outdir, "output_*.pb")))
        if len(produced) != len(refs):
            return {"status": "fail", "group": "wrong output count",
                    "message": f"{len(produced)} output(s), expected "
                               f"{len(refs)}"}
        for i, ref_path in enumerate(refs):
            try:
                ref = read_tensor(ref_path)
            except Exception as e:  # e.g. a SequenceProto reference
                return {"status": "fail", "group": "unreadable reference",
                        "message": f"cannot read reference output {i}: {e}"}
            try:
                out = read_tensor(os.path.join(outdir, f"output_{i}.pb"))
            except Exception as e:
                return {"status": "fail", "group": "unreadable output",
                        "message": f"cannot read whittle's output {i}: {e}"}
            mismatch = compare(i, ref, out)
            if mismatch:
                return {"status": "fail", "group": mismatch[0],
                        "message": mismatch[1]}
    return None


def run_test(whittle_run, whittle_translate, test_dir, timeout):
    """Runs every data set of one test (stopping at the first that does not
    pass) within `timeout` seconds in all; returns the test's result."""
    start = time.monotonic()
    model = os.path.join(test_dir, "model.onnx")
    data_sets = sorted(glob.glob(os.path.join(test_dir, "test_data_set_*")))
    result = {"status": "pass", "data_sets": len(data_sets)}
    if not data_sets:
        result = {"status": "fail", "group": "no test data",
                  "message": "no test_data_set_* directory"}
    for data_set in data_sets:
        left = timeout - (time.monotonic() - start)
        if left <= 0:
            result = {"status": "fail", "group": "timeout",
                      "message": f"timed out after {timeout:.0f} s"}
            break
        r = run_data_set(whittle_run, model, data_set, left)
        if r:
            r["data_set"] = os.path.basename(data_set)
            result = r
            break
    # whittle-run reads its input files before importing the model, so a
    # model with sequence/optional inputs fails on reading them; ask the
    # importer (import_testdata's run) whether the model is in scope.
    if result.pop("input_error", False) and whittle_translate:
        imported = import_testdata.run_one(whittle_translate, model, timeout)
        if imported["status"] == "out-of-scope":
            message = strip_location(
                first_error_line(imported["stderr"]))
            result = {"status": "unsupported", "scope": imported["reason"],
                      "group": unsupported_group(imported["reason"], message),
                      "message": message}
    result["seconds"] = round(time.monotonic() - start, 3)
    return result


# --------------------------------------------------------------------------
# Finding tests, reporting
# --------------------------------------------------------------------------

def find_tests(data, folders):
    """(folder, test name, test directory) of every model.onnx."""
    present, models = import_testdata.find_models(data, folders)
    tests = []
    for folder, model in models:
        test_dir = os.path.dirname(model)
        tests.append((folder, os.path.relpath(test_dir, data), test_dir))
    return present, tests


def read_list(path):
    names = []
    with open(path) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                names.append(line)
    return names


def count(results, folders):
    counts = {f: dict.fromkeys(STATUSES, 0) for f in folders}
    for r in results.values():
        counts.setdefault(r["folder"], dict.fromkeys(STATUSES, 0))
        counts[r["folder"]][r["status"]] += 1
    totals = dict.fromkeys(STATUSES, 0)
    for c in counts.values():
        for s in STATUSES:
            totals[s] += c[s]
    return counts, totals


def print_table(counts, totals):
    names = list(counts) + ["total"]
    width = max(len(n) for n in names)
    header = (f"{'folder':<{width}}  {'tests':>6} {'pass':>6} {'fail':>6} "
              f"{'unsupported':>12}")
    print(header)
    print("-" * len(header))
    for name in names:
        c = totals if name == "total" else counts[name]
        if name == "total":
            print("-" * len(header))
        print(f"{name:<{width}}  {sum(c.values()):>6} {c['pass']:>6} "
              f"{c['fail']:>6} {c['unsupported']:>12}")


def group_by_reason(results, status):
    groups = collections.defaultdict(list)
    for name, r in results.items():
        if r["status"] == status:
            groups[r["group"]].append(name)
    return sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))


def md_escape(text):
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def write_doc(path, results, counts, totals, meta):
    out = []
    w = out.append
    w("# ONNX backend conformance")
    w("")
    w("<!-- Generated by test/onnx-backend/run_backend_tests.py --doc; "
      "do not edit by hand. -->")
    w("")
    w("Every model of the ONNX backend test data "
      f"(`{meta['data']}/{{{','.join(meta['folders'])}}}`) is compiled "
      "and run with `whittle-run` on each of its `test_data_set_*`; the "
      "outputs are compared like ONNX's backend runner does: shapes and "
      f"dtypes must match, floats within rtol {RTOL:g} / atol {ATOL:g} (NaNs "
      "in the same places), integers and bools exactly. A test passes only "
      "if all its data sets pass. *Unsupported* tests use operators, types "
      "or features outside whittle's scope (see [Exclusions](#exclusions)); "
      "*fail* is everything else that does not match: compile errors, "
      "crashes, timeouts, wrong shapes, dtypes or values.")
    w("")
    w("Regenerate this page, and the list of passing tests that CTest's "
      "`onnx-backend-conformance` checks, with:")
    w("")
    w("```sh")
    w("test/onnx-backend/run_backend_tests.py --whittle-run "
      "build/bin/whittle-run \\")
    w("    --write-passing test/onnx-backend/passing.txt "
      "--doc docs/onnx-backend.md")
    w("```")
    w("")
    w("## Totals")
    w("")
    w("| folder | tests | pass | fail | unsupported | pass rate (in scope) |")
    w("|---|---:|---:|---:|---:|---:|")
    for name in list(counts) + ["**total**"]:
        c = totals if name == "**total**" else counts[name]
        in_scope = c["pass"] + c["fail"]
        rate = f"{100.0 * c['pass'] / in_scope:.1f}%" if in_scope else "–"
        w(f"| {name} | {sum(c.values())} | {c['pass']} | {c['fail']} | "
          f"{c['unsupported']} | {rate} |")
    w("")
    for status, title in (("fail", "Failing tests"),
                          ("unsupported", "Unsupported tests")):
        groups = group_by_reason(results, status)
        n = sum(len(v) for _, v in groups)
        w(f"## {title} ({n})")
        w("")
        if not groups:
            w("None.")
            w("")
            continue
        w("| reason | tests |")
        w("|---|---:|")
        for group, names in groups:
            w(f"| {md_escape(group)} | {len(names)} |")
        w("")
        for group, names in groups:
            w(f"**{md_escape(group)}** ({len(names)})")
            w("")
            # The group says it all for most reasons; list the specific
            # message where it adds something (values, shapes, errors).
            detailed = status == "fail" and not group.startswith(
                "failed to legalize")
            if not detailed:
                w(", ".join(f"`{name}`" for name in sorted(names)))
                w("")
                continue
            for name in sorted(names):
                msg = results[name].get("message", "")
                if group.startswith("dynamic output shape"):
                    msg = msg.split(";", 1)[0]
                if len(msg) > 200:
                    msg = msg[:199] + "…"
                w(f"- `{name}`: {md_escape(msg)}")
            w("")
    w("## Exclusions")
    w("")
    w("A test counts as *unsupported*, not failing, when whittle rejects the "
      "model with one of the importer's scope diagnostics "
      "(`OUT_OF_SCOPE_PATTERNS` in `test/onnx-backend/import_testdata.py`, "
      "the one place that decides what is out of scope):")
    w("")
    scope_counts = collections.Counter(
        r.get("scope") for r in results.values()
        if r["status"] == "unsupported")
    w("| reason | meaning | tests |")
    w("|---|---|---:|")
    for key, _ in import_testdata.OUT_OF_SCOPE_PATTERNS:
        w(f"| `{key}` | {SCOPE_DESCRIPTIONS.get(key, '')} | "
          f"{scope_counts.get(key, 0)} |")
    w(f"| `{BAD_TEST_DATA}` | the stored test data are wrong (see "
      f"[Known test-data issues](#known-test-data-issues)) | "
      f"{scope_counts.get(BAD_TEST_DATA, 0)} |")
    w("")
    w("## Known test-data issues")
    w("")
    w("These tests' stored data contradict the model or the ONNX "
      "specification (`KNOWN_BAD_TEST_DATA` in "
      "`test/onnx-backend/run_backend_tests.py`); they run, and count as "
      "unsupported when they do not pass:")
    w("")
    for name, reason in sorted(KNOWN_BAD_TEST_DATA.items()):
        r = results.get(name)
        outcome = ""
        if r and r.get("whittle_message"):
            outcome = f" (whittle: {md_escape(r['whittle_message'])})"
        elif r:
            outcome = f" ({r['status']})"
        w(f"- `{name}`: {md_escape(reason)}{outcome}")
    w("")
    with open(path, "w") as f:
        f.write("\n".join(out))


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(
        description="Run the ONNX backend test data through whittle-run.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n\n", 1)[1])
    ap.add_argument("--whittle-run", metavar="PATH",
                    help="path to the whittle-run binary")
    ap.add_argument("--whittle-translate", metavar="PATH",
                    help="path to whittle-translate, used to classify models "
                         "whose inputs whittle-run cannot read (default: "
                         "next to whittle-run)")
    ap.add_argument("--data", default=DEFAULT_DATA, metavar="DIR",
                    help=f"ONNX test data root (default {DEFAULT_DATA})")
    ap.add_argument("--folders", default=",".join(DEFAULT_FOLDERS),
                    help="comma-separated subfolders of --data (default "
                         f"{','.join(DEFAULT_FOLDERS)})")
    ap.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1,
                    help="tests run in parallel (default: CPU count)")
    ap.add_argument("--timeout", type=float, default=120.0,
                    help="seconds per test (all its data sets) before it "
                         "fails as 'timeout' (default 120)")
    ap.add_argument("--filter", metavar="REGEX",
                    help="only tests whose name (e.g. node/test_relu) "
                         "matches REGEX")
    ap.add_argument("--passing", metavar="FILE",
                    help="check mode: exit 1 if a test listed in FILE does "
                         "not pass")
    ap.add_argument("--write-passing", metavar="FILE",
                    help="write the list of passing tests to FILE")
    ap.add_argument("--doc", metavar="FILE",
                    help="write the Markdown report to FILE")
    ap.add_argument("--json", metavar="FILE",
                    help="write the raw per-test results to FILE")
    ap.add_argument("--from-json", metavar="FILE",
                    help="read results from an earlier --json instead of "
                         "running the tests")
    ap.add_argument("--verbose", "-v", action="store_true",
                    help="list every test with its result")
    args = ap.parse_args()

    if args.filter and args.write_passing:
        ap.error("--write-passing lists every passing test; do not combine "
                 "it with --filter")
    folders = [f for f in args.folders.split(",") if f]
    start = time.monotonic()
    if args.from_json:
        with open(args.from_json) as f:
            saved = json.load(f)
        results = saved["tests"]
        folders = saved["folders"]
        data = saved["data"]
        jobs = saved.get("jobs")
        wall = saved.get("wall_s", 0.0)
        if args.filter:
            rx = re.compile(args.filter)
            results = {k: v for k, v in results.items() if rx.search(k)}
    else:
        if not args.whittle_run:
            ap.error("--whittle-run is required (unless --from-json)")
        tool = os.path.abspath(args.whittle_run)
        if not (os.path.isfile(tool) and os.access(tool, os.X_OK)):
            sys.exit(f"error: whittle-run not found or not executable: {tool}")
        translate = args.whittle_translate or os.path.join(
            os.path.dirname(tool), "whittle-translate")
        if not os.access(translate, os.X_OK):
            translate = None
        if not os.path.isdir(args.data):
            sys.exit(f"error: test data directory not found: {args.data}")
        if args.jobs < 1:
            sys.exit("error: --jobs must be at least 1")
        data = os.path.abspath(args.data)
        present, tests = find_tests(data, folders)
        missing = [f for f in folders if f not in present]
        if missing:
            print(f"note: no such folder under {data}: {', '.join(missing)}")
        folders = present
        if args.filter:
            rx = re.compile(args.filter)
            tests = [t for t in tests if rx.search(t[1])]
        if not tests:
            sys.exit(f"error: no test matched under {data}")
        jobs = args.jobs
        results = {}
        print(f"running {len(tests)} tests with {jobs} jobs ...", flush=True)
        with concurrent.futures.ProcessPoolExecutor(jobs) as pool:
            futures = {pool.submit(run_test, tool, translate, d,
                                   args.timeout): (f, n)
                       for f, n, d in tests}
            for fut in concurrent.futures.as_completed(futures):
                folder, name = futures[fut]
                try:
                    r = fut.result()
                except Exception as e:  # a bug in this script: report it
                    r = {"status": "fail", "group": "harness error",
                         "message": f"{type(e).__name__}: {e}"}
                results[name] = dict(r, folder=folder)
        wall = time.monotonic() - start
    apply_known_bad_test_data(results)
    results = dict(sorted(results.items()))

    counts, totals = count(results, folders)
    print_table(counts, totals)
    if args.verbose:
        print("\nall tests:")
        for name, r in results.items():
            msg = "" if r["status"] == "pass" else f": {r['message']}"
            print(f"  {r['status']:<11} {name}{msg}")

    print("\nfailure reasons:")
    for group, names in group_by_reason(results, "fail")[:25]:
        print(f"  {len(names):>4}  {group}")
    n = sum(totals.values())
    print(f"\n{n} tests: {totals['pass']} pass, {totals['fail']} fail, "
          f"{totals['unsupported']} unsupported ({wall:.1f} s, "
          f"{jobs} jobs)")

    exit_code = 0
    if args.passing:
        listed = read_list(args.passing)
        if args.filter:
            rx = re.compile(args.filter)
            listed = [t for t in listed if rx.search(t)]
        regressions = [t for t in listed
                       if results.get(t, {}).get("status") != "pass"]
        listed_set = set(listed)
        new = [t for t, r in results.items()
               if r["status"] == "pass" and t not in listed_set]
        if new:
            print(f"\nnewly passing, add them to {args.passing} "
                  f"(--write-passing) ({len(new)}):")
            for t in new:
                print(f"  {t}")
        if regressions:
            print(f"\nREGRESSIONS: {len(regressions)} test(s) listed in "
                  f"{args.passing} do not pass:")
            for t in regressions:
                r = results.get(t)
                why = (f"{r['status']}: {r['message']}" if r
                       else "not found in the test data")
                print(f"  {t}: {why}")
            exit_code = 1
        else:
            print(f"\nall {len(listed)} tests listed in {args.passing} pass")

    if args.write_passing:
        with open(args.write_passing, "w") as f:
            f.write("# Tests of the ONNX backend test data that whittle "
                    "passes; CTest's\n# onnx-backend-conformance fails if "
                    "one of them stops passing.\n# Regenerate with "
                    "test/onnx-backend/run_backend_tests.py "
                    "--write-passing.\n")
            for t, r in results.items():
                if r["status"] == "pass":
                    f.write(t + "\n")
    meta = {"data": data, "folders": folders}
    if args.doc:
        write_doc(args.doc, results, counts, totals, meta)
    if args.json:
        summary = {"data": data, "folders": folders, "jobs": jobs,
                   "timeout_s": args.timeout, "wall_s": round(wall, 2),
                   "generated": datetime.datetime.now(
                       datetime.timezone.utc).isoformat(timespec="seconds"),
                   "totals": totals, "counts": counts, "tests": results}
        write_json(args.json, summary, indent=1)
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
