# Runs under build/venv/bin/python3 (the test's %python): compares the
# design reports of target-hls-compression.test's three projects.
import json
import os
import sys


def totals(name):
    with open(os.path.join(sys.argv[1], name, "report.json")) as f:
        report = json.load(f)
    return report["solver"]["status"], report["totals"]


_, dense = totals("dense")
status, block = totals("block")
print(f"block: {status}, fewer cycles per frame than dense: "
      f"{block['cycles_per_frame'] < dense['cycles_per_frame']}")
status, factorized = totals("factorized")
print(f"factorized: {status}, fewer cycles per frame than dense: "
      f"{factorized['cycles_per_frame'] < dense['cycles_per_frame']}, "
      f"fewer BRAM18: {factorized['bram18'] < dense['bram18']}")
