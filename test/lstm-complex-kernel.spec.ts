import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { functional } from 'tfjs-torch';
import type { LSTMFunctionalOptions } from '../src/functional/lstm.js';
import { type Complex, complex, sigmoid as opSigmoid, tanh as opTanh } from '../src/functional/complex.js';
import { out, sigmoid, tanh } from '../src/kernels/cpu/complex_cell.js';
import { jsComplexLinear, type Linear, type Parts } from '../src/kernels/cpu/complex_linear.js';
import { complexLayerForward } from '../src/kernels/cpu/lstm_complex.js';
import { wasmComplexLinear } from '../src/kernels/wasm/complex_linear.js';
import { getRuntime, prepareWasmKernel } from '../src/kernels/wasm/simd_runtime.js';
import { describeEachBackend, expectNoLeak } from './helpers/backends.js';
import { fixture } from './helpers/fixtures.js';

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

type Hook = NonNullable<typeof complex.fusedLayer>;

/**
 * Runs functional.lstmComplex on seeded values: `composed`, with the layer kernel unhooked (the op
 * path); or with `hook` in its place.
 */
async function run(cfg: Config, composed: boolean, hook?: Hook): Promise<number[][]> {
  const kernel = complex.fusedLayer;
  if (composed) delete complex.fusedLayer;
  if (hook) complex.fusedLayer = hook;
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
    complex.fusedLayer = kernel;
  }
}

/** The kernel's layer loop (complexLayerForward) with products from `lin`, as a fusedLayer hook. */
function loopWith(lin: Linear): Hook {
  return (x, h0, c0, w, reverse) => {
    const parts = (z?: Complex): Parts | null => (z ? [z.re.dataSync() as Float32Array, z.im.dataSync() as Float32Array] : null);
    const [L, N, I] = x.re.shape as [number, number, number];
    const H = w.w_ih.re.shape[0]! / 4;
    const P = w.w_hh.re.shape[1]!;
    const r = complexLayerForward({ x: parts(x)!, h0: parts(h0)!, c0: parts(c0)!, w_ih: parts(w.w_ih)!, w_hh: parts(w.w_hh)!,
      b_ih: parts(w.b_ih), b_hh: parts(w.b_hh), w_hr: parts(w.w_hr) }, { L, N, I, H, P, reverse }, lin);
    const t = (p: Parts, shape: number[]): Complex => ({ re: tf.tensor(p[0], shape), im: tf.tensor(p[1], shape) });
    return { output: t(r.y, [L, N, P]), h: t(r.h, [N, P]), c: t(r.c, [N, H]) };
  };
}

/**
 * The op path's products, as tfjs's cpu matMul sums each of its four real matmuls (per output,
 * blocks of 48 products summed in double, each block added to a float32 sum), `re = AC - BD`,
 * `im = AD + BC`, then the bias added as its own op.
 */
const fourRealSums: Linear = (a, rows, K, w, cols, bias, o, at = 0) => {
  const f = Math.fround;
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < cols; j++) {
      let ac = 0; let bd = 0; let ad = 0; let bc = 0;
      for (let k0 = 0; k0 < K; k0 += 48) {
        let sac = 0; let sbd = 0; let sad = 0; let sbc = 0;
        for (let k = k0; k < Math.min(k0 + 48, K); k++) {
          const xr = a[0][r * K + k]!; const xi = a[1][r * K + k]!; const yr = w[0][j * K + k]!; const yi = w[1][j * K + k]!;
          sac += xr * yr; sbd += xi * yi; sad += xr * yi; sbc += xi * yr;
        }
        ac = f(ac + sac); bd = f(bd + sbd); ad = f(ad + sad); bc = f(bc + sbc);
      }
      let re = f(ac - bd);
      let im = f(ad + bc);
      if (bias) { re = f(re + bias[0][j]!); im = f(im + bias[1][j]!); }
      o[0][at + r * cols + j] = re;
      o[1][at + r * cols + j] = im;
    }
  }
};

/** The probes of compat/probe_complex_matmul_order.py, with torch's results. */
interface OrderCase { name: string; a: number[][]; w: number[][]; b: number[][] | null; torch: [number, number] }

/** `lin` on one probe (one row, one column): its complex result. */
function probe(lin: Linear, c: OrderCase): [number, number] {
  const parts = (z: number[][]): Parts => [Float32Array.from(z, (p) => p[0]!), Float32Array.from(z, (p) => p[1]!)];
  const o: Parts = [new Float32Array(1), new Float32Array(1)];
  lin(parts(c.a), 1, c.a.length, parts(c.w), 1, c.b ? parts(c.b) : null, o);
  return [o[0][0]!, o[1][0]!];
}

