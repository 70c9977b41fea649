#!/usr/bin/env python3
"""Compares two .npy outputs: prints 'match' when max |a - b| <= tol * max |a|.

Uses the default python3 (numpy). Usage: compare_outputs.py A.npy B.npy TOL
"""
import sys

import numpy as np

a, b = np.load(sys.argv[1]), np.load(sys.argv[2])
tol = float(sys.argv[3])
diff = float(np.max(np.abs(a - b)))
scale = float(np.max(np.abs(a)))
print(f"{'match' if a.shape == b.shape and diff <= tol * scale else 'MISMATCH'}"
      f" shape {list(a.shape)} max diff {diff:.3g} of {scale:.3g}")
