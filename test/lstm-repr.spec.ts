import { expect } from 'chai';
import { nn, torch } from 'tfjs-torch';
import { fixture } from './helpers/fixtures.js';
import { useBackend } from './helpers/backends.js';

interface ReprCase { config: Record<string, unknown> & { dtype?: string }; repr: string; parameters: [string, number[]][] }

describe('nn.LSTM repr, attributes and parameter shapes match PyTorch', () => {
  before(async () => { await useBackend('cpu'); });
  for (const c of fixture<{ cases: ReprCase[] }>('lstm/repr.json').cases) {
    it(c.repr, function () {
      if (c.config.dtype === 'complex64' && !torch.complex64) this.skip();
      const { dtype, ...cfg } = c.config;
      const m = new nn.LSTM({ ...(cfg as { input_size: number; hidden_size: number }), dtype: dtype === 'complex64' ? torch.complex64 : undefined });
      expect(String(m)).to.equal(c.repr);
      expect(m.named_parameters().map(([n, p]) => [n, p.shape])).to.deep.equal(c.parameters);
      m.dispose();
    });
  }

  it('exposes torch\'s attributes with torch\'s defaults', () => {
    const m = new nn.LSTM(6, 3);
    expect([m.input_size, m.hidden_size, m.num_layers, m.bias, m.batch_first, m.dropout, m.bidirectional, m.proj_size, m.training])
      .to.deep.equal([6, 3, 1, true, false, 0, false, 0, true]);
    expect(String(m.dtype)).to.equal('torch.float32');
    expect(m.weight_ih_l0.shape).to.deep.equal([12, 6]);
    expect(m.parameters().every((p) => p.trainable)).to.equal(true);
    m.dispose();
  });

  it('positional, keyword and mixed arguments bind like Python', () => {
    const a = new nn.LSTM(6, 3, 2, false, true, 0.5, true, 2);
    const b = new nn.LSTM({ input_size: 6, hidden_size: 3, num_layers: 2, bias: false, batch_first: true, dropout: 0.5, bidirectional: true, proj_size: 2, device: null, dtype: torch.float32 });
    const c = new nn.LSTM(6, 3, { num_layers: 2, bias: false, batch_first: true, dropout: 0.5, bidirectional: true, proj_size: 2 });
    expect(String(a)).to.equal('LSTM(6, 3, proj_size=2, num_layers=2, bias=False, batch_first=True, dropout=0.5, bidirectional=True)');
    expect(String(b)).to.equal(String(a));
    expect(String(c)).to.equal(String(a));
    for (const m of [a, b, c]) m.dispose();
  });
});
