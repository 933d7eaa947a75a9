#!/usr/bin/python3
"""Golden inputs and outputs for the `tfjs-torch run` CLI, from real PyTorch.

Runs the LSTMs saved in fixtures/io/ (lstm_basic.pt: LSTM(4, 3); lstm_proj_bidir.pt:
LSTM(3, 4, proj_size=2, bidirectional=True), used batch first) on inputs saved as .npy, and saves
PyTorch's output, h_n and c_n beside them. The long input (L=600) exercises chunked runs.

    /usr/bin/python3 compat/make_cli_fixtures.py
"""
import os

import numpy as np
import torch

ROOT = os.path.join(os.path.dirname(__file__), '..', 'fixtures')


def lstm_from(path, **kw):
    sd = torch.load(path)
    m = torch.nn.LSTM(sd['weight_ih_l0'].shape[1], sd['weight_ih_l0'].shape[0] // 4,
                      proj_size=sd['weight_hr_l0'].shape[0] if 'weight_hr_l0' in sd else 0,
                      bidirectional='weight_ih_l0_reverse' in sd, **kw)
    m.load_state_dict(sd)
    return m.eval()


def save(name, x, m):
    with torch.no_grad():
        y, (h, c) = m(x)
    out = os.path.join(ROOT, 'cli')
    np.save(os.path.join(out, f'{name}.npy'), x.numpy())
    for suffix, t in (('out', y), ('h_n', h), ('c_n', c)):
        np.save(os.path.join(out, f'{name}.torch.{suffix}.npy'), t.numpy())
    print('wrote', name)


def main():
    os.makedirs(os.path.join(ROOT, 'cli'), exist_ok=True)
    torch.manual_seed(5)
    save('long', torch.randn(600, 2, 4), lstm_from(os.path.join(ROOT, 'io', 'lstm_basic.pt')))
    save('bidir_batch_first', torch.randn(2, 5, 3),
         lstm_from(os.path.join(ROOT, 'io', 'lstm_proj_bidir.pt'), batch_first=True))


if __name__ == '__main__':
    main()
