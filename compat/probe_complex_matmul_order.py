"""How torch sums a complex64 matmul on the CPU (the order the GPU complex kernels follow).

Run with Debian's torch: /usr/bin/python3 compat/probe_complex_matmul_order.py
Each probe uses values whose float32 sums differ by order, and prints what torch gives:
  1. bias last:   linear(a, w, b) with products 1e8, -1e8 and bias 1 -> 1 (bias first would give 0)
  2. k in order:  products 1, 1e8, -1e8 -> 0, products 1e8, -1e8, 1 -> 1
  3. complex accumulation: sum of (1+1j)(1e8+1e8j) and 1 -> real part 1 (four real sums: 0)
  4. no fused multiply-add in a complex product: Im((x+xi)(x-xi)) == 0 exactly
It exits non-zero if torch (its BLAS) sums otherwise. With --write it also writes the probes
(inputs and torch's results) to fixtures/lstm/complex_matmul_order.json, which the complex
kernels' tests replay (test/lstm-complex-kernel.spec.ts); written with the system's BLAS alternative
(reference BLAS), like the other fixtures.
"""
import json
import os
import sys

import numpy as np
import torch

c64 = torch.complex64


cases = []


def pair(z):
    return [float(np.float32(complex(z).real)), float(np.float32(complex(z).imag))]


def lin(a, w, b=None):
    at = torch.tensor([a], dtype=c64)
    wt = torch.tensor([w], dtype=c64)
    bt = None if b is None else torch.tensor(b, dtype=c64)
    got = torch.nn.functional.linear(at, wt, bt)[0, 0].item()
    cases.append({'a': [pair(z) for z in a], 'w': [pair(z) for z in w], 'b': None if b is None else [pair(z) for z in b],
                  'torch': pair(got)})
    return got


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
if ok and '--write' in sys.argv:
    for (name, _, _), case in zip(probes, cases):
        case['name'] = name
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures', 'lstm', 'complex_matmul_order.json')
    with open(out, 'w') as fh:
        json.dump({'torch': torch.__version__, 'cases': cases}, fh, indent=1)
        fh.write('\n')
    print(f'wrote {os.path.relpath(out)}')
raise SystemExit(0 if ok else 1)
