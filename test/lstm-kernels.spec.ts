import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { nn, torch } from 'tfjs-torch';
import { CTRL, getRuntime, kernelHeapStats, lastRunThreads } from '../src/kernels/wasm/simd_runtime.js';
import { cpuPoolCacheSize, cpuPoolSize, lastCpuRunThreads, postToCpuWorkers } from '../src/kernels/cpu/lstm_parallel.js';
import { cpuSingleCacheSize } from '../src/kernels/cpu/lstm_layer.js';
import { describeEachBackend, expectNoLeak } from './helpers/backends.js';

/** The fused kernel each backend's forward runs (the fixture specs check their numbers). */
const FUSED: Record<string, string> = {
  cpu: 'TorchLSTMLayer', wasm: 'TorchLSTMStack', webgpu: 'TorchLSTMStep', webgl: 'TorchLSTMStep',
};

describeEachBackend('fused LSTM kernels: which one runs, and gradients through the reference path', (backend) => {
  if (backend === 'webgpu' || backend === 'webgl') {
    it(`a ${backend} forward runs one TorchLSTMStep program per step (and one TorchLSTMProject with proj_size), no per-step matmul`, async () => {
      torch.manual_seed(0);
      for (const proj_size of [0, 2]) {
        const m = new nn.LSTM(3, 5, { num_layers: 2, bidirectional: true, proj_size });
        const x = tf.randomNormal([4, 2, 3]);
        await expectNoLeak(async () => {
          const prof = await tf.profile(() => { const [o, hc] = m.forward(x); tf.dispose([o, ...hc]); });
          const count = (name: string) => prof.kernels.filter((k) => k.name === name).length;
          expect(count('TorchLSTMStep')).to.equal(4 * 2 * 2);
          expect(count('TorchLSTMProject')).to.equal(proj_size ? 4 * 2 * 2 : 0);
          // the input projection of each layer and direction only
          expect(count('BatchMatMul') + count('_FusedMatMul')).to.equal(2 * 2);
        });
        x.dispose();
        m.dispose();
      }
    });
  }

  if (backend === 'webgpu' || backend === 'webgl') {
    it(`a complex64 ${backend} forward runs one TorchLSTMComplexStep program per step, one TorchComplexLinear per projection`, async () => {
      torch.manual_seed(0);
      for (const proj_size of [0, 2]) {
        const m = new nn.LSTM(3, 5, { num_layers: 2, bidirectional: true, proj_size, dtype: torch.complex64 });
        const x = tf.complex(tf.randomNormal([4, 2, 3]), tf.randomNormal([4, 2, 3]));
        await expectNoLeak(async () => {
          const prof = await tf.profile(() => { const [o, hc] = m.forward(x); tf.dispose([o, ...hc]); });
          const count = (name: string) => prof.kernels.filter((k) => k.name === name).length;
          expect(count('TorchLSTMComplexStep')).to.equal(4 * 2 * 2);
          // the input projection of each layer and direction, plus h·W_hrᵀ at every step with proj_size
          expect(count('TorchComplexLinear')).to.equal(2 * 2 * (proj_size ? 1 + 4 : 1));
          expect(prof.kernelNames).to.not.include('Sin');
        });
        x.dispose();
        m.dispose();
      }
    });
  }

  it(`a forward runs ${FUSED[backend] ?? 'the op-composed path (no fused kernel on this backend yet)'}`, async () => {
    torch.manual_seed(0);
    const m = new nn.LSTM(3, 5, { num_layers: 2, proj_size: 2, bidirectional: true });
    const x = tf.randomNormal([4, 2, 3]);
    await expectNoLeak(async () => {
      const prof = await tf.profile(() => { const [o, hc] = m.forward(x); tf.dispose([o, ...hc]); });
      const names = new Set(prof.kernelNames);
      if (FUSED[backend]) expect([...names]).to.include(FUSED[backend]);
      else expect([...names].filter((n) => n.startsWith('TorchLSTM'))).to.deep.equal([]);
    });
    x.dispose();
    m.dispose();
  });

  it('while a gradient is recorded, the forward takes the differentiable path and gives the same output', async () => {
    torch.manual_seed(0);
    const m = new nn.LSTM(3, 4, { num_layers: 2 });
    const x = tf.randomNormal([6, 2, 3]);
    await expectNoLeak(async () => {
      const [plain, hc] = m.forward(x);
      let taped: tf.Tensor | null = null;
      const { value, grads } = tf.variableGrads(() => {
        const [o, hc2] = m.forward(x);
        taped = tf.keep(tf.clone(o));
        tf.dispose(hc2);
        return tf.sum(o) as tf.Scalar;
      }, m.parameters());
      const a = (await plain.data()) as Float32Array;
      const b = (await taped!.data()) as Float32Array;
      const worst = a.reduce((w, v, i) => Math.max(w, Math.abs(v - b[i]!)), 0);
      expect(worst).to.be.at.most(1e-6);
      expect(Object.keys(grads).length).to.equal(8);
      tf.dispose([plain, ...hc, taped!, value, ...Object.values(grads)]);
    });
    x.dispose();
    m.dispose();
  });
});

