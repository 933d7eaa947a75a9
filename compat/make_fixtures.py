#!/usr/bin/python3
"""Golden fixtures for nn.LSTM from real PyTorch (Debian python3-torch; run with /usr/bin/python3).

Writes fixtures/lstm/*.json and fixtures/random/*.json. The LSTM matrix mirrors PyTorch's own
module_inputs_torch_nn_LSTM: bias x batch_first x bidirectional x proj_size x num_layers x
unbatched/batched x hx given/omitted, with several sizes and seeds, each case recording the
seed, the parameters right after construction, the input, the outputs and autograd gradients
of output.sum() with respect to every parameter and the input.

    /usr/bin/python3 compat/make_fixtures.py
"""
import itertools
import os
import sys

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(__file__))
from fixture_io import f32, meta, tensor, write  # noqa: E402

ROOT = os.path.join(os.path.dirname(__file__), '..', 'fixtures')
torch.set_num_threads(1)


def run_case(name, seed, cfg, L, N, unbatched, with_hx, dtype=torch.float32, grads=True,
             scale=1.0, train=False, input_seed=None):
    torch.manual_seed(seed)
    lstm = nn.LSTM(dtype=dtype, **cfg)
    params = {k: tensor(v) for k, v in lstm.named_parameters()}
    if not train:
        lstm.eval()
    torch.manual_seed(seed + 7919 if input_seed is None else input_seed)
    D = 2 if cfg.get('bidirectional') else 1
    layers = cfg.get('num_layers', 1)
    hout = cfg.get('proj_size', 0) or cfg['hidden_size']
    if unbatched:
        shape = (L, cfg['input_size'])
    elif cfg.get('batch_first'):
        shape = (N, L, cfg['input_size'])
    else:
        shape = (L, N, cfg['input_size'])
    x = (torch.randn(*shape, dtype=dtype) * scale).requires_grad_(grads)
    hx = None
    if with_hx:
        hs = (D * layers, hout) if unbatched else (D * layers, N, hout)
        cs = (D * layers, cfg['hidden_size']) if unbatched else (D * layers, N, cfg['hidden_size'])
        hx = ((torch.randn(*hs, dtype=dtype) * scale).requires_grad_(grads),
              (torch.randn(*cs, dtype=dtype) * scale).requires_grad_(grads))
    out, (h_n, c_n) = lstm(x, hx)
    ref128 = None
    if dtype == torch.complex64:
        # The same module in complex128: how far torch's own complex64 result is from exact.
        wide = nn.LSTM(dtype=torch.complex128, **cfg).eval()
        with torch.no_grad():
            for (_, p), (_, q) in zip(wide.named_parameters(), lstm.named_parameters()):
                p.copy_(q.to(torch.complex128))
            o2, (h2, c2) = wide(x.detach().to(torch.complex128),
                                None if hx is None else tuple(t.detach().to(torch.complex128) for t in hx))
        ref128 = {k: tensor(v.to(torch.complex64)) for k, v in (('output', o2), ('h_n', h2), ('c_n', c2))}
    case = {
        'name': name, 'seed': str(seed), 'training': train,
        'config': dict(cfg, dtype=str(dtype).replace('torch.', '')),
        'params': params, 'input': tensor(x),
        'hx': None if hx is None else [tensor(hx[0]), tensor(hx[1])],
        'output': tensor(out), 'h_n': tensor(h_n), 'c_n': tensor(c_n), 'grads': None,
    }
    if ref128 is not None:
        case['complex128'] = ref128
    if grads:
        out.sum().backward()
        g = {'input': tensor(x.grad)}
        if hx is not None:
            g['h_0'] = tensor(hx[0].grad)
            g['c_0'] = tensor(hx[1].grad)
        for k, v in lstm.named_parameters():
            g[k] = tensor(v.grad)
        case['grads'] = g
    return case


def matrix(dtype, grads, sizes):
    cases = []
    combos = itertools.product([True, False], [False, True], [False, True], [0, 2], [1, 2, 3],
                               [False, True], [False, True])
    for i, (bias, bf, bi, proj, layers, unb, hx) in enumerate(combos):
        in_size, hidden, L, N = sizes[i % len(sizes)]
        cfg = dict(input_size=in_size, hidden_size=hidden, num_layers=layers, bias=bias,
                   batch_first=bf, bidirectional=bi, proj_size=proj)
        name = (f'bias={bias} batch_first={bf} bidirectional={bi} proj_size={proj} '
                f'num_layers={layers} {"unbatched" if unb else "batched"} hx={"given" if hx else "omitted"}')
        cases.append(run_case(name, 1000 + i, cfg, L, N, unb, hx, dtype=dtype, grads=grads))
    return cases


