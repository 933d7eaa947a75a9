// node-only: the benchmark's report reads the workloads (bench/workloads.ts uses node:fs)
import { expect } from 'chai';
import { readmeSummary, type RunInfo } from '../bench/report.js';
import { WORKLOADS } from '../bench/workloads.js';
import type { Row } from '../bench/systems/types.js';

/** A finished row with a given median. */
function row(system: string, variant: string, medianMs: number): Row {
  return { workload: 'W2', system, variant, ours: system === 'tfjs-torch', status: 'ok',
    timing: { medianMs, minMs: medianMs, samples: [medianMs], capped: false } } as Row;
}

const info: RunInfo = {
  date: '2026-11-29T00:00:00.000Z', command: 'bench/run.ts', nproc: 2, cpuModel: 'a CPU', node: 'v20',
  loadBefore: [0, 0, 0], loadAfter: [0, 0, 0], durationS: 1, versions: {}, setup: [], notes: [], refMaxAbs: {}, threads: 2,
};

describe('bench report: the README summary names the BLAS PyTorch ran on', () => {
  const w2 = WORKLOADS.filter((w) => w.name === 'W2');

  it('warns when PyTorch ran on the reference BLAS', () => {
    const text = readmeSummary([row('tfjs-torch', 'wasm', 0.4), row('PyTorch', 'CPU, 2 threads, reference BLAS', 3.1)], w2, info);
    expect(text).to.contain('| W2 | PyTorch (CPU, 2 threads, reference BLAS) | 3.10 |');
    expect(text).to.contain('PyTorch ran on Debian\'s reference BLAS here');
  });

  it('says nothing more when it ran on OpenBLAS, or did not run', () => {
    const open = readmeSummary([row('tfjs-torch', 'wasm', 0.4), row('PyTorch', 'CPU, 2 threads, OpenBLAS', 0.9)], w2, info);
    expect(open).to.contain('| W2 | PyTorch (CPU, 2 threads, OpenBLAS) | 0.90 |');
    expect(open).not.to.contain('reference BLAS');
    const skippedRow = { ...row('PyTorch', 'CPU, 2 threads, reference BLAS', 0), status: 'skipped' as const, timing: undefined };
    expect(readmeSummary([row('tfjs-torch', 'wasm', 0.4), skippedRow], w2, info)).not.to.contain('reference BLAS');
  });
});