describeEachBackend('the fused cpu and wasm kernels: a sequence\'s results do not depend on the rest of its batch', (backend) => {
  if (backend !== 'cpu' && backend !== 'wasm') return;

  it('each row of a batch of 9 gives, bit for bit, what it gives alone (2 layers, bidirectional, proj_size)', async () => {
    torch.manual_seed(4);
    const m = new nn.LSTM(16, 40, { num_layers: 2, bidirectional: true, proj_size: 12 }).eval();
    const x = tf.randomNormal([7, 9, 16]);
    await expectNoLeak(async () => {
      const [whole, hWhole, cWhole] = await run(m, x);
      for (const r of [0, 4, 8]) {
        const xr = tf.slice(x, [0, r, 0], [7, 1, 16]);
        const [alone, h, c] = await run(m, xr);
        xr.dispose();
        expect(rowOf(alone!, 1, 0, 24), `output of row ${r}`).to.deep.equal(rowOf(whole!, 9, r, 24));
        expect(rowOf(h!, 1, 0, 12), `h_n of row ${r}`).to.deep.equal(rowOf(hWhole!, 9, r, 12));
        expect(rowOf(c!, 1, 0, 40), `c_n of row ${r}`).to.deep.equal(rowOf(cWhole!, 9, r, 40));
      }
    });
    x.dispose();
    m.dispose();
  });
});

/** Batch row r of a (·, n, w) array: its w values at each index of the first dimension. */
function rowOf(a: Float32Array, n: number, r: number, w: number): number[][] {
  return Array.from({ length: a.length / (n * w) }, (_, i) => Array.from(a.subarray((i * n + r) * w, (i * n + r + 1) * w)));
}

/** Runs `forward` on the model and returns its output and final state as plain arrays. */
async function run(m: nn.LSTM, x: tf.Tensor): Promise<Float32Array[]> {
  const [o, [h, c]] = m.forward(x);
  const out = [await o.data(), await h.data(), await c.data()] as Float32Array[];
  tf.dispose([o, h, c]);
  return out;
}

const IN_NODE = typeof process !== 'undefined' && !!process.versions?.node;

/**
 * Layers for the multi-threaded kernels (wasm, cpu): each past both kernels' one-thread
 * thresholds; hidden sizes that are not multiples of 4 and proj_size not a multiple of 16 (the wasm
 * kernel's padding paths), units and proj_size that do not split evenly between 2 or 3 threads,
 * both directions, batch 1.
 */
const THREAD_CASES: [string, { num_layers?: number; bidirectional?: boolean; proj_size?: number; batch_first?: boolean; bias?: boolean },
  number, number, number][] = [
  ['2 layers, bidirectional', { num_layers: 2, bidirectional: true }, 17, 38, 16],
  ['proj_size 13, batch_first', { proj_size: 13, batch_first: true }, 9, 61, 24],
  ['no biases', { bias: false }, 5, 64, 8],
  ['no biases, proj_size 7, bidirectional', { bias: false, proj_size: 7, bidirectional: true }, 5, 64, 24],
  ['batch 1, bidirectional', { bidirectional: true }, 7, 128, 1],
];

