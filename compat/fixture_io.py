"""Shared writer for golden fixtures: tensors as {shape, dtype, data}, float32 values in the
shortest decimal form that reads back as the same float32, complex interleaved (re, im)."""
import json
import math
import os

import numpy as np
import torch


def f32(v):
    """The shortest decimal that parses (via a double, as JavaScript does) back to float32 v."""
    v = np.float32(v)
    if not math.isfinite(float(v)):
        return 'NaN' if math.isnan(float(v)) else ('Infinity' if v > 0 else '-Infinity')
    s = float(str(v))
    if np.float32(s) != v:  # double rounding would pick the neighbour: keep the exact value
        s = float(v)
    return s


def tensor(t):
    """A torch tensor as JSON: shape, torch dtype name and flat row-major data."""
    t = t.detach().cpu().contiguous()
    dtype = str(t.dtype).replace('torch.', '')
    if t.is_complex():
        flat = torch.view_as_real(t).reshape(-1).numpy()
    else:
        flat = t.reshape(-1).numpy()
    if t.dtype in (torch.float32, torch.complex64):
        data = [f32(x) for x in flat]
    else:
        data = [x.item() for x in flat]
    return {'shape': list(t.shape), 'dtype': dtype, 'data': data}


def write(path, obj):
    with open(path, 'w') as f:
        json.dump(obj, f, separators=(',', ':'))
        f.write('\n')
    print(f'wrote {path}')


def meta():
    # Debian's torch takes its BLAS from the libblas.so.3 alternative (reference BLAS or
    # OpenBLAS); it changes the last bits of matmuls, so the fixtures record which one ran.
    blas = os.path.realpath('/usr/lib/x86_64-linux-gnu/libblas.so.3')
    return {'torch_version': torch.__version__, 'blas': blas,
            'generator': 'compat/ scripts against real PyTorch; do not edit by hand'}
