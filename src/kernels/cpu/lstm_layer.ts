import * as tf from '@tensorflow/tfjs-core';
import type { LayerWeights } from '../../functional/lstm.js';
import { gemmNT } from './lstm_math.js';
import { type LayerDims, layerSteps, packThreadShare, type StepTape } from './lstm_steps.js';
import { ShareCache } from './share_cache.js';
import { parallelLayerForward, sweepPoolCache } from './lstm_parallel.js';

/** One LSTM layer in one direction as a single kernel: torch's CPU loop, fused. */
export const TorchLSTMLayer = 'TorchLSTMLayer';

const INPUTS = ['x', 'h0', 'c0', 'w_ih', 'w_hh', 'b_ih', 'b_hh', 'w_hr'] as const;

interface CpuBackendLike {
  /** The backend's tensor data by dataId (a disposed tensor's entry is gone). */
  data: { has(dataId: object): boolean };
  readSync(dataId: object): Float32Array;
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
}

/** The dataId each weight array was last read from: the caches key packed weights by array. */
const owners = new WeakMap<Float32Array, object>();

/**
 * Drops the cached packings of weights whose tensors were disposed (their arrays' data is gone
 * from the backend), so that their memory goes with them rather than when the cache bounds
 * push them out.
 */
function sweepCaches(b: CpuBackendLike): void {
  const alive = (keys: readonly unknown[]) => keys.every((k) => {
    if (!(k instanceof Float32Array)) return true;
    const id = owners.get(k);
    return id !== undefined && b.data.has(id);
  });
  singleCache.sweep(alive);
  sweepPoolCache(alive);
}

let registered = false;

/**
 * Registers the fused layer for the `cpu` backend and its gradient. The forward is one pass in
 * plain JavaScript over weights packed once per weight data (lstm_steps.ts), with no per-step
 * tensors: per step `gates = (b_hh + h·W_hhᵀ) + (b_ih + x·W_ihᵀ)`, each sum accumulated in double
 * and rounded to float32, the gate math, and the projection; h and c are rounded to float32 each
 * step like torch's. In Node it runs on torch.get_num_threads() worker threads when a step is
 * large enough (lstm_parallel.ts), with the same results.
 */
function register(): void {
  if (registered) return;
  registered = true;
  registerLayerGradient();
  tf.registerKernel({ kernelName: TorchLSTMLayer, backendName: 'cpu', kernelFunc: ({ inputs, backend, attrs }) => {
    const b = backend as unknown as CpuBackendLike;
    const get = (n: string) => (inputs[n] as tf.TensorInfo | undefined);
    const read = (n: string) => {
      const t = get(n);
      if (!t || t.shape[0] === 0) return null;
      const a = b.readSync(t.dataId);
      owners.set(a, t.dataId);
      return a;
    };
    const x = get('x')!;
    const [L, N, I] = x.shape as [number, number, number];
    const G = get('w_ih')!.shape[0]!;
    const H = G / 4;
    const P = get('w_hh')!.shape[1]!;
    const args = [read('x')!, read('h0')!, read('c0')!, read('w_ih'), read('w_hh')!, read('b_ih'), read('b_hh'),
      read('w_hr'), { L, N, I, H, P, reverse: Boolean((attrs as { reverse: boolean }).reverse) }] as const;
    sweepCaches(b);
    const r = parallelLayerForward(...args) ?? layerForward(...args);
    return [b.makeTensorInfo([L, N, P], 'float32', r.out), b.makeTensorInfo([N, P], 'float32', r.h),
      b.makeTensorInfo([N, H], 'float32', r.c)];
  } });
}

let gradientRegistered = false;

/**
 * Registers TorchLSTMLayer's gradient (for every backend's kernel of that name): backpropagation
 * through time in JavaScript (the forward is recomputed with a tape), checked against PyTorch's
 * autograd by the same fixtures as the op-composed path.
 */
