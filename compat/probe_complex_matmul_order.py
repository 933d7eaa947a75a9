"""How torch sums a complex64 matmul on the CPU (the order the GPU complex kernels follow).

Run with Debian's torch: /usr/bin/python3 compat/probe_complex_matmul_order.py
Each probe uses values whose float32 sums differ by order, and prints what torch gives:
  1. bias last:   linear(a, w, b) with products 1e8, -1e8 and bias 1 -> 1 (bias first would give 0)
  2. k in order:  products 1, 1e8, -1e8 -> 0, products 1e8, -1e8, 1 -> 1
  3. complex accumulation: sum of (1+1j)(1e8+1e8j) and 1 -> real part 1 (four real sums: 0)
  4. no fused multiply-add in a complex product: Im((x+xi)(x-xi)) == 0 exactly
It exits non-zero if torch (its BLAS) sums otherwise.
"""
import os

import numpy as np
import torch

c64 = torch.complex64


def lin(a, w, b=None):
    a = torch.tensor([a], dtype=c64)
    w = torch.tensor([w], dtype=c64)
    b = None if b is None else torch.tensor(b, dtype=c64)
    return torch.nn.functional.linear(a, w, b)[0, 0].item()


x = float(np.float32(1 + 2 ** -12))
probes = [
    ('bias last', lin([1, 1], [1e8, -1e8], [1]), 1),
    ('k in order (1, 1e8, -1e8)', lin([1, 1, 1], [1, 1e8, -1e8]), 0),
    ('k in order (1e8, -1e8, 1)', lin([1, 1, 1], [1e8, -1e8, 1]), 1),
    ('complex products accumulated', lin([1 + 1j, 1], [1e8 + 1e8j, 1]).real, 1),
    ('no FMA in a complex product', lin([complex(x, x)], [complex(x, -x)]).imag, 0),
]
ok = True
blas = '/etc/alternatives/libblas.so.3-x86_64-linux-gnu'
print(f'torch {torch.__version__}, libblas.so.3 -> {os.path.realpath(blas) if os.path.exists(blas) else "?"}'
      f'{", LD_LIBRARY_PATH=" + os.environ["LD_LIBRARY_PATH"] if os.environ.get("LD_LIBRARY_PATH") else ""}')
for name, got, want in probes:
    print(f'{name}: {got} (expected {want})')
    ok &= (complex(got) == complex(want))
raise SystemExit(0 if ok else 1)
