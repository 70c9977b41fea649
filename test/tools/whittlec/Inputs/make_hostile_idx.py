"""Writes IDX files (the Fashion-MNIST format) that are cut short or whose
headers lie, into OUT_DIR, one per case below, raw and gzip-compressed.

    make_hostile_idx.py OUT_DIR

good-images-idx3-ubyte holds four 28x28 uint8 images, good-labels-idx1-ubyte
their four labels.
"""

import gzip
import os
import struct
import sys


def idx(type_code, dims, data):
    return (bytes([0, 0, type_code, len(dims)]) +
            b"".join(struct.pack(">I", d) for d in dims) + data)


IMAGES = bytes(i % 256 for i in range(4 * 28 * 28))

CASES = {
    "good-images-idx3-ubyte": idx(0x08, [4, 28, 28], IMAGES),
    "good-labels-idx1-ubyte": idx(0x08, [4], bytes([0, 1, 2, 3])),
    "short-labels-idx1-ubyte": idx(0x08, [4], bytes([0, 1])),
    "truncated-images-idx3-ubyte": idx(0x08, [4, 28, 28], IMAGES[:1000]),
    "long-images-idx3-ubyte": idx(0x08, [4, 28, 28], IMAGES + b"\0" * 10),
    "header-images-idx3-ubyte": bytes([0, 0, 8, 3, 0, 0, 0, 4, 0]),
    "magic-images-idx3-ubyte": bytes([1, 2, 8, 3]) + IMAGES,
    "short-magic-idx3-ubyte": bytes([0, 0]),
    "rank0-images-idx3-ubyte": bytes([0, 0, 8, 0]),
    "type-images-idx3-ubyte": idx(0x0A, [4, 28, 28], IMAGES),
    # 2^256 elements: wraps around in unchecked 64-bit arithmetic.
    "overflow-images-idx3-ubyte": idx(0x08, [0xFFFFFFFF] * 8, b""),
    # 2^31 images declared (1.6 TB), 100 bytes held.
    "huge-images-idx3-ubyte": idx(0x08, [0x7FFFFFFF, 28, 28], b"\0" * 100),
}


def main():
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    for name, data in CASES.items():
        with open(os.path.join(out_dir, name), "wb") as f:
            f.write(data)
        with open(os.path.join(out_dir, name + ".gz"), "wb") as f:
            f.write(gzip.compress(data, mtime=0))
    good = gzip.compress(CASES["good-images-idx3-ubyte"], mtime=0)
    with open(os.path.join(out_dir, "cut-images-idx3-ubyte.gz"), "wb") as f:
        f.write(good[:len(good) // 2])
    # A small header over 64 MB of zeros (64 KB compressed): only what the
    # header promises, and one byte more, is decompressed.
    bomb = idx(0x08, [4, 28, 28], bytes(64 << 20))
    with open(os.path.join(out_dir, "bomb-images-idx3-ubyte.gz"), "wb") as f:
        f.write(gzip.compress(bomb, mtime=0))


if __name__ == "__main__":
    main()
