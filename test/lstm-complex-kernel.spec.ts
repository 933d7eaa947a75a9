import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { functional } from 'tfjs-torch';
import type { LSTMFunctionalOptions } from '../src/functional/lstm.js';
import { type Complex, complex, sigmoid as opSigmoid, tanh as opTanh } from '../src/functional/complex.js';
import { out, sigmoid, tanh } from '../src/kernels/cpu/complex_cell.js';
import { describeEachBackend, expectNoLeak } from './helpers/backends.js';

/** A layer stack to run both ways: sizes, options, and the scale of the input's values. */
interface Config { L: number; N: number; I: number; H: number; P: number; layers: number; bi: boolean; bias: boolean; bf: boolean; scale: number }

const CONFIGS: Config[] = [
  // H = 10: units 0-7 take torch's vectorised sigmoid, 8-9 the scalar one; H = 3: scalar only; H = 16: vectorised only.
  { L: 5, N: 3, I: 4, H: 10, P: 0, layers: 1, bi: false, bias: true, bf: false, scale: 1 },
  { L: 4, N: 2, I: 3, H: 3, P: 0, layers: 2, bi: true, bias: true, bf: true, scale: 1 },
  // I = 60 and 100: the input products sum more than one block of 48.
  { L: 3, N: 1, I: 60, H: 16, P: 5, layers: 2, bi: false, bias: false, bf: false, scale: 1 },
  // Large inputs: tanh's overflow-free branch (|Re| > 44) and sigmoid's NaN (Re < -88.7) both occur.
  { L: 6, N: 2, I: 100, H: 9, P: 0, layers: 1, bi: true, bias: true, bf: false, scale: 12 },
  { L: 1, N: 4, I: 2, H: 8, P: 3, layers: 3, bi: true, bias: true, bf: false, scale: 100 },
];

/** Runs functional.lstmComplex on seeded values; `composed`: with the layer kernel unhooked (the op path). */
async function run(cfg: Config, composed: boolean): Promise<number[][]> {
  const hook = complex.fusedLayer;
  if (composed) delete complex.fusedLayer;
  try {
    let seed = 1;
    const r = (shape: number[], s = 0.5): Complex => ({
      re: tf.randomNormal(shape, 0, s, 'float32', seed++), im: tf.randomNormal(shape, 0, s, 'float32', seed++),
    });
    const D = cfg.bi ? 2 : 1;
    const hOut = cfg.P || cfg.H;
    const w: Complex[] = [];
    for (let l = 0; l < cfg.layers; l++) {
      for (let d = 0; d < D; d++) {
        w.push(r([4 * cfg.H, l === 0 ? cfg.I : D * hOut]), r([4 * cfg.H, hOut]));
        if (cfg.bias) w.push(r([4 * cfg.H]), r([4 * cfg.H]));
        if (cfg.P) w.push(r([cfg.P, cfg.H]));
      }
    }
    const x = r(cfg.bf ? [cfg.N, cfg.L, cfg.I] : [cfg.L, cfg.N, cfg.I], cfg.scale);
    const hx: [Complex, Complex] = [r([D * cfg.layers, cfg.N, hOut]), r([D * cfg.layers, cfg.N, cfg.H])];
    const options: LSTMFunctionalOptions = { has_biases: cfg.bias, num_layers: cfg.layers, dropout: 0, train: false,
      bidirectional: cfg.bi, batch_first: cfg.bf };
    const res = functional.lstmComplex(x, hx, w, options);
    // Read asynchronously: on webgpu in Node only values already on the CPU read synchronously.
    const values = await Promise.all(res.flatMap((z) => [z.re, z.im]).map(async (t) => Array.from(await t.data())));
    tf.dispose([res, x, hx, w]);
    return values;
  } finally {
    complex.fusedLayer = hook;
  }
}


