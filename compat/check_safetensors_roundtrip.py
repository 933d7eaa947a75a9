"""Checks a safetensors file written by tfjs-torch's JS writer against the torch.save file its
tensors were loaded from.

    /usr/bin/python3 compat/check_safetensors_roundtrip.py WRITTEN.safetensors SOURCE.pt

Reads WRITTEN with compat/safetensors_min.py (the `safetensors` package is not installed with
Debian's torch 1.13; the real package is used instead when importable), checks the layout rules
of the Rust crate (8-byte header padding with spaces; data laid out and listed by dtype rank
descending, then name; offsets tiling the data), then compares every tensor bit for bit with
torch.load(SOURCE)[name] converted the way tfjs-torch loads it (floats -> float32, complex ->
complex64, integers -> int32, bool). Prints OK and exits 0, or prints the problems and exits 1.
"""
import json
import os
import struct
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
import safetensors_min  # noqa: E402


def as_loaded(t):
    if t.is_complex():
        return t.to(torch.complex64)
    if t.is_floating_point():
        return t.float()
    if t.dtype == torch.bool:
        return t
    return t.to(torch.int32)


def bits(t):
    t = t.contiguous()
    if t.is_complex():
        t = torch.view_as_real(t)
    if t.dtype == torch.float32:
        return t.view(torch.int32)
    return t


def main(written, source):
    data = open(written, 'rb').read()
    problems = []
    (n,) = struct.unpack('<Q', data[:8])
    raw_header = data[8:8 + n]
    if n % 8:
        problems.append(f'header length {n} is not a multiple of 8')
    if raw_header != raw_header.rstrip(b' ') + b' ' * (len(raw_header) - len(raw_header.rstrip(b' '))):
        problems.append('header padding is not spaces')
    try:
        from safetensors.torch import load as st_load  # the real package, when present
        tensors = st_load(data)
        header = json.loads(raw_header.decode())
    except ImportError:
        header, tensors = safetensors_min.load(data)
    names = [k for k in header if k != '__metadata__']
    want_order = sorted(names)
    want_order.sort(key=lambda k: safetensors_min.RANK.index(header[k]['dtype']), reverse=True)
    if names != want_order:
        problems.append(f'header order {names} is not the Rust crate order {want_order}')
    at = 0
    for k in names:
        b, e = header[k]['data_offsets']
        if b != at:
            problems.append(f'{k}: data starts at {b}, expected {at}')
        at = e
    if at != len(data) - 8 - n:
        problems.append(f'data covers {at} of {len(data) - 8 - n} bytes')
    ref = torch.load(source)
    for k in names:
        want = as_loaded(ref[k])
        got = tensors[k]
        if got.dtype != want.dtype or list(got.shape) != list(want.shape):
            problems.append(f'{k}: got {got.dtype} {list(got.shape)}, want {want.dtype} {list(want.shape)}')
        elif not torch.equal(bits(got), bits(want)):
            problems.append(f'{k}: values differ')
    if problems:
        print('\n'.join(problems))
        return 1
    print(f'OK: {len(names)} tensors match {source}')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1], sys.argv[2]))
