// node-only: the benchmark's goals read the workloads (bench/workloads.ts uses node:fs)
import { expect } from 'chai';
import { goals, goalsTable } from '../bench/goals.js';
import { flops, WORKLOADS } from '../bench/workloads.js';
import { WASM_RELAXED, type Row } from '../bench/systems/types.js';

/** A finished row with a given median. */
function row(workload: string, system: string, variant: string, medianMs: number): Row {
  return { workload, system, variant, ours: system === 'tfjs-torch', status: 'ok',
    timing: { medianMs, minMs: medianMs, samples: [medianMs], capped: false } } as Row;
}

describe('bench goals (issue 6) computed from one run\'s rows', () => {
  const rows: Row[] = [
    row('W1', 'tfjs-torch', 'wasm', 90), row('W1', 'tfjs-torch', 'cpu', 1500),
    row('W1', 'tf.layers.lstm', 'wasm', 600), row('W1', 'tf.layers.lstm', 'cpu', 12000),
    row('W1', 'onnxruntime-node', 'CPU EP, 2 threads', 20),
    row('W1', 'onnxruntime-web', 'wasm EP, 1 thread', 220), row('W1', 'onnxruntime-web', 'wasm EP, 2 threads', 120),
    row('W2', 'tfjs-torch', 'wasm', 0.5), row('W2', 'onnxruntime-node', 'CPU EP, 2 threads', 0.3),
    { ...row('W2', 'onnxruntime-web', 'wasm EP, 1 thread', 0.4), status: 'error' as const },
  ];
  const g = goals(rows);
  const get = (w: string, start: string) => g.find((x) => x.workload === w && x.goal.startsWith(start));

  it('per backend: tfjs-torch ÷ tf.layers.lstm, ≤ 1/3 (cpu ≤ 1/10)', () => {
    expect(get('W1', 'tfjs-torch (wasm)')).to.include({ ratio: 0.15, bound: 1 / 3, met: true });
    expect(get('W1', 'tfjs-torch (cpu)')).to.include({ ratio: 0.125, bound: 0.1, met: false });
  });

  it('the best JS path against onnxruntime-web (1 and 2 threads) and onnxruntime-node', () => {
    expect(get('W1', 'best JS path (wasm) ÷ onnxruntime-web (1 thread)')!.ratio).to.be.closeTo(90 / 220, 1e-12);
    expect(get('W1', 'best JS path (wasm) ÷ onnxruntime-web (2 threads)')).to.include({ ratio: 0.75, met: true });
    expect(get('W1', 'best JS path (wasm) ÷ onnxruntime-node ≤ 2.5')).to.include({ ratio: 4.5, met: false });
    expect(get('W2', 'best JS path (wasm) ÷ onnxruntime-node ≤ 2')!.met).to.equal(true);
  });

  it('with measured ceilings: the rate each goal needs, and whether it is above the path\'s ceiling', () => {
    const c = goals(rows, { wasmSimd: { 1: 45, 2: 90 }, jsScalar: { 1: 14, 2: 28 } }, 2);
    const find = (w: string, start: string) => c.find((x) => x.workload === w && x.goal.startsWith(start))!;
    // W1: 5.87 GFLOP (bench/workloads.ts); ≤ 2.5 × 20 ms needs 5.87e9 / 50e-3 s = 117 GFLOP/s > 90.
    const ortNode = find('W1', 'best JS path (wasm) ÷ onnxruntime-node');
    expect(ortNode.needGflops).to.be.closeTo(flops(WORKLOADS[0]!) / 50e6, 1e-9);
    expect(ortNode).to.include({ outOfReach: true });
    expect(ortNode.ceiling).to.deep.equal({ gflops: 90, what: 'wasm SIMD peak, 2 threads' });
    // cpu ≤ 1/10 of 12 s needs 5.87e9 / 1.2 s = 4.9 GFLOP/s: within scalar JS's 28 on 2 threads.
    expect(find('W1', 'tfjs-torch (cpu)')).to.include({ outOfReach: false });
    expect(find('W1', 'tfjs-torch (cpu)').ceiling).to.deep.equal({ gflops: 28, what: 'scalar JS peak, 2 threads' });
    const table = goalsTable(c).join('\n');
    expect(table).to.contain('**no**: out of reach here');
    expect(goals(rows).every((g) => g.ceiling === undefined && g.outOfReach === undefined)).to.equal(true);
  });

  it('the relaxed-SIMD wasm row: the best JS path when fastest, measured against the fused multiply-add ceiling', () => {
    const withFma = [...rows, row('W1', 'tfjs-torch', WASM_RELAXED, 70)];
    const c = goals(withFma, { wasmSimd: { 1: 45, 2: 90 }, jsScalar: { 1: 14, 2: 28 }, wasmFma: { 1: 60, 2: 120 } }, 2);
    const ortNode = c.find((x) => x.workload === 'W1' && x.goal.includes('onnxruntime-node'))!;
    expect(ortNode.goal).to.equal(`best JS path (${WASM_RELAXED}) ÷ onnxruntime-node ≤ 2.5`);
    expect(ortNode).to.include({ ratio: 3.5, met: false, outOfReach: false }); // needs 117 GFLOP/s, below 120
    expect(ortNode.ceiling).to.deep.equal({ gflops: 120, what: 'wasm FMA peak, 2 threads' });
    // The per-backend goal still compares the plain wasm row with tf.layers on wasm.
    expect(c.find((x) => x.workload === 'W1' && x.goal.startsWith('tfjs-torch (wasm)'))).to.include({ ratio: 0.15 });
  });

  it('skips goals whose rows did not both finish', () => {
    expect(get('W2', 'best JS path (wasm) ÷ onnxruntime-web')).to.equal(undefined);
    expect(get('W2', 'tfjs-torch (wasm)')).to.equal(undefined);
    expect(g).to.have.length(6);
  });
});