def extras():
    c = []
    c.append(run_case('long sequence L=100', 7, dict(input_size=8, hidden_size=16, num_layers=2), 100, 4, False, True))
    c.append(run_case('input_size=0', 8, dict(input_size=0, hidden_size=3, num_layers=2, bidirectional=True), 4, 2, False, True))
    c.append(run_case('batch=0', 9, dict(input_size=3, hidden_size=4, num_layers=2), 3, 0, False, False))
    c.append(run_case('batch=0 batch_first with hx', 10, dict(input_size=3, hidden_size=4, batch_first=True, proj_size=2), 3, 0, False, True))
    c.append(run_case('dropout=1.0 in training mode zeroes the input of layer 2', 11,
                      dict(input_size=3, hidden_size=4, num_layers=2, dropout=1.0), 5, 2, False, True, train=True))
    c.append(run_case('large seed 2**40+3', 2**40 + 3, dict(input_size=4, hidden_size=5), 3, 2, False, False))
    c.append(run_case('seed 2**64-1', 2**64 - 1, dict(input_size=4, hidden_size=5, proj_size=3), 3, 2, False, False, input_seed=1))
    c.append(run_case('negative seed -5', -5, dict(input_size=4, hidden_size=5, bidirectional=True), 3, 2, False, False, input_seed=2))
    c.append(run_case('wide hidden 32', 12, dict(input_size=16, hidden_size=32, num_layers=2, bidirectional=True, proj_size=8), 12, 3, False, True))
    c.append(run_case('inputs of magnitude 100', 13, dict(input_size=3, hidden_size=4, num_layers=2), 6, 2, False, True, scale=100.0))
    return c


def complex_cases():
    c = matrix(torch.complex64, False, [(3, 4, 3, 2), (2, 3, 1, 1), (4, 3, 5, 3)])
    for i, scale in enumerate([10.0, 100.0, 1000.0]):
        c.append(run_case(f'complex inputs of magnitude {scale:g}', 2000 + i,
                          dict(input_size=3, hidden_size=4, num_layers=2, bidirectional=True, proj_size=2),
                          6, 2, False, True, dtype=torch.complex64, grads=False, scale=scale))
    c.append(run_case('complex batch=0', 2010, dict(input_size=3, hidden_size=4, num_layers=2), 3, 0, False, False,
                      dtype=torch.complex64, grads=False))
    c.append(run_case('complex input_size=0', 2011, dict(input_size=0, hidden_size=3), 3, 2, False, True,
                      dtype=torch.complex64, grads=False))
    c.append(run_case('complex long sequence L=60', 2012, dict(input_size=5, hidden_size=8, num_layers=2), 60, 3, False, True,
                      dtype=torch.complex64, grads=False))
    return c


def mixed_stream():
    """A float32 LSTM then a complex64 one after one seed: the stream continues across both."""
    torch.manual_seed(77)
    a = nn.LSTM(3, 2)
    b = nn.LSTM(2, 3, dtype=torch.complex64)
    c = nn.LSTM(2, 2, proj_size=1)
    return {'seed': 77, 'modules': [
        {'config': {'input_size': 3, 'hidden_size': 2, 'dtype': 'float32'}, 'params': {k: tensor(v) for k, v in a.named_parameters()}},
        {'config': {'input_size': 2, 'hidden_size': 3, 'dtype': 'complex64'}, 'params': {k: tensor(v) for k, v in b.named_parameters()}},
        {'config': {'input_size': 2, 'hidden_size': 2, 'proj_size': 1, 'dtype': 'float32'}, 'params': {k: tensor(v) for k, v in c.named_parameters()}},
    ]}


def reprs():
    cfgs = [dict(input_size=6, hidden_size=3), dict(input_size=6, hidden_size=3, num_layers=2, bidirectional=True),
            dict(input_size=1, hidden_size=4, proj_size=2, bias=False, batch_first=True),
            dict(input_size=5, hidden_size=7, num_layers=3, dropout=0.25),
            dict(input_size=5, hidden_size=7, num_layers=2, dropout=1),
            dict(input_size=5, hidden_size=7, num_layers=2, dropout=1e-05),
            dict(input_size=0, hidden_size=2, dtype=torch.complex64)]
    out = []
    for cfg in cfgs:
        m = nn.LSTM(**cfg)
        cfg = {k: (str(v).replace('torch.', '') if k == 'dtype' else v) for k, v in cfg.items()}
        out.append({'config': cfg, 'repr': repr(m),
                    'parameters': [[k, list(v.shape)] for k, v in m.named_parameters()]})
    return out


def random_streams():
    seeds = [0, 1, 42, -1, 2**32, 2**32 + 42, 2**63, 2**64 - 1, -2**63, 123456789]
    ranges = [(-1 / np.sqrt(3), 1 / np.sqrt(3)), (0.0, 1.0), (-0.5, 0.25), (-1e-3, 5.0), (-1 / np.sqrt(256), 1 / np.sqrt(256))]
    out = []
    for s in seeds:
        torch.manual_seed(s)
        entry = {'seed': str(s), 'initial_seed': str(torch.initial_seed()), 'draws': []}
        for lo, hi in ranges:
            t = torch.empty(1500).uniform_(float(lo), float(hi))
            entry['draws'].append({'from': float(lo), 'to': float(hi), 'values': [f32(v) for v in t.numpy()]})
        tc = torch.empty(40, dtype=torch.complex64).uniform_(-0.5, 0.5)
        entry['complex'] = tensor(tc)
        out.append(entry)
    over = []
    for s in [2**64, -2**63 - 1]:
        try:
            torch.manual_seed(s)
            over.append({'seed': str(s), 'error': None})
        except Exception as e:  # noqa: BLE001
            over.append({'seed': str(s), 'error': [type(e).__name__, str(e)]})
    trunc = []
    for s in [1.7, -2.5, 3.0]:
        torch.manual_seed(s)
        trunc.append({'seed': s, 'initial_seed': str(torch.initial_seed())})
    return {'streams': out, 'overflow': over, 'float_seeds': trunc}