export function registerLayerGradient(): void {
  if (gradientRegistered) return;
  gradientRegistered = true;
  tf.registerGradient({
    kernelName: TorchLSTMLayer,
    inputsToSave: [...INPUTS],
    gradFunc: (dy, saved, attrs) => {
      const [dOut, dH, dC] = (dy as tf.Tensor[]).map((t) => t.dataSync() as Float32Array);
      const [x, h0, c0, wIh, wHh, bIh, bHh, wHr] = saved;
      const data = (t: tf.Tensor) => (t.rank === 1 && t.shape[0] === 0 ? null : t.dataSync() as Float32Array);
      const [L, N, I] = x!.shape as [number, number, number];
      const H = wIh!.shape[0]! / 4;
      const P = wHh!.shape[1]!;
      const d: LayerDims = { L, N, I, H, P, reverse: Boolean((attrs as { reverse: boolean }).reverse) };
      const g = layerBackward(data(x!)!, data(h0!)!, data(c0!)!, data(wIh!), data(wHh!)!, data(bIh!), data(bHh!),
        data(wHr!), dOut!, dH!, dC!, d);
      const grad = (v: Float32Array | null, like: tf.Tensor) => () => (v ? tf.tensor(v, like.shape) : tf.zerosLike(like));
      return {
        x: grad(g.x, x!), h0: grad(g.h0, h0!), c0: grad(g.c0, c0!), w_ih: grad(g.wIh, wIh!), w_hh: grad(g.wHh, wHh!),
        b_ih: grad(bIh!.size ? g.b : null, bIh!), b_hh: grad(bHh!.size ? g.b : null, bHh!), w_hr: grad(g.wHr, wHr!),
      };
    },
  });
}

/**
 * Backpropagation through time for one layer: recomputes the forward with a tape, then walks
 * the steps backwards. Returns the gradients of every input (b: the shared gate-bias gradient,
 * which is the same for b_ih and b_hh).
 */
export function layerBackward(x: Float32Array, h0: Float32Array, c0: Float32Array, wIh: Float32Array | null,
  wHh: Float32Array, bIh: Float32Array | null, bHh: Float32Array | null, wHr: Float32Array | null,
  dOut: Float32Array, dHn: Float32Array, dCn: Float32Array, d: LayerDims) {
  const { L, N, I, H, P } = d;
  const G = 4 * H;
  const LN = L * N;
  const tape: StepTape = { act: new Float32Array(LN * G), tanhC: new Float32Array(LN * H), hc: new Float32Array(LN * H),
    hPrev: new Float32Array(LN * P), cPrev: new Float32Array(LN * H) };
  layerForward(x, h0, c0, wIh, wHh, bIh, bHh, wHr, d, tape);
  // Per step only what the recurrence needs (gate gradients and dh for the previous step); the
  // weight gradients are single products over all steps at the end.
  const dPre = new Float32Array(LN * G);
  const dHtot = wHr ? new Float32Array(LN * P) : null;
  const wHhT = transpose(wHh, G, P);
  const wHrT = wHr ? transpose(wHr, P, H) : null;
  let dh = Float32Array.from(dHn);
  let dc = Float64Array.from(dCn);
  const dhc = new Float64Array(N * H);
  for (let s = L - 1; s >= 0; s--) {
    const t = d.reverse ? L - 1 - s : s;
    for (let k = 0; k < N * P; k++) dh[k]! += dOut[t * N * P + k]!;
    if (dHtot && wHrT) {
      dHtot.set(dh, t * N * P);
      dhc.fill(0);
      gemmNT(dhc, 0, dh, 0, N, P, wHrT, H);
    } else {
      dhc.set(dh);
    }
    const nextDc = new Float64Array(N * H);
    for (let r = 0; r < N; r++) {
      for (let u = 0; u < H; u++) {
        const a = t * N * G + r * G;
        const si = tape.act[a + u]!; const sf = tape.act[a + H + u]!; const tg = tape.act[a + 2 * H + u]!; const so = tape.act[a + 3 * H + u]!;
        const tc = tape.tanhC[t * N * H + r * H + u]!;
        const dhv = dhc[r * H + u]!;
        const dct = dc[r * H + u]! + dhv * so * (1 - tc * tc);
        dPre[a + u] = dct * tg * si * (1 - si);
        dPre[a + H + u] = dct * tape.cPrev[t * N * H + r * H + u]! * sf * (1 - sf);
        dPre[a + 2 * H + u] = dct * si * (1 - tg * tg);
        dPre[a + 3 * H + u] = dhv * tc * so * (1 - so);
        nextDc[r * H + u] = dct * sf;
      }
    }
    const nextDh = new Float32Array(N * P);
    gemmNT(nextDh, 0, dPre, t * N * G, N, G, wHhT, P);
    dh = nextDh;
    dc = nextDc;
  }
  const gB = new Float64Array(G);
  for (let row = 0; row < LN; row++) for (let j = 0; j < G; j++) gB[j]! += dPre[row * G + j]!;
  const dPreT = transpose(dPre, LN, G);
  const gWhh = new Float32Array(G * P);
  gemmNT(gWhh, 0, dPreT, 0, G, LN, transpose(tape.hPrev, LN, P), P);
  let gWhr: Float32Array | null = null;
  if (dHtot) {
    gWhr = new Float32Array(P * H);
    gemmNT(gWhr, 0, transpose(dHtot, LN, P), 0, P, LN, transpose(tape.hc, LN, H), H);
  }
  let gWih: Float32Array | null = null;
  const gX = new Float32Array(LN * I);
  if (wIh && I > 0) {
    gWih = new Float32Array(G * I);
    gemmNT(gWih, 0, dPreT, 0, G, LN, transpose(x, LN, I), I);
    gemmNT(gX, 0, dPre, 0, LN, G, transpose(wIh, G, I), I);
  } else if (wIh) {
    gWih = new Float32Array(0);
  }
  return { x: gX, h0: dh, c0: Float32Array.from(dc), wIh: gWih, wHh: gWhh, b: Float32Array.from(gB), wHr: gWhr };
}

