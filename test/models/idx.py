"""Reading IDX files (Fashion-MNIST's format, gzip-compressed as Debian's
dataset-fashion-mnist ships them). Imported by the scripts beside it;
runs under any python3 with numpy."""
import gzip

import numpy as np


def read_idx(path):
    """The array stored in the gzip-compressed IDX file `path` (uint8)."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big")
            for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8,
                         offset=4 + 4 * ndim).reshape(dims)
