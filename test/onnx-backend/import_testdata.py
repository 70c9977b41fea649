#!/usr/bin/env python3
# Runs under any Python 3.8+ (stdlib only); use `python3` from PATH.
"""Sweep the ONNX backend test data through whittle's ONNX importer.

For every model.onnx under DATA/{node,pytorch-converted,pytorch-operator,
simple,real} this runs

    whittle-translate --import-onnx MODEL -o /dev/null

(with a timeout) and classifies the result:

  imported      exit status 0
  out-of-scope  exit status 1 with one of the importer's scope diagnostics:
                  "... use operators whittle does not support: ..."
                  "... has element type X (N), which whittle does not support"
                  "... has dynamic dimension ..."
                  "model uses opset N, older/newer than the oldest/newest
                   whittle supports ..."
                  "model does not import the default ONNX operator set"
                   (e.g. only ai.onnx.preview.training)
  failed        exit status 1 otherwise (a diagnosed import error: a bug in
                an op builder/verifier or an unsupported attribute form)
  crash         any other exit status: a signal (abort, segfault), an
                unexpected exit code, or the timeout. A crash is always a bug.

--verbose and --json show the out-of-scope reason of each model
(unsupported-op, element-type, dynamic-dim, opset-range, no-default-opset).

Prints per-folder counts, the totals, and every failure/crash with the first
line of its stderr. Exits 1 if anything failed or crashed, 0 otherwise.

Example:
    test/onnx-backend/import_testdata.py \\
        --whittle-translate build/bin/whittle-translate \\
        --data /usr/share/libonnx-testdata/data --json /tmp/sweep.json
"""

import argparse
import concurrent.futures
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts", "pylib"))
from whittle_testing import describe_exit_status, write_json  # noqa: E402

FOLDERS = ("node", "pytorch-converted", "pytorch-operator", "simple", "real")

# The importer's diagnostics for inputs that are outside whittle's scope.
OUT_OF_SCOPE_PATTERNS = [
    ("unsupported-op", re.compile(r"use operators whittle does not support")),
    ("element-type",
     re.compile(r"has element type .*which whittle does not support")),
    ("dynamic-dim", re.compile(r"has dynamic dimension")),
    ("opset-range",
     re.compile(r"model uses opset \d+, (older|newer) than the "
                r"(oldest|newest) whittle supports")),
    ("no-default-opset",
     re.compile(r"model does not import the default ONNX operator set")),
    # Training graphs, string tensors and non-tensor graph inputs are outside
    # what whittle compiles; the importer says so in these words.
    ("training-mode", re.compile(r"training_mode=1 is not supported")),
    # Dropout's masks in training mode are random: no compiled output can
    # match the stored ones. A runtime training_mode fails to lower, a
    # constant true one fails to verify.
    ("training-dropout",
     re.compile(r"cannot lower Dropout whose training_mode is not a constant "
                r"false|'nn\.dropout' op training_mode=true is not "
                r"supported")),
    ("string-tensor", re.compile(r"Cast to ONNX data type 8 is not supported")),
    ("non-tensor-input",
     re.compile(r"does not support sequence, map or optional inputs")),
]

CATEGORIES = ("imported", "out-of-scope", "failed", "crash")


def find_models(data, folders):
    models = []
    present = []
    for folder in folders:
        root = os.path.join(data, folder)
        if not os.path.isdir(root):
            continue
        present.append(folder)
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames.sort()
            if "model.onnx" in filenames:
                models.append((folder, os.path.join(dirpath, "model.onnx")))
    return present, models


def first_line(text):
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return ""


