"""A minimal safetensors reader/writer (the `safetensors` package is not installed with Debian's
torch 1.13). Follows the format spec: 8-byte little-endian header length, JSON header
{name: {dtype, shape, data_offsets}} plus optional __metadata__, space-padded to 8 bytes, then
the little-endian data. The writer lays tensors out like the Rust crate's `prepare`: by dtype
(the crate's Dtype enum order, descending), then by name; the header lists them in that order."""
import json
import struct

import numpy as np
import torch

# The Rust crate's Dtype enum order (the subset torch 1.13 can represent).
RANK = ['BOOL', 'U8', 'I8', 'I16', 'U16', 'F16', 'BF16', 'I32', 'U32', 'F32', 'C64', 'F64', 'I64', 'U64']
NAMES = {
    torch.float32: 'F32', torch.float64: 'F64', torch.float16: 'F16', torch.bfloat16: 'BF16',
    torch.int64: 'I64', torch.int32: 'I32', torch.int16: 'I16', torch.int8: 'I8', torch.uint8: 'U8',
    torch.bool: 'BOOL', torch.complex64: 'C64',
}
DTYPES = {v: k for k, v in NAMES.items()}


def _raw(t):
    t = t.detach().contiguous()
    if t.dtype == torch.bfloat16:  # numpy has no bfloat16: go through int16 bits
        return t.view(torch.int16).numpy().astype('<i2').tobytes()
    return t.numpy().astype(t.numpy().dtype.newbyteorder('<')).tobytes()


def save(tensors, metadata=None):
    items = sorted(tensors.items(), key=lambda kv: kv[0])
    items.sort(key=lambda kv: RANK.index(NAMES[kv[1].dtype]), reverse=True)
    header, chunks, offset = {}, [], 0
    if metadata is not None:
        header['__metadata__'] = metadata
    for name, t in items:
        raw = _raw(t)
        header[name] = {'dtype': NAMES[t.dtype], 'shape': list(t.shape),
                        'data_offsets': [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    h = json.dumps(header, separators=(',', ':')).encode()
    h += b' ' * ((8 - len(h) % 8) % 8)
    return struct.pack('<Q', len(h)) + h + b''.join(chunks)


def save_file(tensors, path, metadata=None):
    with open(path, 'wb') as f:
        f.write(save(tensors, metadata))


def load(data):
    """Returns (header dict in file order, {name: tensor})."""
    (n,) = struct.unpack('<Q', data[:8])
    header = json.loads(data[8:8 + n].decode())
    body = data[8 + n:]
    out = {}
    for name, info in header.items():
        if name == '__metadata__':
            continue
        b, e = info['data_offsets']
        dt = DTYPES[info['dtype']]
        raw = bytearray(body[b:e])
        if dt == torch.bfloat16:
            t = torch.from_numpy(np.frombuffer(raw, dtype='<i2').copy()).view(torch.bfloat16)
        else:
            t = torch.frombuffer(raw, dtype=dt) if len(raw) else torch.empty(0, dtype=dt)
        out[name] = t.reshape(info['shape'])
    return header, out