def tutorial():
    """The seed tutorial's examples (../shared/seed/lstm-in-pytorch.txt), replayed."""
    steps = []
    t1 = torch.tensor([[8., -3., 0., 1., 5., -2.]])
    torch.manual_seed(42)
    lstm1 = nn.LSTM(input_size=6, hidden_size=3)
    o, (h, c) = lstm1(t1)
    steps.append({'title': 'lstm1 = nn.LSTM(input_size=6, hidden_size=3); lstm1(input=tensor1)', 'seed': 42,
                  'config': {'input_size': 6, 'hidden_size': 3}, 'input': tensor(t1), 'repr': repr(lstm1),
                  'params': {k: tensor(v) for k, v in lstm1.named_parameters()},
                  'output': tensor(o), 'h_n': tensor(h), 'c_n': tensor(c)})
    torch.manual_seed(42)
    lstm2 = nn.LSTM(input_size=3, hidden_size=3)
    for label, inp in [('tensor2[0]', o), ('tensor2[1][0]', h), ('tensor2[1][1]', c)]:
        o2, (h2, c2) = lstm2(inp.detach())
        steps.append({'title': f'lstm2 = nn.LSTM(input_size=3, hidden_size=3); lstm2(input={label})',
                      'seed': 42 if label == 'tensor2[0]' else None, 'config': {'input_size': 3, 'hidden_size': 3},
                      'continue': label != 'tensor2[0]', 'input': tensor(inp), 'repr': repr(lstm2),
                      'output': tensor(o2), 'h_n': tensor(h2), 'c_n': tensor(c2)})
    for title, cfg, x, dtype in [
        ('nn.LSTM(input_size=3, hidden_size=3)(my_tensor 2x3)', dict(input_size=3, hidden_size=3),
         torch.tensor([[8., -3., 0.], [1., 5., -2.]]), torch.float32),
        ('nn.LSTM(input_size=1, hidden_size=3)(my_tensor 6x1)', dict(input_size=1, hidden_size=3),
         torch.tensor([[8.], [-3.], [0.], [1.], [5.], [-2.]]), torch.float32),
        ('nn.LSTM(input_size=1, hidden_size=3)(my_tensor 2x3x1)', dict(input_size=1, hidden_size=3),
         torch.tensor([[[8.], [-3.], [0.]], [[1.], [5.], [-2.]]]), torch.float32),
        ('nn.LSTM(input_size=1, hidden_size=3, dtype=torch.complex64)(my_tensor 2x3x1 complex)',
         dict(input_size=1, hidden_size=3), torch.tensor([[[8.+0.j], [-3.+0.j], [0.+0.j]], [[1.+0.j], [5.+0.j], [-2.+0.j]]]),
         torch.complex64),
    ]:
        torch.manual_seed(42)
        m = nn.LSTM(dtype=dtype, **cfg)
        o3, (h3, c3) = m(x)
        steps.append({'title': title, 'seed': 42, 'config': dict(cfg, dtype=str(dtype).replace('torch.', '')),
                      'input': tensor(x), 'repr': repr(m), 'params': {k: tensor(v) for k, v in m.named_parameters()},
                      'output': tensor(o3), 'h_n': tensor(h3), 'c_n': tensor(c3)})
    return steps


def main():
    os.makedirs(os.path.join(ROOT, 'lstm'), exist_ok=True)
    os.makedirs(os.path.join(ROOT, 'random'), exist_ok=True)
    sizes = [(3, 4, 3, 2), (2, 3, 1, 3), (5, 3, 4, 1), (4, 3, 2, 2)]
    write(os.path.join(ROOT, 'lstm', 'float32.json'), dict(meta(), cases=matrix(torch.float32, True, sizes)))
    write(os.path.join(ROOT, 'lstm', 'extras.json'), dict(meta(), cases=extras()))
    write(os.path.join(ROOT, 'lstm', 'complex64.json'), dict(meta(), cases=complex_cases(), mixed_stream=mixed_stream()))
    write(os.path.join(ROOT, 'lstm', 'repr.json'), dict(meta(), cases=reprs()))
    write(os.path.join(ROOT, 'lstm', 'tutorial.json'), dict(meta(), steps=tutorial()))
    write(os.path.join(ROOT, 'random', 'uniform.json'), dict(meta(), **random_streams()))


if __name__ == '__main__':
    main()
