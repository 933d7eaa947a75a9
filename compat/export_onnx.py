#!/usr/bin/python3
"""Benchmark fixtures from real PyTorch: weights, a reference input/output and ONNX exports.

For each benchmark workload (bench/workloads.ts mirrors the table below) this writes, under
fixtures/onnx/:

    <W>/<param>.npy       the state_dict, one float32 (or complex64) .npy per parameter
    <W>/input.npy         the input (L, N, H_in)
    <W>/output.npy        PyTorch's output, h_n.npy and c_n.npy (eval mode, torch.no_grad)
    <W>.onnx              torch.onnx.export(opset 14), when torch can export it
    <W>.json              a manifest: config, seed, parameter names/shapes, torch version,
                          and "onnx": null plus "onnx_error" when the export failed

torch.onnx.export fails for proj_size > 0 and for complex dtypes: the manifest records that and
the benchmark reports "no ONNX peer". The big files (W1, W3, W4: several MB) are not meant to be
committed: bench/run.ts calls this script itself when they are missing and torch is present.

    /usr/bin/python3 compat/export_onnx.py [W1 W2 ...] [--out DIR]
"""
import json
import os
import sys
import traceback
import warnings

import numpy as np
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(HERE, '..', 'fixtures', 'onnx')

# Keep in sync with bench/workloads.ts.
WORKLOADS = {
    'W1': dict(T=100, N=32, I=128, H=256, layers=2, bidirectional=False, proj=0, dtype='float32'),
    'W2': dict(T=50, N=1, I=64, H=128, layers=1, bidirectional=False, proj=0, dtype='float32'),
    'W3': dict(T=100, N=32, I=128, H=256, layers=2, bidirectional=True, proj=0, dtype='float32'),
    'W4': dict(T=100, N=32, I=128, H=256, layers=2, bidirectional=False, proj=64, dtype='float32'),
    'W5': dict(T=50, N=1, I=64, H=128, layers=1, bidirectional=False, proj=0, dtype='complex64'),
}
SEEDS = {'W1': 101, 'W2': 102, 'W3': 103, 'W4': 104, 'W5': 105}


def build(name):
    """The workload's module (seeded init, eval mode) and input, as the benchmark uses them."""
    w = WORKLOADS[name]
    dtype = torch.complex64 if w['dtype'] == 'complex64' else torch.float32
    torch.manual_seed(SEEDS[name])
    lstm = nn.LSTM(input_size=w['I'], hidden_size=w['H'], num_layers=w['layers'],
                   bidirectional=w['bidirectional'], proj_size=w['proj'], dtype=dtype).eval()
    torch.manual_seed(SEEDS[name] + 1000)
    x = torch.randn(w['T'], w['N'], w['I'], dtype=dtype)
    return lstm, x


def export(name, out_dir):
    lstm, x = build(name)
    wdir = os.path.join(out_dir, name)
    os.makedirs(wdir, exist_ok=True)
    params = []
    for k, v in lstm.state_dict().items():
        np.save(os.path.join(wdir, k + '.npy'), v.detach().numpy())
        params.append({'name': k, 'shape': list(v.shape)})
    with torch.no_grad():
        out, (h, c) = lstm(x)
    for k, v in (('input', x), ('output', out), ('h_n', h), ('c_n', c)):
        np.save(os.path.join(wdir, k + '.npy'), v.numpy())
    manifest = {
        'workload': name, 'config': WORKLOADS[name], 'seed': SEEDS[name],
        'torch_version': torch.__version__, 'params': params,
        'input_shape': list(x.shape), 'output_shape': list(out.shape),
        'onnx': None, 'onnx_error': None,
    }
    onnx_path = os.path.join(out_dir, name + '.onnx')
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            torch.onnx.export(lstm, (x,), onnx_path, opset_version=14,
                              input_names=['input'], output_names=['output', 'h_n', 'c_n'])
        manifest['onnx'] = name + '.onnx'
    except Exception as e:  # noqa: BLE001 - recorded as "no ONNX peer"
        msg = f'{type(e).__name__}: {e}'.strip().splitlines()
        manifest['onnx_error'] = msg[0][:300] if msg else type(e).__name__
        if os.path.exists(onnx_path):
            os.remove(onnx_path)
        if os.environ.get('EXPORT_ONNX_VERBOSE'):
            traceback.print_exc()
    with open(os.path.join(out_dir, name + '.json'), 'w') as f:
        json.dump(manifest, f, indent=1)
    status = manifest['onnx'] or f"no ONNX ({manifest['onnx_error']})"
    print(f'{name}: {wdir} + {status}', flush=True)


def main(argv):
    out_dir = DEFAULT_OUT
    names = []
    i = 0
    while i < len(argv):
        if argv[i] == '--out':
            out_dir = argv[i + 1]
            i += 2
            continue
        names.append(argv[i])
        i += 1
    torch.set_num_threads(1)
    os.makedirs(out_dir, exist_ok=True)
    for name in names or list(WORKLOADS):
        export(name, out_dir)


if __name__ == '__main__':
    main(sys.argv[1:])
