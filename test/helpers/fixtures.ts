import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';

/** A tensor as the compat/ scripts write it: shape, torch dtype name, flat data (complex interleaved). */
export interface FixtureTensor {
  shape: number[];
  dtype: string;
  data: (number | string)[];
}

export interface LSTMCase {
  name: string;
  seed: number | string;
  training: boolean;
  config: {
    input_size: number; hidden_size: number; num_layers?: number; bias?: boolean; batch_first?: boolean;
    bidirectional?: boolean; proj_size?: number; dropout?: number; dtype: string;
  };
  params: Record<string, FixtureTensor>;
  input: FixtureTensor;
  hx: [FixtureTensor, FixtureTensor] | null;
  output: FixtureTensor;
  h_n: FixtureTensor;
  c_n: FixtureTensor;
  grads: Record<string, FixtureTensor> | null;
  /** complex64 cases: the same module run by torch in complex128, rounded to complex64. */
  complex128?: { output: FixtureTensor; h_n: FixtureTensor; c_n: FixtureTensor };
}

/** max |a - b| over elements where both are numbers (NaN positions are compared elsewhere). */
export function maxDiff(a: FixtureTensor, b: FixtureTensor): number {
  const x = values(a);
  const y = values(b);
  let m = 0;
  for (let i = 0; i < x.length; i++) {
    const d = Math.abs(x[i]! - y[i]!);
    if (d > m) m = d;
  }
  return m;
}

const cache = new Map<string, unknown>();

/**
 * In a browser (test/browser/) there is no file system: the page fetches every `fixtures/**\/*.json`
 * over HTTP before the specs load and puts the parsed files here, keyed like fixture()'s `rel`.
 */
const prefetched = (globalThis as { __TFJS_TORCH_FIXTURES__?: Record<string, unknown> }).__TFJS_TORCH_FIXTURES__;

/** Reads `fixtures/<rel>` (JSON written by compat/), once per process. */
export function fixture<T>(rel: string): T {
  if (!cache.has(rel)) {
    if (prefetched) {
      if (!(rel in prefetched)) throw new Error(`fixture ${rel} was not prefetched (test/browser/build.ts lists fixtures/**/*.json)`);
      cache.set(rel, prefetched[rel]);
    } else {
      const url = new URL(`../../fixtures/${rel}`, import.meta.url);
      cache.set(rel, JSON.parse(readFileSync(fileURLToPath(url), 'utf8')));
    }
  }
  return cache.get(rel) as T;
}

function num(v: number | string): number {
  return typeof v === 'number' ? v : Number(v);
}

/** The fixture's values as float32 (complex: interleaved re, im). */
export function values(t: FixtureTensor): Float32Array {
  return Float32Array.from(t.data, num);
}

/** A tfjs tensor holding the fixture's values (complex64 for complex fixtures). */
export function toTensor(t: FixtureTensor): tf.Tensor {
  const v = values(t);
  if (t.dtype === 'complex64') {
    const n = v.length / 2;
    const re = new Float32Array(n);
    const im = new Float32Array(n);
    for (let i = 0; i < n; i++) { re[i] = v[2 * i]!; im[i] = v[2 * i + 1]!; }
    return tf.tidy(() => tf.complex(tf.tensor(re, t.shape), tf.tensor(im, t.shape)));
  }
  return tf.tensor(v, t.shape, 'float32');
}

/** A tensor's values as float32, complex interleaved (re, im) like the fixtures. */
export async function flat(x: tf.Tensor): Promise<Float32Array> {
  if (x.dtype !== 'complex64') return Float32Array.from(await x.data() as Float32Array);
  const [re, im] = tf.tidy(() => [tf.real(x), tf.imag(x)]);
  const r = await re!.data() as Float32Array;
  const i = await im!.data() as Float32Array;
  re!.dispose(); im!.dispose();
  const out = new Float32Array(r.length * 2);
  for (let k = 0; k < r.length; k++) { out[2 * k] = r[k]!; out[2 * k + 1] = i[k]!; }
  return out;
}

/**
 * Asserts shape and every value within `atol + rtol * |torch|` of the fixture (rtol 0 unless
 * given); returns the max abs difference.
 */
export async function expectClose(actual: tf.Tensor, expected: FixtureTensor, atol: number, what = '', rtol = 0): Promise<number> {
  expect(actual.shape, `${what} shape`).to.deep.equal(expected.shape);
  const a = await flat(actual);
  const e = values(expected);
  expect(a.length, `${what} size`).to.equal(e.length);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < e.length; i++) {
    if (Number.isNaN(e[i]!) && Number.isNaN(a[i]!)) continue; // torch's NaN, reproduced
    const excess = Math.abs(a[i]! - e[i]!) - rtol * Math.abs(e[i]!);
    if (!(excess <= worst)) { worst = excess; at = i; }
  }
  const detail = at < 0 ? '' : ` at flat index ${at} (got ${a[at]}, torch ${e[at]})`;
  expect(worst, `${what}: max |diff| - ${rtol}*|torch| = ${worst}${detail}`).to.be.at.most(atol);
  return worst;
}

/** Asserts the tensor holds exactly the fixture's float32 bits. */
export async function expectBitExact(actual: tf.Tensor, expected: FixtureTensor, what = ''): Promise<void> {
  expect(actual.shape, `${what} shape`).to.deep.equal(expected.shape);
  const a = new Uint32Array((await flat(actual)).buffer);
  const e = new Uint32Array(values(expected).buffer);
  for (let i = 0; i < e.length; i++) {
    if (a[i] !== e[i]) {
      expect.fail(`${what}: element ${i} differs: got bits ${a[i]!.toString(16)}, torch ${e[i]!.toString(16)}`);
    }
  }
}