/** Transposes a row-major (rows, cols) matrix. */
function transpose(a: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(a.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = a[r * cols + c]!;
  return t;
}


/** Packed single-threaded shares kept between forwards: a model's layers and directions, in a few models. */
const singleCache = new ShareCache(32, 16 * 1024 * 1024);

/** Shares the single-threaded cache keeps packed: for tests. */
export function cpuSingleCacheSize(): number {
  return singleCache.size;
}

/**
 * The layer's forward on plain arrays, on this thread: one share of all units (lstm_steps.ts),
 * packed once per set of weight arrays and kept (not with a tape: the backward's arrays are
 * copies, packed afresh).
 */
export function layerForward(x: Float32Array, h0: Float32Array, c0: Float32Array, wIh: Float32Array | null,
  wHh: Float32Array, bIh: Float32Array | null, bHh: Float32Array | null, wHr: Float32Array | null, d: LayerDims,
  tape?: StepTape) {
  const { L, N, I, H, P } = d;
  const share = tape ? packThreadShare(wIh, wHh, bIh, bHh, wHr, I, H, P, 0, 1)
    : singleCache.obtain([wIh, wHh, bIh, bHh, wHr], 1, I, H, P).entry.share;
  const out = new Float32Array(L * N * P);
  const c = Float32Array.from(c0);
  const hc = new Float32Array(wHr ? N * H : 0);
  layerSteps(share, x, 0, h0, 0, c, 0, hc, 0, out, 0, L, N, wIh ? I : 0, H, P, d.reverse, null, tape ?? null);
  const last = d.reverse ? 0 : L - 1;
  return { out, h: L > 0 ? out.slice(last * N * P, (last + 1) * N * P) : Float32Array.from(h0), c };
}

/**
 * Runs one layer through the fused kernel when the active backend is `cpu`; otherwise returns
 * null and the caller composes the layer from tfjs ops.
 */
export function fusedLayerCpu(x: tf.Tensor, h0: tf.Tensor, c0: tf.Tensor, w: LayerWeights, reverse: boolean):
  { output: tf.Tensor; h: tf.Tensor; c: tf.Tensor } | null {
  if (tf.getBackend() !== 'cpu' || x.shape[1] === 0) return null;
  register();
  return runLayerKernel(x, h0, c0, w, reverse);
}

/**
 * A layer's weights as kernel inputs named `w_ih${suffix}` … `w_hr${suffix}`: absent weights are
 * `none` (an empty tensor), which the kernels read as "none".
 */
export function weightInputs(w: LayerWeights, none: tf.Tensor, suffix = ''): Record<string, tf.Tensor> {
  return {
    [`w_ih${suffix}`]: w.w_ih, [`w_hh${suffix}`]: w.w_hh, [`b_ih${suffix}`]: w.b_ih ?? none,
    [`b_hh${suffix}`]: w.b_hh ?? none, [`w_hr${suffix}`]: w.w_hr ?? none,
  };
}

/**
 * Runs `TorchLSTMLayer` on the active backend (registered there by the caller): absent weights
 * are passed as empty tensors (see weightInputs).
 */
export function runLayerKernel(x: tf.Tensor, h0: tf.Tensor, c0: tf.Tensor, w: LayerWeights, reverse: boolean):
  { output: tf.Tensor; h: tf.Tensor; c: tf.Tensor } {
  const none = tf.zeros([0]);
  const inputs = { x, h0, c0, ...weightInputs(w, none) };
  const [output, h, c] = tf.engine().runKernel(TorchLSTMLayer, inputs as unknown as tf.NamedTensorMap,
    { reverse } as unknown as tf.NamedAttrMap) as unknown as tf.Tensor[];
  none.dispose();
  return { output: output!, h: h!, c: c! };
}
