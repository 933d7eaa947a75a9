import type { Linear, Parts } from '../cpu/complex_linear.js';
import { getRows } from './lstm_layer.js';
import { getRuntime } from './simd_runtime.js';

/**
 * The complex layer kernel's products in the SIMD kernel (assembly/complex_linear.ts) for one layer
 * forward on the `wasm` backend: a {@link Linear} with the JavaScript one's numbers, bit for bit,
 * that packs each weight (and pads each bias) into the kernel's memory the first time it is
 * given and keeps it until `release()`. null where the kernel is not loaded (no WebAssembly SIMD,
 * or a browser page before its asynchronous compile has finished).
 */
export function wasmComplexLinear(): { linear: Linear; release(): void } | null {
  const rt = getRuntime();
  if (!rt) return null;
  // Keyed by the real part's array: a layer's weights are the same arrays at every step.
  const weights = new Map<Float32Array, number>();
  const biases = new Map<Float32Array, [number, number]>();
  const copy = (src: Float32Array, floats = src.length) => {
    const at = rt.alloc(floats);
    const f32 = rt.f32();
    f32.fill(0, at >> 2, (at >> 2) + floats);
    f32.set(src, at >> 2);
    return at;
  };
  const packed = (w: Parts, cols: number, K: number) => {
    let at = weights.get(w[0]);
    if (at === undefined) {
      const re = copy(w[0].subarray(0, cols * K));
      const im = copy(w[1].subarray(0, cols * K));
      at = rt.alloc(Math.ceil(cols / 4) * 8 * K);
      rt.exports.cpack(re, im, cols, K, at);
      rt.free(re);
      rt.free(im);
      weights.set(w[0], at);
    }
    return at;
  };
  const padded = (b: Parts, cols: number): [number, number] => {
    let at = biases.get(b[0]);
    if (at === undefined) {
      const floats = Math.ceil(cols / 4) * 4;
      at = [copy(b[0].subarray(0, cols), floats), copy(b[1].subarray(0, cols), floats)];
      biases.set(b[0], at);
    }
    return at;
  };
  const linear: Linear = (a, rows, K, w, cols, bias, out, at = 0) => {
    const panels = Math.ceil(cols / 4);
    const ldo = panels * 4;
    const wAt = packed(w, cols, K);
    const [bRe, bIm] = bias ? padded(bias, cols) : [0, 0];
    const aRe = copy(a[0].subarray(0, rows * K));
    const aIm = copy(a[1].subarray(0, rows * K));
    const oRe = rt.alloc(rows * ldo);
    const oIm = rt.alloc(rows * ldo);
    rt.exports.clinear(aRe, aIm, K, rows, K, wAt, panels, bRe, bIm, oRe, oIm, ldo);
    const f32 = rt.f32();
    getRows(f32, oRe, rows, ldo, cols, out[0], cols, at);
    getRows(f32, oIm, rows, ldo, cols, out[1], cols, at);
    for (const p of [aRe, aIm, oRe, oIm]) rt.free(p);
  };
  const release = () => {
    for (const p of weights.values()) rt.free(p);
    for (const [re, im] of biases.values()) { rt.free(re); rt.free(im); }
    weights.clear();
    biases.clear();
  };
  return { linear, release };
}