describeEachBackend('complex64 layer kernel (TorchLSTMComplexLayer)', (backend) => {
  const fused = backend === 'cpu' || backend === 'wasm';

  it(`a complex forward runs ${fused ? 'the layer kernel' : 'the op-composed path'}`, async () => {
    await expectNoLeak(async () => {
      const prof = await tf.profile(async () => { await run(CONFIGS[0]!, false); });
      expect(prof.kernelNames.includes('TorchLSTMComplexLayer')).to.equal(fused);
    });
  });

  if (backend === 'cpu') {
    it('gives the op-composed path\'s values bit for bit (NaN and signed zeros included)', async () => {
      for (const cfg of CONFIGS) {
        let kernel: number[][] = [];
        await expectNoLeak(async () => { kernel = await run(cfg, false); });
        const composed = await run(cfg, true);
        let nans = 0;
        kernel.forEach((part, k) => part.forEach((v, i) => {
          const want = composed[k]![i]!;
          if (Number.isNaN(want)) nans++;
          if (!Object.is(v, want)) expect.fail(`${JSON.stringify(cfg)}: output ${k}[${i}] is ${v}, the op path's ${want}`);
        }));
        if (cfg.scale === 100) expect(nans, 'NaN outputs in the magnitude-100 case').to.be.greaterThan(0);
      }
    });

    it('its element functions are the op path\'s sigmoid and tanh, bit for bit', () => {
      const T = (127 * Math.LN2) / 2;
      const special = [0, -0, 1e-30, -1e-7, 0.5, -3, 20, -20, 44, Math.fround(T), T, 45, -45, 88, -88.7, -89, 100, -100,
        1e4, Infinity, -Infinity, NaN, Math.PI / 2, -Math.PI];
      const re: number[] = [];
      const im: number[] = [];
      for (const a of special) for (const b of special) { re.push(a); im.push(b); }
      for (let i = 0; i < 400; i++) { re.push(Math.sin(i * 1.7) * 60); im.push(Math.cos(i * 2.3) * 8); }
      // A row of 16 columns: 0-7 vectorised, then 8-15 also vectorised; 10 columns: 8-9 scalar.
      for (const n of [16, 10]) {
        const rows = Math.ceil(re.length / n);
        const pad = (v: number[]) => Float32Array.from({ length: rows * n }, (_, k) => v[k % v.length]!);
        const z = { re: tf.tensor2d(pad(re), [rows, n]), im: tf.tensor2d(pad(im), [rows, n]) };
        const s = opSigmoid(z);
        const t = opTanh(z);
        const [sr, si, tr, ti, zr, zi] = [s.re, s.im, t.re, t.im, z.re, z.im].map((x) => x.dataSync());
        for (let k = 0; k < rows * n; k++) {
          sigmoid(zr[k]!, zi[k]!, k % n < n - (n % 8));
          if (!Object.is(out.re, sr[k]!) || !Object.is(out.im, si[k]!)) expect.fail(`sigmoid(${zr[k]} + ${zi[k]}i), column ${k % n} of ${n}: ${out.re}, ${out.im} vs ${sr[k]}, ${si[k]}`);
          tanh(zr[k]!, zi[k]!);
          if (!Object.is(out.re, tr[k]!) || !Object.is(out.im, ti[k]!)) expect.fail(`tanh(${zr[k]} + ${zi[k]}i): ${out.re}, ${out.im} vs ${tr[k]}, ${ti[k]}`);
        }
        tf.dispose([z.re, z.im, s.re, s.im, t.re, t.im]);
      }
    });
  }

  if (backend === 'wasm') {
    it('gives the cpu backend\'s op-composed values bit for bit (the wasm backend\'s own ops round differently)', async () => {
      for (const cfg of CONFIGS) {
        let kernel: number[][] = [];
        await expectNoLeak(async () => { kernel = await run(cfg, false); });
        await tf.setBackend('cpu');
        let composed: number[][];
        try { composed = await run(cfg, true); } finally { await tf.setBackend('wasm'); }
        kernel.forEach((part, k) => part.forEach((v, i) => {
          if (!Object.is(v, composed[k]![i]!)) expect.fail(`${JSON.stringify(cfg)}: output ${k}[${i}] is ${v}, cpu's ${composed[k]![i]}`);
        }));
      }
    });
  }
});
