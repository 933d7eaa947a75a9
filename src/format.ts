import * as tf from '@tensorflow/tfjs-core';
import { readSync } from './read.js';

/**
 * Formats a tensor the way PyTorch prints small tensors: `tensor([[-0.2443, 0.0840]])` with
 * 4 decimals, columns right-aligned, complex values as `a+bj`.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { torch } from 'tfjs-torch';
 * torch.format(tf.tensor([[1, -0.5]]));   // 'tensor([[ 1.0000, -0.5000]])'
 * ```
 */
export function format(x: tf.Tensor, indent = 'tensor('.length): string {
  const isComplex = x.dtype === 'complex64';
  // Real and Imag share their data with x's parts (webgpu keeps what was read on the CPU there).
  const parts = isComplex ? tf.tidy(() => [tf.real(x), tf.imag(x)]) : [x];
  const [r, i] = parts.map((p) => readSync<'float32'>(p, 'the tensor to format'));
  if (isComplex) tf.dispose(parts);
  const num = (v: number) => (Object.is(v, -0) ? 0 : v).toFixed(4);
  const cells = Array.from(r, (v, k) => {
    if (!i) return num(v);
    const b = i[k]!;
    return `${num(v)}${b < 0 || Object.is(b, -0) ? '-' : '+'}${Math.abs(b).toFixed(4)}j`;
  });
  const width = Math.max(0, ...cells.map((c) => c.length));
  const padded = cells.map((c) => c.padStart(width));
  const shape = x.shape;
  const render = (dim: number, offset: number, depth: number): string => {
    if (shape.length === 0) return padded[0] ?? '';
    const n = shape[dim]!;
    const stride = shape.slice(dim + 1).reduce((a, b) => a * b, 1);
    if (dim === shape.length - 1) return `[${padded.slice(offset, offset + n).join(', ')}]`;
    const sep = `,${'\n'.repeat(shape.length - dim - 1)}${' '.repeat(indent + depth + 1)}`;
    return `[${Array.from({ length: n }, (_, k) => render(dim + 1, offset + k * stride, depth + 1)).join(sep)}]`;
  };
  return `tensor(${render(0, 0, 0)})`;
}
