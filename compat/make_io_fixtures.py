"""Writes the state_dict / safetensors / npy fixtures of test/io-*.spec.ts into fixtures/io/.

Run with Debian's interpreter, which has torch 1.13 and numpy:  /usr/bin/python3 compat/make_io_fixtures.py

torch 1.13 has no `safetensors` package here, so .safetensors files come from compat/safetensors_min.py.
expected.json holds, per file, each tensor as tfjs-torch loads it: shape, tfjs dtype, and the flat
row-major values (float32 as the shortest decimal that round-trips, complex interleaved re, im;
float64/float16/bfloat16 converted with torch's .float(), complex128 with .to(complex64)).
"""
import collections
import json
import math
import os
import sys
import zipfile

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
import safetensors_min  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), '..', 'fixtures', 'io')


def f32(v):
    v = np.float32(v)
    if not math.isfinite(float(v)):
        return 'NaN' if math.isnan(float(v)) else ('Infinity' if v > 0 else '-Infinity')
    s = float(str(v))
    return s if np.float32(s) == v else float(v)


def expected(t):
    """How tfjs-torch loads tensor t: {shape, dtype, data}."""
    t = t.detach().contiguous()
    if t.is_complex():
        flat = torch.view_as_real(t.to(torch.complex64)).reshape(-1).numpy()
        return {'shape': list(t.shape), 'dtype': 'complex64', 'data': [f32(x) for x in flat]}
    if t.is_floating_point():
        return {'shape': list(t.shape), 'dtype': 'float32', 'data': [f32(x) for x in t.float().reshape(-1).numpy()]}
    if t.dtype == torch.bool:
        return {'shape': list(t.shape), 'dtype': 'bool', 'data': [int(x) for x in t.reshape(-1)]}
    return {'shape': list(t.shape), 'dtype': 'int32', 'data': [int(x) for x in t.reshape(-1)]}


def lstm_configs():
    torch.manual_seed(0)
    return {
        'lstm_basic': torch.nn.LSTM(4, 3),
        'lstm_nobias_2layer': torch.nn.LSTM(4, 3, num_layers=2, bias=False),
        'lstm_proj_bidir': torch.nn.LSTM(3, 4, proj_size=2, bidirectional=True, batch_first=True),
        'lstm_complex64': torch.nn.LSTM(3, 2, dtype=torch.complex64),
    }


def mixed_tensors():
    torch.manual_seed(1)
    base = torch.randn(4, 5)
    special = torch.tensor([0.0, -0.0, float('inf'), float('-inf'), float('nan'), 1e-40, 3.4e38, 1 / 3])
    return {
        'f64': torch.randn(2, 3, dtype=torch.float64),
        'f16': torch.tensor([1.5, -2.25, 65504.0, 6e-8, -0.0, float('inf')], dtype=torch.float16),
        'bf16': torch.randn(3, 2).to(torch.bfloat16),
        'i64': torch.tensor([[-(2 ** 31), 2 ** 31 - 1], [0, -7]], dtype=torch.int64),
        'i32': torch.tensor([1, -2, 3], dtype=torch.int32),
        'i16': torch.tensor([-32768, 32767], dtype=torch.int16),
        'i8': torch.tensor([-128, 5, 127], dtype=torch.int8),
        'u8': torch.tensor([0, 200, 255], dtype=torch.uint8),
        'flags': torch.tensor([[True, False], [False, True]]),
        'c128': torch.randn(3, dtype=torch.complex128),
        'special': special,
        'scalar': torch.tensor(2.5),
        'empty': torch.zeros(0, 3),
        'base': base,
        'transposed': base.t(),       # non-contiguous view of base's storage
        'row_slice': base[1:3],       # offset view sharing base's storage
        'col_slice': base[:, 1::2],   # strided view sharing base's storage
        'expanded': torch.arange(3.0).expand(2, 3),  # stride 0
    }


def contiguous(d):
    return {k: v.detach().contiguous().clone() for k, v in d.items()}