def run_one(tool, model, timeout):
    cmd = [tool, "--import-onnx", model, "-o", os.devnull]
    start = time.monotonic()
    try:
        proc = subprocess.run(cmd, stdin=subprocess.DEVNULL,
                              stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        stderr = (e.stderr or b"").decode("utf-8", "replace")
        return {"status": "crash", "rc": None, "reason": "timeout",
                "message": f"timed out after {timeout:g} s"
                           + (f"; {first_line(stderr)}" if stderr else ""),
                "stderr": stderr, "seconds": time.monotonic() - start}
    elapsed = time.monotonic() - start
    stderr = proc.stderr.decode("utf-8", "replace")
    rc = proc.returncode
    result = {"rc": rc, "stderr": stderr, "seconds": elapsed,
              "message": first_line(stderr)}
    if rc == 0:
        result["status"] = "imported"
    elif rc == 1:
        for reason, pattern in OUT_OF_SCOPE_PATTERNS:
            if pattern.search(stderr):
                result["status"] = "out-of-scope"
                result["reason"] = reason
                break
        else:
            result["status"] = "failed"
    else:
        result["status"] = "crash"
        result["reason"] = describe_exit_status(rc)
        result["message"] = (describe_exit_status(rc)
                             + (f"; {result['message']}"
                                if result["message"] else ""))
    return result


def relpath(path, data):
    return os.path.relpath(os.path.dirname(path), data)


def main():
    ap = argparse.ArgumentParser(
        description="Import every ONNX backend test model with whittle.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n\n", 1)[1])
    ap.add_argument("--whittle-translate", required=True, metavar="PATH",
                    help="path to the whittle-translate binary")
    ap.add_argument("--data", required=True, metavar="DIR",
                    help="ONNX test data root, e.g. "
                         "/usr/share/libonnx-testdata/data")
    ap.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1,
                    help="parallel imports (default: CPU count)")
    ap.add_argument("--timeout", type=float, default=60.0,
                    help="seconds per model before it counts as a crash "
                         "(default 60)")
    ap.add_argument("--folders", default=",".join(FOLDERS),
                    help="comma-separated subfolders of --data to sweep "
                         f"(default {','.join(FOLDERS)})")
    ap.add_argument("--filter", metavar="REGEX",
                    help="only models whose test directory, relative to "
                         "--data (e.g. node/test_relu), matches REGEX")
    ap.add_argument("--verbose", "-v", action="store_true",
                    help="list every model with its classification")
    ap.add_argument("--json", metavar="F",
                    help="write a JSON summary with per-model results to F")
    ap.add_argument("--expect-file", metavar="F",
                    help="file of 'CATEGORY  PATH' lines (paths relative to "
                         "--data, '#' comments allowed); report models whose "
                         "classification differs, and exit 1 on any "
                         "difference, instead of on failures in general")
    args = ap.parse_args()

    tool = args.whittle_translate
    if not (os.path.isfile(tool) and os.access(tool, os.X_OK)):
        sys.exit(f"error: whittle-translate not found or not executable: "
                 f"{tool}")
    if not os.path.isdir(args.data):
        sys.exit(f"error: test data directory not found: {args.data}")
    if args.jobs < 1:
        sys.exit("error: --jobs must be at least 1")

    folders = [f for f in args.folders.split(",") if f]
    present, models = find_models(args.data, folders)
    if args.filter:
        rx = re.compile(args.filter)
        models = [(f, m) for f, m in models
                  if rx.search(relpath(m, args.data))]
    missing = [f for f in folders if f not in present]
    if missing:
        print(f"note: no such folder under {args.data}: "
              f"{', '.join(missing)}")
    if not models:
        sys.exit(f"error: no model.onnx found under {args.data}")

    start = time.monotonic()
    results = {}
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        futures = {pool.submit(run_one, tool, m, args.timeout): (f, m)
                   for f, m in models}
        for fut in concurrent.futures.as_completed(futures):
            folder, model = futures[fut]
            results[model] = dict(fut.result(), folder=folder)
    wall = time.monotonic() - start

    # Per-folder table.
    counts = {f: dict.fromkeys(CATEGORIES, 0) for f in present}
    for r in results.values():
        counts[r["folder"]][r["status"]] += 1
    totals = dict.fromkeys(CATEGORIES, 0)
    for c in counts.values():
        for k in CATEGORIES:
            totals[k] += c[k]

    width = max(len(f) for f in present + ["total"])
    header = (f"{'folder':<{width}}  {'tried':>6} {'imported':>9} "
              f"{'out-of-scope':>13} {'failed':>7} {'crash':>6}")
    print(header)
    print("-" * len(header))
    for f in present + ["total"]:
        c = totals if f == "total" else counts[f]
        tried = sum(c.values())
        if f == "total":
            print("-" * len(header))
        print(f"{f:<{width}}  {tried:>6} {c['imported']:>9} "
              f"{c['out-of-scope']:>13} {c['failed']:>7} {c['crash']:>6}")

    ordered = sorted(results.items(), key=lambda kv: kv[0])
    if args.verbose:
        print("\nall models:")
        for model, r in ordered:
            extra = f" [{r['reason']}]" if r.get("reason") else ""
            msg = f": {r['message']}" if r["status"] != "imported" else ""
            print(f"  {r['status']:<12} {relpath(model, args.data)}"
                  f"{extra}{msg}")

    for status, title in (("crash", "crashes"), ("failed", "failures")):
        bad = [(m, r) for m, r in ordered if r["status"] == status]
        if bad and not args.verbose:
            print(f"\n{title} ({len(bad)}):")
            for model, r in bad:
                print(f"  {relpath(model, args.data)}: {r['message']}")

    n = sum(totals.values())
    print(f"\ntried {n}, imported {totals['imported']}, out of scope "
          f"{totals['out-of-scope']}, failed {totals['failed']}, crashed "
          f"{totals['crash']} ({wall:.1f} s, {args.jobs} jobs)")

    exit_code = 1 if totals["failed"] or totals["crash"] else 0

    if args.expect_file:
        expected = {}
        with open(args.expect_file) as f:
            for lineno, line in enumerate(f, 1):
                line = line.split("#", 1)[0].strip()
                if not line:
                    continue
                parts = line.split()
                if len(parts) != 2 or parts[0] not in CATEGORIES:
                    sys.exit(f"error: {args.expect_file}:{lineno}: expected "
                             f"'CATEGORY PATH' with CATEGORY one of "
                             f"{', '.join(CATEGORIES)}")
                expected[parts[1].rstrip("/")] = parts[0]
        diffs = []
        for model, r in ordered:
            key = relpath(model, args.data)
            want = expected.get(key)
            if want is not None and want != r["status"]:
                diffs.append(f"  {key}: expected {want}, got {r['status']}"
                             + (f": {r['message']}" if r["message"] else ""))
        print(f"\nexpectations: {len(expected)} listed, {len(diffs)} differ")
        for d in diffs:
            print(d)
        # Crashes are always bugs, expected or not.
        exit_code = 1 if diffs or totals["crash"] else 0

    if args.json:
        summary = {
            "whittle_translate": os.path.abspath(tool),
            "data": os.path.abspath(args.data),
            "jobs": args.jobs,
            "timeout_s": args.timeout,
            "wall_s": round(wall, 2),
            "totals": dict(totals, tried=n),
            "folders": {f: dict(c, tried=sum(c.values()))
                        for f, c in counts.items()},
            "models": [
                {"path": relpath(m, args.data), "status": r["status"],
                 "rc": r["rc"], "reason": r.get("reason"),
                 "message": r["message"], "seconds": round(r["seconds"], 3)}
                for m, r in ordered],
        }
        write_json(args.json, summary)

    return exit_code


if __name__ == "__main__":
    sys.exit(main())
