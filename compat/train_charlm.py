#!/usr/bin/python3
"""Trains the example character-level language model with real PyTorch and exports it.

Model: Embedding(V, 32) -> LSTM(32, 128, num_layers=2, proj_size=64, batch_first=True) -> Linear(64, V),
trained on fixtures/models/corpus.txt: verbatim copies of GNU license documents from Debian's
/usr/share/common-licenses ("Everyone is permitted to copy and distribute verbatim copies of this
license document"), concatenated by this script.

Writes fixtures/models/charlm.pt (torch.save of the state_dict, torch's default zip format) and
fixtures/models/charlm.json: the vocabulary, the prompt, PyTorch's logits for the prompt and its
greedy continuation.

    /usr/bin/python3 compat/train_charlm.py [--steps 1500]
"""
import argparse
import json
import os
import sys
import time

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(__file__))
from fixture_io import f32, meta  # noqa: E402

ROOT = os.path.join(os.path.dirname(__file__), '..', 'fixtures', 'models')
SOURCES = ['GPL-3', 'GPL-2', 'LGPL-2.1', 'LGPL-3', 'GFDL-1.3']
PROMPT = 'This License '
GENERATE = 200


class CharLM(nn.Module):
    def __init__(self, vocab):
        super().__init__()
        self.embed = nn.Embedding(vocab, 32)
        self.lstm = nn.LSTM(32, 128, num_layers=2, proj_size=64, batch_first=True)
        self.fc = nn.Linear(64, vocab)

    def forward(self, x, hx=None):
        y, hx = self.lstm(self.embed(x), hx)
        return self.fc(y), hx


def corpus():
    path = os.path.join(ROOT, 'corpus.txt')
    if not os.path.exists(path):
        parts = []
        for name in SOURCES:
            with open(f'/usr/share/common-licenses/{name}', encoding='utf-8') as f:
                parts.append(f.read())
        with open(path, 'w', encoding='utf-8') as f:
            f.write('\n'.join(parts))
    with open(path, encoding='utf-8') as f:
        return f.read()


def greedy(model, vocab, prompt, n):
    stoi = {c: i for i, c in enumerate(vocab)}
    x = torch.tensor([[stoi[c] for c in prompt]])
    out = []
    with torch.no_grad():
        logits, hx = model(x)
        for _ in range(n):
            nxt = int(logits[0, -1].argmax())
            out.append(vocab[nxt])
            logits, hx = model(torch.tensor([[nxt]]), hx)
    return ''.join(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--steps', type=int, default=1500)
    args = ap.parse_args()
    torch.set_num_threads(max(1, (os.cpu_count() or 2) // 2))
    text = corpus()
    vocab = sorted(set(text))
    stoi = {c: i for i, c in enumerate(vocab)}
    data = torch.tensor([stoi[c] for c in text])
    torch.manual_seed(0)
    model = CharLM(len(vocab))
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    seq, batch = 100, 32
    t0 = time.time()
    for step in range(args.steps):
        idx = torch.randint(0, len(data) - seq - 1, (batch,))
        x = torch.stack([data[i:i + seq] for i in idx])
        y = torch.stack([data[i + 1:i + seq + 1] for i in idx])
        logits, _ = model(x)
        loss = nn.functional.cross_entropy(logits.reshape(-1, len(vocab)), y.reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 100 == 0 or step == args.steps - 1:
            print(f'step {step} loss {loss.item():.3f} ({time.time() - t0:.0f} s)', flush=True)
    model.eval()
    torch.save(model.state_dict(), os.path.join(ROOT, 'charlm.pt'))
    with torch.no_grad():
        x = torch.tensor([[stoi[c] for c in PROMPT]])
        logits, _ = model(x)
    info = dict(meta(), vocab=''.join(vocab), prompt=PROMPT, steps=args.steps, final_loss=loss.item(),
                sources=[f'/usr/share/common-licenses/{s}' for s in SOURCES],
                logits={'shape': list(logits.shape), 'data': [f32(v) for v in logits.reshape(-1).tolist()]},
                greedy=greedy(model, vocab, PROMPT, GENERATE))
    with open(os.path.join(ROOT, 'charlm.json'), 'w') as f:
        json.dump(info, f, separators=(',', ':'))
    print('greedy:', repr(info['greedy']))


if __name__ == '__main__':
    main()