describeEachBackend('the wasm SIMD kernel on several threads (Node; one thread in a browser)', (backend) => {
  if (backend !== 'wasm') return;
  const threads = torch.get_num_threads();
  after(() => torch.set_num_threads(threads));

  for (const [name, opts, I, H, N] of THREAD_CASES) {
    it(`${name}: 1 and 3 threads give the same bits, and the cpu kernel's values within 1e-5`, async () => {
      torch.manual_seed(3);
      const m = new nn.LSTM(I, H, opts);
      const x = tf.randomNormal(opts.batch_first ? [N, 7, I] : [7, N, I]);
      let one: Float32Array[] = [];
      let three: Float32Array[] = [];
      await expectNoLeak(async () => {
        torch.set_num_threads(1);
        one = await run(m, x);
        expect(lastRunThreads()).to.equal(1);
        torch.set_num_threads(3);
        three = await run(m, x);
        // Node runs worker threads; a browser page runs the kernel on its one thread.
        expect(lastRunThreads()).to.equal(IN_NODE ? 3 : 1);
      });
      for (let i = 0; i < 3; i++) expect(Array.from(three[i]!)).to.deep.equal(Array.from(one[i]!));
      await tf.setBackend('cpu');
      try {
        const xs = tf.tensor(await x.data(), x.shape);
        const ref = await run(m, xs);
        xs.dispose();
        for (let i = 0; i < 3; i++) {
          const worst = ref[i]!.reduce((w, v, j) => Math.max(w, Math.abs(v - one[i]![j]!)), 0);
          expect(worst, `output ${i}`).to.be.at.most(1e-5);
        }
      } finally {
        await tf.setBackend('wasm');
      }
      x.dispose();
      m.dispose();
    });
  }

  const STACK_CASES: [string, { num_layers: number; bidirectional?: boolean; proj_size?: number; batch_first?: boolean; bias?: boolean },
    number, number, number][] = [
    ['2 layers', { num_layers: 2 }, 17, 40, 16],
    ['3 layers, H 10 (padded units), proj_size 3, batch_first', { num_layers: 3, proj_size: 3, batch_first: true }, 7, 10, 5],
    ['3 layers, no biases, H 38', { num_layers: 3, bias: false }, 6, 38, 9],
    ['1 layer, bidirectional', { num_layers: 1, bidirectional: true }, 9, 24, 6],
    ['2 layers, bidirectional', { num_layers: 2, bidirectional: true }, 17, 40, 16],
    ['3 layers, bidirectional, H 10 (padded halves), batch_first', { num_layers: 3, bidirectional: true, batch_first: true }, 7, 10, 5],
    ['2 layers, bidirectional, proj_size 5, no biases', { num_layers: 2, bidirectional: true, proj_size: 5, bias: false }, 8, 12, 7],
  ];
  for (const [name, opts, I, H, N] of STACK_CASES) {
    it(`${name}: one TorchLSTMStack call, bit for bit its layers and directions run one by one, on 1 and 3 threads`, async () => {
      torch.manual_seed(4);
      const m = new nn.LSTM(I, H, opts).eval();
      const P = opts.proj_size || H;
      const D = opts.bidirectional ? 2 : 1;
      const L = 6;
      const x = tf.randomNormal(opts.batch_first ? [N, L, I] : [L, N, I]);
      const h0 = tf.randomNormal([D * opts.num_layers, N, P]);
      const c0 = tf.randomNormal([D * opts.num_layers, N, H]);
      // Each layer and direction as a unidirectional single-layer model (TorchLSTMLayer); the
      // backward direction runs on the time-reversed input and its output is reversed back.
      const sd = m.state_dict();
      const parts = Array.from({ length: opts.num_layers * D }, (_, g) => {
        const l = Math.floor(g / D);
        const suffix = `_l${l}${g % D ? '_reverse' : ''}`;
        const one = new nn.LSTM(l === 0 ? I : D * P, H, { proj_size: opts.proj_size, bias: opts.bias, num_layers: 1 });
        one.load_state_dict(Object.fromEntries(Object.entries(sd).filter(([k]) => k.endsWith(suffix))
          .map(([k, v]) => [k.slice(0, -suffix.length) + '_l0', v])));
        return one.eval();
      });
      const threads0 = torch.get_num_threads();
      try {
        await expectNoLeak(async () => {
          let y = opts.batch_first ? tf.transpose(x, [1, 0, 2]) : tf.clone(x);
          const hs: tf.Tensor[] = [];
          const cs: tf.Tensor[] = [];
          for (let l = 0; l < opts.num_layers; l++) {
            const outs: tf.Tensor[] = [];
            for (let dir = 0; dir < D; dir++) {
              const g = l * D + dir;
              const slice = (t: tf.Tensor) => tf.slice(t, [g, 0, 0], [1, -1, -1]);
              const [h, c] = [slice(h0), slice(c0)];
              const input = dir ? tf.reverse(y, 0) : y;
              const prof = await tf.profile(() => {
                const [o, [hn, cn]] = parts[g]!.forward(input, [h, c]);
                outs.push(tf.keep(dir ? tf.reverse(o, 0) : o));
                hs.push(tf.keep(hn));
                cs.push(tf.keep(cn));
                if (dir) o.dispose();
              });
              expect(prof.kernelNames).to.include('TorchLSTMLayer');
              if (input !== y) input.dispose();
              tf.dispose([h, c]);
            }
            y.dispose();
            y = D === 1 ? outs[0]! : tf.concat(outs, 2);
            if (D > 1) tf.dispose(outs);
          }
          const out = opts.batch_first ? tf.transpose(y, [1, 0, 2]) : y;
          const [hAll, cAll] = [tf.concat(hs), tf.concat(cs)];
          const expected = [await out.data(), await hAll.data(), await cAll.data()];
          tf.dispose([y, out, hAll, cAll, ...hs, ...cs]);
          for (const t of [1, 3]) {
            torch.set_num_threads(t);
            let got: Float32Array[] = [];
            const prof = await tf.profile(async () => {
              const [o, [hn, cn]] = m.forward(x, [h0, c0]);
              got = [await o.data(), await hn.data(), await cn.data()] as Float32Array[];
              tf.dispose([o, hn, cn]);
            });
            expect(prof.kernelNames).to.include('TorchLSTMStack');
            expect(prof.kernelNames).to.not.include('TorchLSTMLayer');
            for (let i = 0; i < 3; i++) expect(Array.from(got[i]!), `output ${i}, ${t} thread(s)`).to.deep.equal(Array.from(expected[i]!));
          }
        });
      } finally {
        torch.set_num_threads(threads0);
      }
      tf.dispose([x, h0, c0]);
      parts.forEach((p) => p.dispose());
      m.dispose();
    });
  }

  it('the first forwards of a fresh process (baseline-compiled kernel, threads starting) give the bits of later ones', async function () {
    if (!IN_NODE) this.skip();
    this.timeout(120_000);
    // A kernel change that once raced only while V8 ran its baseline code corrupted the first
    // forward of a process in 30-50% of runs: three fresh processes, W1-sized, 2 threads.
    const { execFile } = await import('node:child_process');
    const run1 = () => new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['--conditions=source', '--import', 'tsx', 'test/helpers/first-forward.ts'],
        { timeout: 60_000 }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)));
    });
    for (let i = 0; i < 3; i++) {
      const r = JSON.parse((await run1()).trim().split('\n').pop()!) as Record<string, unknown>;
      expect(r, `process ${i}`).to.deep.include({ stack: true, layer: true, leakedTensors: 0, threads: 2 });
      expect(r.build).to.equal(process.env.TFJS_TORCH_WASM_BUILD === 'relaxed-simd' ? 'relaxed-simd' : 'simd');
    }
  });

  it('a stack with dropout in training mode runs layer by layer (the mask goes between layers)', async () => {
    torch.manual_seed(6);
    const m = new nn.LSTM(5, 12, { num_layers: 2, dropout: 0.5 });
    const x = tf.randomNormal([4, 3, 5]);
    await expectNoLeak(async () => {
      const prof = await tf.profile(() => { const [o, hc] = m.forward(x); tf.dispose([o, ...hc]); });
      expect(prof.kernelNames).to.include('TorchLSTMLayer');
      expect(prof.kernelNames).to.not.include('TorchLSTMStack');
    });
    x.dispose();
    m.dispose();
  });

  it('weights packed once are reused, and new weights (load_state_dict, a Variable assign) are packed anew', async () => {
    torch.manual_seed(5);
    const a = new nn.LSTM(6, 20);
    const b = new nn.LSTM(6, 20);
    const ref = new nn.LSTM(6, 20);
    const x = tf.randomNormal([3, 4, 6]);
    await expectNoLeak(async () => {
      const [ya] = await run(b, x);
      await run(a, x);
      a.load_state_dict(b.state_dict());
      const [yb] = await run(a, x);
      expect(Array.from(yb!)).to.deep.equal(Array.from(ya!));
      const w = a.parameters()[1] as tf.Variable;
      tf.tidy(() => w.assign(tf.zerosLike(w)));
      ref.load_state_dict(a.state_dict());
      const [yz] = await run(a, x);
      const [yr] = await run(ref, x);
      expect(Array.from(yz!)).to.deep.equal(Array.from(yr!));
      expect(Array.from(yz!)).to.not.deep.equal(Array.from(ya!));
    });
    ref.dispose();
    x.dispose();
    a.dispose();
    b.dispose();
  });

  it('kernel memory: between calls only the packed weights; during one, their size plus the documented scratch', async () => {
    torch.set_num_threads(threads === 1 ? 2 : 1); // a fresh runtime: empty heap and cache
    torch.manual_seed(1);
    const [L, N, I, H, P] = [9, 5, 7, 10, 3];
    const m = new nn.LSTM(I, H, { num_layers: 2, proj_size: P });
    const x = tf.randomNormal([L, N, I]);
    await expectNoLeak(async () => { await run(m, x); });
    const stats = kernelHeapStats()!;
    const Hp = Math.ceil(H / 4) * 4;
    const S = Math.ceil(P / 16) * 16;
    const bytes = (floats: number) => Math.max(64, Math.ceil((floats * 4) / 64) * 64);
    // Per layer: packed W_ihᵀ, W_hhᵀ, b_ih + b_hh and W_hrᵀ (64-byte blocks).
    const packed = [I, P].map((In) => bytes(4 * Hp * In) + bytes(4 * Hp * S) + bytes(4 * Hp) + bytes(S * Hp))
      .reduce((a, b) => a + b, 0);
    expect(stats.live).to.equal(packed);
    // A call adds x (for the second layer, the first one's output rows, S wide), h_0, c, one step's
    // N·4·Hp gate sums, o·tanh(c) and the output (or, while packing, the raw weights).
    const scratch = bytes(L * N * Math.max(I, S)) + bytes(N * S) + bytes(N * Hp) + bytes(N * 4 * Hp) + bytes(N * Hp) + bytes(L * N * S);
    expect(stats.peak).to.be.at.most(packed + Math.max(scratch, bytes(4 * H * P) * 2 + bytes(4 * H) * 2 + bytes(P * H)));
    torch.set_num_threads(threads);
    x.dispose();
    m.dispose();
  });

  it('a disposed model\'s packed weights leave the kernel memory at the next forward, for the next model to reuse', async () => {
    torch.manual_seed(3);
    const x = tf.randomNormal([4, 6, 12]);
    await expectNoLeak(async () => {
      const a = new nn.LSTM(12, 48, { num_layers: 2 });
      await run(a, x);
      const live = kernelHeapStats()!.live;
      a.dispose();
      const b = new nn.LSTM(12, 48, { num_layers: 2 });
      await run(b, x);
      expect(kernelHeapStats()!.live, 'a\'s packed weights freed, b\'s as large').to.equal(live);
      const c = new nn.LSTM(12, 48, { num_layers: 2 }); // b alive: both kept
      await run(c, x);
      expect(kernelHeapStats()!.live).to.be.greaterThan(live);
      b.dispose();
      c.dispose();
    });
    x.dispose();
  });

  it('a run that traps throws instead of leaving threads waiting, and the next forward starts afresh', async function () {
    if (!IN_NODE) this.skip(); // one thread in a browser: nothing waits
    torch.set_num_threads(2);
    const rt = getRuntime()!;
    const c = rt.base >> 2;
    const i32 = rt.i32();
    // A layer whose input pointer lies past the end of memory: every thread traps reading it.
    Object.entries({ L: 2, N: 8, I: 64, HP: 64, S: 64, PQ: 0, REV: 0 }).forEach(([k, v]) => { i32[c + CTRL[k as 'L']] = v; });
    i32[c + CTRL.X] = rt.memory.buffer.byteLength + 4096;
    expect(() => rt.run(2)).to.throw(/out of bounds/i);
    torch.manual_seed(2);
    const m = new nn.LSTM(6, 40);
    const x = tf.randomNormal([3, 8, 6]);
    await expectNoLeak(async () => {
      const [y] = await run(m, x);
      expect(lastRunThreads()).to.equal(2);
      expect(y!.every(Number.isFinite)).to.equal(true);
    });
    torch.set_num_threads(threads);
    x.dispose();
    m.dispose();
  });
});