def main():
    os.makedirs(OUT, exist_ok=True)
    exp = {}

    def record(fname, sd):
        exp[fname] = {k: expected(v) for k, v in sd.items()}

    for name, m in lstm_configs().items():
        sd = m.state_dict()
        torch.save(sd, os.path.join(OUT, f'{name}.pt'))
        record(f'{name}.pt', sd)
        torch.save(sd, os.path.join(OUT, f'{name}_legacy.pt'), _use_new_zipfile_serialization=False)
        record(f'{name}_legacy.pt', sd)
        safetensors_min.save_file(contiguous(sd), os.path.join(OUT, f'{name}.safetensors'))
        record(f'{name}.safetensors', sd)

    mixed = mixed_tensors()
    torch.save(mixed, os.path.join(OUT, 'tensors.pt'))
    record('tensors.pt', mixed)
    torch.save(mixed, os.path.join(OUT, 'tensors_legacy.pt'), _use_new_zipfile_serialization=False)
    record('tensors_legacy.pt', mixed)
    # The same archive re-zipped with deflate (torch itself always stores).
    with zipfile.ZipFile(os.path.join(OUT, 'tensors.pt')) as src, \
            zipfile.ZipFile(os.path.join(OUT, 'tensors_deflated.pt'), 'w', zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
    record('tensors_deflated.pt', mixed)
    st = {k: v for k, v in contiguous(mixed).items() if v.dtype != torch.complex128}
    st['c64'] = torch.randn(2, 2, dtype=torch.complex64)
    safetensors_min.save_file(st, os.path.join(OUT, 'tensors.safetensors'), metadata={'format': 'pt'})
    record('tensors.safetensors', st)

    # Files that must be rejected.
    torch.save({'big': torch.tensor([2 ** 40], dtype=torch.int64)}, os.path.join(OUT, 'int64_overflow.pt'))
    torch.save({'huge': torch.zeros(1).expand(10 ** 9)}, os.path.join(OUT, 'expanded_huge.pt'))
    torch.save({'w': torch.zeros(2), 'counter': collections.Counter(a=1)}, os.path.join(OUT, 'unsafe_global.pt'))

    # NumPy .npy files (loaded with npy.load).
    rng = np.random.default_rng(2)
    arrays = {
        'f4': rng.standard_normal((2, 3)).astype('<f4'),
        'f8': rng.standard_normal((3, 2)),
        'f2': np.array([0.5, -1.0, 65504, 6e-8], dtype='<f2'),
        'c8': (rng.standard_normal(3) + 1j * rng.standard_normal(3)).astype('<c8'),
        'i4': np.array([[1, -2], [3, 2 ** 31 - 1]], dtype='<i4'),
        'i8': np.array([-(2 ** 31), 0, 5], dtype='<i8'),
        'i2': np.array([-5, 300], dtype='<i2'),
        'u1': np.array([0, 128, 255], dtype='|u1'),
        'b1': np.array([[True, False, True]]),
        'scalar': np.array(3.25, dtype='<f4'),
        'fortran': np.asfortranarray(rng.standard_normal((2, 3, 4)).astype('<f4')),
        'big_endian': np.array([1.5, -2.0, 3.0], dtype='>f4'),
    }
    for name, a in arrays.items():
        np.save(os.path.join(OUT, f'{name}.npy'), a)
        exp[f'{name}.npy'] = {'array': expected(torch.from_numpy(a.astype(a.dtype.newbyteorder('='), order='C')))}
    for version in [(2, 0), (3, 0)]:
        fname = f'f4_v{version[0]}.npy'
        with open(os.path.join(OUT, fname), 'wb') as f:
            np.lib.format.write_array(f, arrays['f4'], version=version)
        exp[fname] = {'array': expected(torch.from_numpy(arrays['f4']))}

    with open(os.path.join(OUT, 'expected.json'), 'w') as f:
        json.dump(exp, f, separators=(',', ':'))
        f.write('\n')
    total = sum(os.path.getsize(os.path.join(OUT, n)) for n in os.listdir(OUT))
    print(f'wrote {len(os.listdir(OUT))} files, {total} bytes, into {os.path.normpath(OUT)}')


if __name__ == '__main__':
    main()
