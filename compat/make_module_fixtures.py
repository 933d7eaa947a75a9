#!/usr/bin/python3
"""Golden fixtures for nn.Linear, nn.Embedding, nn.Dropout, nn.Sequential, torch's normal_ and a
whole Embedding -> LSTM -> Linear model, from real PyTorch (run with /usr/bin/python3).

Writes fixtures/modules/*.json.

    /usr/bin/python3 compat/make_module_fixtures.py
"""
import os
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(__file__))
from fixture_io import meta, tensor, write  # noqa: E402

ROOT = os.path.join(os.path.dirname(__file__), '..', 'fixtures', 'modules')
torch.set_num_threads(1)


def params(m):
    return {k: tensor(v) for k, v in m.state_dict().items()}


def linear():
    cases = []
    for seed, i, o, bias, shape in [(0, 6, 3, True, (2, 4, 6)), (1, 1, 1, True, (1,)), (2, 5, 7, False, (3, 5)),
                                    (3, 20, 17, True, (2, 20)), (4, 0, 3, True, (2, 0)), (5, 3, 0, True, (2, 3))]:
        torch.manual_seed(seed)
        m = nn.Linear(i, o, bias=bias)
        torch.manual_seed(seed + 1000)
        x = torch.randn(*shape)
        cases.append({'seed': seed, 'in_features': i, 'out_features': o, 'bias': bias, 'repr': repr(m),
                      'params': params(m), 'input': tensor(x), 'output': tensor(m(x))})
    errors = []
    for i, o, shape in [(3, 2, (4, 5)), (3, 2, (5,)), (3, 2, (2, 4, 5))]:
        try:
            nn.Linear(i, o)(torch.zeros(*shape))
        except RuntimeError as e:
            errors.append({'in_features': i, 'out_features': o, 'shape': list(shape), 'message': str(e)})
    return {'cases': cases, 'errors': errors}


def embedding():
    cases = []
    for seed, n, d, pad in [(0, 10, 3, None), (1, 3, 2, None), (2, 5, 3, 0), (3, 4, 4, -1), (4, 17, 1, None),
                            (5, 1, 3, None), (6, 40, 7, 5), (7, 2, 1, None)]:
        torch.manual_seed(seed)
        m = nn.Embedding(n, d, padding_idx=pad)
        idx = torch.arange(n).flip(0).reshape(1, n).repeat(2, 1)
        cases.append({'seed': seed, 'num_embeddings': n, 'embedding_dim': d, 'padding_idx': pad,
                      'repr': repr(m), 'weight': tensor(m.weight), 'indices': idx.tolist(),
                      'output': tensor(m(idx))})
    return {'cases': cases}


def normal_streams():
    streams = []
    for seed, n, mean, std in [(0, 1, 0., 1.), (1, 2, 0., 1.), (2, 3, 0.5, 2.), (3, 15, 0., 1.), (4, 16, 0., 1.),
                               (5, 17, -1., 0.5), (6, 33, 0., 1.), (7, 1000, 0.25, 3.), (8, 4099, 0., 1.)]:
        torch.manual_seed(seed)
        streams.append({'seed': seed, 'n': n, 'mean': mean, 'std': std, 'values': tensor(torch.empty(n).normal_(mean, std))})
    # The cached second Box-Muller value carries over between small draws (and calls).
    torch.manual_seed(9)
    cached = [tensor(torch.empty(n).normal_()) for n in (1, 3, 1, 5, 2)]
    return {'streams': streams, 'cached': {'seed': 9, 'sizes': [1, 3, 1, 5, 2], 'values': cached}}


def mixed():
    """Generator consumption across module types, in construction order."""
    torch.manual_seed(5)
    mods = [nn.Linear(3, 2), nn.Embedding(1, 3), nn.Linear(2, 2), nn.Embedding(1, 1), nn.Embedding(4, 5),
            nn.LSTM(2, 3), nn.Embedding(3, 1)]
    return {'seed': 5, 'params': [params(m) for m in mods]}