describeEachBackend('the cpu kernel on several threads (Node worker threads; one thread in a browser)', (backend) => {
  if (backend !== 'cpu') return;
  const threads = torch.get_num_threads();
  after(() => torch.set_num_threads(threads));

  for (const [name, opts, I, H, N] of THREAD_CASES) {
    it(`${name}: 1, 2 and 3 threads give the same bits`, async () => {
      torch.manual_seed(5);
      const m = new nn.LSTM(I, H, opts);
      const x = tf.randomNormal(opts.batch_first ? [N, 6, I] : [6, N, I]);
      const results: Float32Array[][] = [];
      await expectNoLeak(async () => {
        for (const t of [1, 2, 3]) {
          torch.set_num_threads(t);
          results.push(await run(m, x));
          expect(lastCpuRunThreads()).to.equal(IN_NODE ? t : 1);
        }
      });
      for (const r of results.slice(1)) for (let i = 0; i < 3; i++) expect(Array.from(r[i]!)).to.deep.equal(Array.from(results[0]![i]!));
      x.dispose();
      m.dispose();
    });
  }

  it('a worker that fails makes the forward throw instead of leaving the caller waiting; the next one starts afresh', async function () {
    if (!IN_NODE) this.skip(); // one thread in a browser: nothing waits
    torch.set_num_threads(2);
    torch.manual_seed(2);
    const m = new nn.LSTM(6, 40);
    const x = tf.randomNormal([3, 8, 6]);
    await run(m, x); // the pool runs
    postToCpuWorkers(1n); // new Float32Array(1n) throws on the worker at the next job
    await expectNoLeak(async () => {
      expect(() => m.forward(x)).to.throw('the cpu LSTM kernel failed on a worker thread; the thread pool was stopped');
    });
    await expectNoLeak(async () => {
      const [y] = await run(m, x);
      expect(lastCpuRunThreads()).to.equal(2);
      expect(y!.every(Number.isFinite)).to.equal(true);
    });
    x.dispose();
    m.dispose();
  });

  it('a layer with work for fewer threads than requested uses part of the pool, with the same bits', async function () {
    if (!IN_NODE) this.skip();
    torch.manual_seed(4);
    const m = new nn.LSTM(5, 32); // N·4H·H = 2·128·32 multiply-adds per step: 2 threads' worth
    const x = tf.randomNormal([4, 2, 5]);
    let one: Float32Array[] = [];
    let part: Float32Array[] = [];
    await expectNoLeak(async () => {
      torch.set_num_threads(1);
      one = await run(m, x);
      torch.set_num_threads(3);
      part = await run(m, x);
    });
    expect([lastCpuRunThreads(), cpuPoolSize()]).to.deep.equal([2, 3]);
    for (let i = 0; i < 3; i++) expect(Array.from(part[i]!)).to.deep.equal(Array.from(one[i]!));
    x.dispose();
    m.dispose();
  });

  for (const t of [1, 2]) {
    it(`on ${t} thread(s), a forward after load_state_dict uses the new weights (the packed weights are kept per weight data)`, async () => {
      torch.set_num_threads(t);
      torch.manual_seed(6);
      const a = new nn.LSTM(6, 40, { proj_size: 9 });
      const b = new nn.LSTM(6, 40, { proj_size: 9 });
      const x = tf.randomNormal([5, 8, 6]); // N·4H·proj_size = 8·160·9: 2 threads' worth
      let before: Float32Array[] = [];
      let after: Float32Array[] = [];
      let wanted: Float32Array[] = [];
      await expectNoLeak(async () => {
        before = await run(a, x);
        wanted = await run(b, x);
        const sd = b.state_dict();
        a.load_state_dict(sd);
        after = await run(a, x);
        expect(lastCpuRunThreads()).to.equal(IN_NODE ? t : 1);
      });
      expect(Array.from(after[0]!)).to.not.deep.equal(Array.from(before[0]!));
      for (let i = 0; i < 3; i++) expect(Array.from(after[i]!)).to.deep.equal(Array.from(wanted[i]!));
      tf.dispose([x]);
      a.dispose();
      b.dispose();
    });
  }

  it('more models than the packed-weight cache keeps: the oldest are packed again, the others kept, on every thread', async () => {
    torch.manual_seed(7);
    const models = Array.from({ length: 34 }, () => new nn.LSTM(4, 32));
    const x = tf.randomNormal([3, 2, 4]);
    const probe = [2, 33, 0]; // kept (least recently used of the kept), kept (newest), dropped
    await expectNoLeak(async () => {
      torch.set_num_threads(1);
      const want = [];
      for (const i of probe) want.push(await run(models[i]!, x));
      torch.set_num_threads(2); // a new pool, with an empty cache
      for (const m of models) await run(m, x); // 34 sets of weights: the cache (32) drops models 0 and 1
      for (const [k, i] of probe.entries()) {
        const again = await run(models[i]!, x);
        expect(lastCpuRunThreads()).to.equal(IN_NODE ? 2 : 1);
        for (let j = 0; j < 3; j++) expect(Array.from(again[j]!)).to.deep.equal(Array.from(want[k]![j]!));
      }
    });
    x.dispose();
    for (const m of models) m.dispose();
  });

  for (const t of [1, 2]) {
    it(`on ${t} thread(s), a disposed model's packed weights leave the cache at the next forward (the workers' copies too)`, async () => {
      torch.set_num_threads(t);
      torch.manual_seed(8);
      const size = () => cpuSingleCacheSize() + cpuPoolCacheSize();
      const x = tf.randomNormal([5, 8, 6]); // N·4H·proj_size = 8·160·9: 2 threads' worth
      await expectNoLeak(async () => {
        const a = new nn.LSTM(6, 40, { proj_size: 9 });
        const b = new nn.LSTM(6, 40, { proj_size: 9 });
        await run(a, x);
        const kept = size();
        a.dispose();
        await run(b, x);
        expect(size(), 'a dropped, b added').to.equal(kept);
        const wanted = await run(b, x);
        const c = new nn.LSTM(6, 40, { proj_size: 9 });
        await run(c, x); // b is alive: kept beside c
        expect(size()).to.equal(kept + 1);
        const again = await run(b, x);
        for (let i = 0; i < 3; i++) expect(Array.from(again[i]!)).to.deep.equal(Array.from(wanted[i]!));
        b.dispose();
        c.dispose();
      });
      x.dispose();
    });
  }

  it('a layer too small to split stays on one thread', async () => {
    torch.set_num_threads(3);
    const m = new nn.LSTM(3, 5);
    const x = tf.ones([4, 1, 3]);
    await expectNoLeak(async () => { await run(m, x); });
    expect(lastCpuRunThreads()).to.equal(1);
    x.dispose();
    m.dispose();
  });
});
