#!/usr/bin/python3
"""PyTorch's side of `npm run bench`: times nn.LSTM forward (eval, torch.no_grad, 2 threads) on
the weights and input compat/export_onnx.py wrote, checks it against the saved reference, and
reports which BLAS actually ran.

    /usr/bin/python3 compat/bench_torch.py '{"workloads": ["W1"], "policy": {...}}'

Prints `RESULT {json}` lines on stdout: first {"info": ...} (versions, BLAS, threads,
OPENBLAS_CORETYPE), then one per workload; progress lines (indented) on stderr.
"""
import ctypes
import json
import os
import re
import statistics
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export_onnx import DEFAULT_OUT, WORKLOADS  # noqa: E402


def log(msg):
    print('  ' + msg, file=sys.stderr, flush=True)


def blas_info():
    """Which BLAS/LAPACK libraries are mapped into this process, and OpenBLAS's own report."""
    a = torch.randn(64, 64)
    (a @ a).sum().item()
    libs = set()
    with open('/proc/self/maps') as f:
        for line in f:
            path = line.split()[-1] if len(line.split()) >= 6 else ''
            if any(k in path for k in ('blas', 'lapack', 'mkl')):
                libs.add(os.path.realpath(path))
    openblas = None
    for lib in sorted(libs):
        if 'openblas' in lib:
            try:
                h = ctypes.CDLL(lib)
                h.openblas_get_config.restype = ctypes.c_char_p
                h.openblas_get_corename.restype = ctypes.c_char_p
                openblas = {'config': h.openblas_get_config().decode(),
                            'corename': h.openblas_get_corename().decode(),
                            'num_threads': h.openblas_get_num_threads()}
            except (OSError, AttributeError):
                pass
            break
    build = re.findall(r'BLAS_INFO=(\w+)', torch.__config__.show())
    return {
        'torch': torch.__version__,
        'build_blas_info': build[0] if build else None,
        'mapped_libs': sorted(libs),
        'openblas': openblas,
        'OPENBLAS_CORETYPE': os.environ.get('OPENBLAS_CORETYPE'),
        'torch_threads': torch.get_num_threads(),
        'mkldnn_enabled': bool(torch.backends.mkldnn.enabled),
    }


def load(name, fixtures):
    w = WORKLOADS[name]
    m = json.load(open(os.path.join(fixtures, name + '.json')))
    dtype = torch.complex64 if w['dtype'] == 'complex64' else torch.float32
    lstm = torch.nn.LSTM(input_size=w['I'], hidden_size=w['H'], num_layers=w['layers'],
                         bidirectional=w['bidirectional'], proj_size=w['proj'], dtype=dtype).eval()
    npy = lambda k: torch.from_numpy(np.load(os.path.join(fixtures, name, k + '.npy')))  # noqa: E731
    lstm.load_state_dict({p['name']: npy(p['name']) for p in m['params']})
    return lstm, npy('input'), npy('output'), npy('h_n'), npy('c_n')


def time_runs(fn, p):
    last = 0.0
    for _ in range(max(1, p['warmup'])):
        t0 = time.perf_counter()
        fn()
        last = (time.perf_counter() - t0) * 1000
    capped = last > p['slowMs']
    runs = p['slowRuns'] if capped else min(p['maxRuns'], max(p['minRuns'], int(p['budgetMs'] // max(last, 1e-3))))
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return {'samples': samples, 'medianMs': statistics.median(samples), 'minMs': min(samples), 'capped': capped}


def main():
    args = json.loads(sys.argv[1])
    fixtures = args.get('fixtures', DEFAULT_OUT)
    torch.set_num_threads(args.get('threads', 2))
    print('RESULT ' + json.dumps({'info': blas_info()}), flush=True)
    for name in args['workloads']:
        lstm, x, out_ref, h_ref, c_ref = load(name, fixtures)
        with torch.no_grad():
            out, (h, c) = lstm(x)
            diff = max(float((a - b).abs().max()) for a, b in ((out, out_ref), (h, h_ref), (c, c_ref)))
            log(f'[{name}] PyTorch: max|Δ| vs reference {diff:.2e}; timing')
            timing = time_runs(lambda: lstm(x), args['policy'])
        print('RESULT ' + json.dumps({'workload': name, 'maxAbsDiff': diff, 'timing': timing}), flush=True)


if __name__ == '__main__':
    main()