def sequential():
    torch.manual_seed(11)
    seq = nn.Sequential(nn.Linear(4, 8), nn.Dropout(0.1), nn.Linear(8, 2)).eval()
    torch.manual_seed(12)
    x = torch.randn(3, 4)
    nested = nn.Sequential(nn.Linear(2, 3), nn.Dropout(), nn.Sequential(nn.Linear(3, 3)))
    return {'seed': 11, 'repr': repr(seq), 'keys': list(seq.state_dict().keys()), 'params': params(seq),
            'input': tensor(x), 'output': tensor(seq(x)), 'nested_repr': repr(nested)}


class CharLM(nn.Module):
    def __init__(self, V, E, H, P):
        super().__init__()
        self.embed = nn.Embedding(V, E)
        self.lstm = nn.LSTM(E, H, num_layers=2, proj_size=P, batch_first=True)
        self.fc = nn.Linear(P, V)

    def forward(self, idx):
        out, _ = self.lstm(self.embed(idx))
        return self.fc(out)


def whole_model():
    V, E, H, P = 11, 5, 7, 4
    torch.manual_seed(2024)
    m = CharLM(V, E, H, P).eval()
    torch.manual_seed(7)
    idx = torch.randint(0, V, (2, 6))
    logits = m(idx)
    sd = m.state_dict()
    bad = dict(sd)
    del bad['fc.bias']
    bad['extra.weight'] = torch.zeros(2)
    bad['lstm.weight_hh_l1'] = torch.zeros(28, 5)
    try:
        m.load_state_dict(bad)
        message = None
    except RuntimeError as e:
        message = str(e)
    return {'V': V, 'E': E, 'H': H, 'P': P, 'seed': 2024, 'repr': repr(m), 'keys': list(sd.keys()),
            'params': params(m), 'indices': idx.tolist(), 'logits': tensor(logits), 'load_error': message}


def reprs():
    mods = [nn.Linear(6, 3), nn.Linear(6, 3, bias=False), nn.Embedding(10, 3), nn.Embedding(10, 3, padding_idx=0),
            nn.Embedding(10, 3, padding_idx=-1), nn.Embedding(10, 3, max_norm=1.0), nn.Dropout(), nn.Dropout(0.25, True),
            nn.Sequential()]
    errors = {}
    for name, f in [('dropout_hi', lambda: nn.Dropout(1.5)), ('dropout_lo', lambda: nn.Dropout(-0.1)),
                    ('pad_hi', lambda: nn.Embedding(10, 3, padding_idx=10)), ('pad_lo', lambda: nn.Embedding(10, 3, padding_idx=-11)),
                    ('emb_oob', lambda: nn.Embedding(10, 3)(torch.tensor([10]))),
                    ('emb_neg', lambda: nn.Embedding(10, 3)(torch.tensor([-1]))),
                    ('seq_index', lambda: nn.Sequential(nn.Linear(1, 1))[3])]:
        try:
            f()
        except Exception as e:  # noqa: BLE001
            errors[name] = f'{type(e).__name__}: {e}'
    return {'reprs': [repr(m) for m in mods], 'errors': errors}


def main():
    os.makedirs(ROOT, exist_ok=True)
    write(os.path.join(ROOT, 'linear.json'), dict(meta(), **linear()))
    write(os.path.join(ROOT, 'embedding.json'), dict(meta(), **embedding()))
    write(os.path.join(ROOT, 'normal.json'), dict(meta(), **normal_streams()))
    write(os.path.join(ROOT, 'mixed.json'), dict(meta(), **mixed()))
    write(os.path.join(ROOT, 'sequential.json'), dict(meta(), **sequential()))
    write(os.path.join(ROOT, 'charlm.json'), dict(meta(), **whole_model()))
    write(os.path.join(ROOT, 'repr.json'), dict(meta(), **reprs()))


if __name__ == '__main__':
    main()
