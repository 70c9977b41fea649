"""Writes .npy files whose headers lie, into OUT_DIR, one per case below,
and ONNX TensorProto (.pb) files whose dimensions and data disagree.

    make_hostile_npy.py OUT_DIR

Each holds 48 bytes of data (twelve float32 values) unless its case says
otherwise; the header is written by hand (version 1 unless noted), padded
as NumPy pads it.
"""

import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                *[".."] * 4, "scripts", "pylib"))
from whittle_testing import tensor_proto  # noqa: E402

DATA = struct.pack("<12f", *range(12))


def npy(header, data=DATA, version=1, length=None):
    text = header.encode("latin1")
    if version == 1:
        total = 10 + len(text) + 1
        text += b" " * ((64 - total % 64) % 64) + b"\n"
        prefix = struct.pack("<H", len(text) if length is None else length)
    else:
        total = 12 + len(text) + 1
        text += b" " * ((64 - total % 64) % 64) + b"\n"
        prefix = struct.pack("<I", len(text) if length is None else length)
    return b"\x93NUMPY" + bytes([version, 0]) + prefix + text + data


def header(descr="<f4", fortran="False", shape="(4, 3)"):
    return ("{'descr': '%s', 'fortran_order': %s, 'shape': %s, }"
            % (descr, fortran, shape))


CASES = {
    "good": npy(header()),
    # 10^12 elements declared, 48 bytes held.
    "huge-shape": npy(header(shape="(1000000, 1000000)")),
    # 2^80 elements: wraps around in unchecked 64-bit arithmetic.
    "overflow-shape": npy(header(shape="(1099511627776, 1099511627776)")),
    "negative-shape": npy(header(shape="(-4, 3)")),
    "short-data": npy(header(), data=DATA[:40]),
    "long-data": npy(header(), data=DATA + b"\0" * 8),
    "complex-dtype": npy(header(descr="<c8")),
    "object-dtype": npy(header(descr="|O")),
    "big-endian": npy(header(descr=">f4")),
    "fortran-order": npy(header(fortran="True")),
    "no-shape": npy("{'descr': '<f4', 'fortran_order': False, }"),
    # The header length says more than the file holds.
    "truncated-header": npy(header())[:40],
    "huge-header-v1": npy(header(), length=0xFFFF),
    "huge-header-v2": npy(header(), version=2, length=0xFFFFFFF0),
    "version-9": npy(header(), version=9),
    "magic-only": b"\x93NUMPY",
}


PB_CASES = {
    "pb-float-short": dict(dims=[4, 3], float_data=list(range(11))),
    "pb-both": dict(dims=[4, 3], raw_data=DATA, float_data=list(range(12))),
    "pb-wrong-field": dict(dims=[4, 3], int64_data=list(range(12))),
    "pb-overflow": dict(dims=[1 << 32, 1 << 32], raw_data=b""),
    "pb-huge": dict(dims=[1000000, 1000000], raw_data=DATA),
    "pb-negative": dict(dims=[-4, -3], raw_data=DATA),
}


def main():
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    for name, data in CASES.items():
        with open(os.path.join(out_dir, name + ".npy"), "wb") as f:
            f.write(data)
    from onnx import TensorProto

    for name, fields in PB_CASES.items():
        with open(os.path.join(out_dir, name + ".pb"), "wb") as f:
            f.write(tensor_proto("x", TensorProto.FLOAT,
                                 **fields).SerializeToString())


if __name__ == "__main__":
    main()