/** Values that exercise a sum's roundings: NaN, ±Infinity, ±0, subnormal, huge and tiny ones. */
function specialParts(n: number, seed: number): Parts {
  const special = [NaN, Infinity, -Infinity, 0, -0, 1e-40, -3e-39, 3e38, -3e38, 1e20, 1e-20, 1, -1];
  const part = (s: number) => Float32Array.from({ length: n }, (_, i) => {
    const u = Math.sin((i + 1) * 12.9898 + s) * 43758.5453;
    const v = u - Math.floor(u);
    return v < 0.03 ? special[i % special.length]! : (v - 0.5) * 4;
  });
  return [part(seed), part(seed + 0.5)];
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
    it('the JavaScript products give torch\'s values on the probes that tell summation orders apart', () => {
      const lin = jsComplexLinear();
      for (const c of fixture<{ cases: OrderCase[] }>('lstm/complex_matmul_order.json').cases) {
        expect(probe(lin.linear, c), c.name).to.deep.equal(c.torch);
      }
      lin.release();
    });

    it('the kernel\'s loop with the op path\'s products gives the op path\'s values bit for bit (NaN and signed zeros included)', async () => {
      for (const cfg of CONFIGS) {
        let loop: number[][] = [];
        await expectNoLeak(async () => { loop = await run(cfg, false, loopWith(fourRealSums)); });
        const composed = await run(cfg, true);
        let nans = 0;
        loop.forEach((part, k) => part.forEach((v, i) => {
          const want = composed[k]![i]!;
          if (Number.isNaN(want)) nans++;
          if (!Object.is(v, want)) expect.fail(`${JSON.stringify(cfg)}: output ${k}[${i}] is ${v}, the op path's ${want}`);
        }));
        if (cfg.scale === 100) expect(nans, 'NaN outputs in the magnitude-100 case').to.be.greaterThan(0);
      }
    });

    it('the kernel gives its own loop\'s values with the JavaScript products, bit for bit', async () => {
      for (const cfg of CONFIGS) {
        let kernel: number[][] = [];
        await expectNoLeak(async () => { kernel = await run(cfg, false); });
        const lin = jsComplexLinear();
        let loop: number[][] = [];
        await expectNoLeak(async () => { loop = await run(cfg, false, loopWith(lin.linear)); });
        lin.release();
        kernel.forEach((part, k) => part.forEach((v, i) => {
          if (!Object.is(v, loop[k]![i]!)) expect.fail(`${JSON.stringify(cfg)}: output ${k}[${i}] is ${v}, the loop's ${loop[k]![i]}`);
        }));
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
    it('its SIMD products give torch\'s values on the probes, and the JavaScript products\' values bit for bit', async () => {
      // A browser page instantiates the kernel asynchronously (Node at once).
      prepareWasmKernel();
      for (let i = 0; i < 200 && !getRuntime(); i++) await new Promise((r) => setTimeout(r, 10));
      const simd = wasmComplexLinear();
      expect(simd, 'the SIMD kernel').to.not.equal(null);
      for (const c of fixture<{ cases: OrderCase[] }>('lstm/complex_matmul_order.json').cases) {
        expect(probe(simd!.linear, c), c.name).to.deep.equal(c.torch);
      }
      const js = jsComplexLinear();
      // Shapes around the SIMD kernel's blocks (4 columns a panel, 2 panels at a time), K = 0, written from an offset.
      for (const [rows, K, cols, bias, at] of [[1, 7, 1, true, 0], [3, 5, 6, false, 2], [2, 0, 9, true, 0], [5, 33, 16, true, 7],
        [1, 128, 13, false, 0]] as [number, number, number, boolean, number][]) {
        const a = specialParts(rows * K, rows);
        const w = specialParts(cols * K, K);
        const b = bias ? specialParts(cols, cols) : null;
        const want: Parts = [new Float32Array(at + rows * cols), new Float32Array(at + rows * cols)];
        const got: Parts = [new Float32Array(at + rows * cols), new Float32Array(at + rows * cols)];
        js.linear(a, rows, K, w, cols, b, want, at);
        simd!.linear(a, rows, K, w, cols, b, got, at);
        simd!.linear(a, rows, K, w, cols, b, got, at); // the packed weights again
        for (const p of [0, 1]) {
          got[p]!.forEach((v, i) => {
            if (!Object.is(v, want[p]![i]!)) expect.fail(`rows ${rows} K ${K} cols ${cols}: part ${p}[${i}] is ${v}, JavaScript's ${want[p]![i]}`);
          });
        }
      }
      js.release();
      simd!.release();
    });

    it('gives the cpu backend\'s kernel values bit for bit', async () => {
      for (const cfg of CONFIGS) {
        let kernel: number[][] = [];
        await expectNoLeak(async () => { kernel = await run(cfg, false); });
        await tf.setBackend('cpu');
        let cpu: number[][];
        try { cpu = await run(cfg, false); } finally { await tf.setBackend('wasm'); }
        kernel.forEach((part, k) => part.forEach((v, i) => {
          if (!Object.is(v, cpu[k]![i]!)) expect.fail(`${JSON.stringify(cfg)}: output ${k}[${i}] is ${v}, cpu's ${cpu[k]![i]}`);
        }));
      }
    });
  }
});
