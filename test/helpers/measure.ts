import * as tf from '@tensorflow/tfjs';
import { type FixtureTensor, type LSTMCase, fixture, flat, values } from './fixtures.js';
import { buildLSTM, caseInputs, label, sumAll } from './lstm.js';

/**
 * Measures, on the current backend, the max |ours - torch| over every float32 LSTM fixture
 * (lstm/float32.json + lstm/extras.json): forward (output, h_n, c_n) and the gradients of
 * output.sum() (parameters, input, h_0, c_0) — the numbers the specs' tolerances are set from.
 * Also the max of |diff| - 1.3e-6 * |torch| for gradients (the grad spec's rtol).
 * Used by scripts/measure-diffs.ts (Node) and test/browser/run.ts --measure (browser).
 */
export interface Worst { value: number; where: string }
export interface DiffReport {
  backend: string; cases: number; gradCases: number;
  forward: Worst; grad: Worst; gradRel: Worst; errors: string[]; seconds: number;
}

async function diff(actual: tf.Tensor, expected: FixtureTensor, rtol = 0): Promise<number> {
  const a = await flat(actual);
  const e = values(expected);
  let m = 0;
  for (let i = 0; i < e.length; i++) {
    if (Number.isNaN(e[i]!) && Number.isNaN(a[i]!)) continue;
    const d = Math.abs(a[i]! - e[i]!) - rtol * Math.abs(e[i]!);
    if (!(d <= m)) m = d; // NaN counts as worst
  }
  return m;
}

export async function measureMaxDiffs(opts: { grads?: boolean } = {}): Promise<DiffReport> {
  const t0 = Date.now();
  const r: DiffReport = {
    backend: tf.getBackend(), cases: 0, gradCases: 0, errors: [], seconds: 0,
    forward: { value: 0, where: '' }, grad: { value: 0, where: '' }, gradRel: { value: 0, where: '' },
  };
  const bump = (w: Worst, v: number, where: string) => { if (!(v <= w.value)) { w.value = v; w.where = where; } };
  for (const file of ['lstm/float32.json', 'lstm/extras.json']) {
    for (const c of fixture<{ cases: LSTMCase[] }>(file).cases) {
      const name = `${file}: ${label(c)}`;
      try {
        const m = buildLSTM(c);
        const { x, hx } = caseInputs(c);
        const [out, [h, cN]] = m.forward(x, hx);
        bump(r.forward, await diff(out, c.output), `${name} output`);
        bump(r.forward, await diff(h, c.h_n), `${name} h_n`);
        bump(r.forward, await diff(cN, c.c_n), `${name} c_n`);
        tf.dispose([out, h, cN]);
        r.cases++;
        if (opts.grads !== false && c.grads && !c.training) {
          const { value, grads } = tf.variableGrads(() => sumAll(m.forward(x, hx)[0]), m.parameters());
          value.dispose();
          for (const [p] of m.named_parameters()) {
            const g = grads[m[p as `weight_${string}`].name]!;
            bump(r.grad, await diff(g, c.grads[p]!), `${name} d/d${p}`);
            bump(r.gradRel, await diff(g, c.grads[p]!, 1.3e-6), `${name} d/d${p}`);
          }
          tf.dispose(grads);
          const wrt = hx ? [x, hx[0], hx[1]] : [x];
          const g = tf.grads((...ins: tf.Tensor[]) => sumAll(m.forward(ins[0]!, hx ? [ins[1]!, ins[2]!] : undefined)[0]))(wrt);
          const keys = ['input', 'h_0', 'c_0'];
          for (let i = 0; i < g.length; i++) {
            bump(r.grad, await diff(g[i]!, c.grads[keys[i]!]!), `${name} d/d${keys[i]}`);
            bump(r.gradRel, await diff(g[i]!, c.grads[keys[i]!]!, 1.3e-6), `${name} d/d${keys[i]}`);
          }
          tf.dispose(g);
          r.gradCases++;
        }
        tf.dispose([x, ...(hx ?? [])]);
        m.dispose();
      } catch (e) {
        r.errors.push(`${name}: ${String((e as Error).message ?? e).split('\n')[0]}`);
      }
    }
  }
  r.seconds = (Date.now() - t0) / 1000;
  return r;
}
