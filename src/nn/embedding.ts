import * as tf from '@tensorflow/tfjs-core';
import { canReadSync, readSync } from '../read.js';
import { AssertionError, IndexError, RuntimeError, TypeError, ValueError, messages, pyFloatRepr, pyTypeName } from '../errors.js';
import { dtype as DType, float32, resolveModuleDtype } from '../dtype.js';
import { type Device, requireActive } from '../device.js';
import { Module, newParameter } from './module.js';
import { normal_ } from './init.js';
import { bindArgs, checkShape } from './args.js';

/** torch's keyword arguments of `nn.Embedding`. */
export interface EmbeddingOptions {
  num_embeddings?: number;
  embedding_dim?: number;
  /** This row is zeroed at init and gets no gradient; negative values count from the end. */
  padding_idx?: number | null;
  /** Rows looked up with a larger `norm_type`-norm are renormalised to this norm, in place. */
  max_norm?: number | null;
  norm_type?: number;
  scale_grad_by_freq?: boolean;
  sparse?: boolean;
  /** An initial weight (num_embeddings, embedding_dim): copied, and no draws are made. */
  _weight?: tf.Tensor | null;
  _freeze?: boolean;
  device?: string | Device | null;
  dtype?: DType | string | null;
}

const NAMES = ['num_embeddings', 'embedding_dim', 'padding_idx', 'max_norm', 'norm_type',
  'scale_grad_by_freq', 'sparse', '_weight', '_freeze', 'device', 'dtype'] as const;

/**
 * PyTorch's `nn.Embedding`: a lookup table `weight` (num_embeddings, embedding_dim), initialised
 * from N(0, 1) with torch's CPU `normal_`, bit for bit under `torch.manual_seed`.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { torch, nn } from 'tfjs-torch';
 * torch.manual_seed(0);
 * const emb = new nn.Embedding(10, 3, { padding_idx: 0 });
 * const y = emb.forward(tf.tensor2d([[1, 2], [0, 9]], [2, 2], 'int32'));   // shape [2, 2, 3]
 * String(emb);   // 'Embedding(10, 3, padding_idx=0)'
 * ```
 */
export class Embedding extends Module {
  readonly num_embeddings: number;
  readonly embedding_dim: number;
  readonly padding_idx: number | null;
  readonly max_norm: number | null;
  readonly norm_type: number;
  readonly scale_grad_by_freq: boolean;
  readonly sparse: boolean;
  declare readonly weight: tf.Variable;

  constructor(options: EmbeddingOptions & { num_embeddings: number; embedding_dim: number });
  constructor(num_embeddings: number, embedding_dim: number, options?: EmbeddingOptions);
  constructor(num_embeddings: number, embedding_dim: number, padding_idx?: number | null, options?: EmbeddingOptions);
  constructor(...args: unknown[]) {
    super();
    const a = bindArgs('Embedding.__init__', NAMES, 2, args) as EmbeddingOptions;
    const [n, d] = checkShape([a.num_embeddings, a.embedding_dim]) as [number, number];
    let pad = a.padding_idx ?? null;
    if (pad !== null) {
      if (pad > 0 && !(pad < n)) throw new AssertionError(messages.paddingIdxRange);
      if (pad < 0) {
        if (!(pad >= -n)) throw new AssertionError(messages.paddingIdxRange);
        pad = n + pad;
      }
    }
    const dtype = resolveModuleDtype(a.dtype as DType | string | null | undefined);
    if (dtype !== float32) throw new ValueError(`nn.Embedding supports torch.float32 only, got ${String(dtype)}`);
    if (a.device !== null && a.device !== undefined) requireActive(a.device);
    this.num_embeddings = n;
    this.embedding_dim = d;
    this.padding_idx = pad;
    this.max_norm = a.max_norm ?? null;
    this.norm_type = a.norm_type ?? 2;
    this.scale_grad_by_freq = a.scale_grad_by_freq ?? false;
    this.sparse = a.sparse ?? false;
    const w = a._weight ?? null;
    if (w === null) {
      this.register_parameter('weight', newParameter(() => tf.zeros([n, d]), !(a._freeze ?? false)));
      this.reset_parameters();
    } else {
      if (!tf.util.arraysEqual(w.shape, [n, d])) throw new AssertionError('Shape of weight does not match num_embeddings and embedding_dim');
      this.register_parameter('weight', newParameter(() => tf.cast(w, 'float32'), !(a._freeze ?? false)));
    }
  }

  /** Re-draws the weight from N(0, 1) and zeroes the padding row, like torch. */
  reset_parameters(): void {
    normal_(this.weight);
    this.fillPaddingIdxWithZero();
  }

  private fillPaddingIdxWithZero(): void {
    if (this.padding_idx === null) return;
    const row = tf.tidy(() => tf.cast(tf.reshape(tf.oneHot([this.padding_idx!], this.num_embeddings), [this.num_embeddings, 1]), 'bool'));
    tf.tidy(() => { this.weight.assign(tf.where(row, tf.zerosLike(this.weight), this.weight)); });
    row.dispose();
  }

  /**
   * @param input int32 indices of any shape, each in [0, num_embeddings).
   * @returns (*input.shape, embedding_dim), a new tensor the caller disposes.
   */
  forward(input: tf.Tensor): tf.Tensor {
    if (!(input instanceof tf.Tensor)) {
      throw new TypeError(`embedding(): argument 'indices' (position 2) must be Tensor, not ${pyTypeName(input)}`);
    }
    if (input.dtype !== 'int32') {
      const torchName = input.dtype === 'float32' ? 'torch.FloatTensor' : input.dtype === 'bool' ? 'torch.BoolTensor' : 'torch.ComplexFloatTensor';
      throw new RuntimeError(messages.embeddingIndexType(torchName));
    }
    if (canReadSync(input)) {
      // Torch parity: negative indices do not wrap around; they are out of range like too large ones.
      for (const i of readSync<'int32'>(input)) if (i < 0 || i >= this.num_embeddings) throw new IndexError(messages.indexOutOfRange);
    }
    // Torch parity: like torch on CUDA, where a bad index is a device-side assert and not an
    // IndexError at the call, indices computed on webgpu (no synchronous read) are not checked.
    if (this.max_norm !== null) this.renorm(input);
    const n = this.num_embeddings;
    const pad = this.padding_idx;
    return tf.tidy(() => {
      const lookup = tf.customGrad((...xs: (tf.Tensor | tf.GradSaveFunc)[]) => ({
        value: tf.gather(xs[0] as tf.Tensor, input),
        gradFunc: (dy: tf.Tensor) => {
          const flatIdx = tf.reshape(input, [-1]) as tf.Tensor1D;
          const flatDy = tf.reshape(dy, [-1, this.embedding_dim]);
          // tfjs's own Gather gradient needs UnsortedSegmentSum, which the wasm backend lacks.
          let dw = tf.getKernel('UnsortedSegmentSum', tf.getBackend())
            ? tf.unsortedSegmentSum(flatDy, flatIdx, n)
            : tf.matMul(tf.oneHot(flatIdx, n), flatDy, true, false);
          // Torch parity: the padding row is read as stored but never receives a gradient.
          if (pad !== null) dw = tf.mul(dw, tf.sub(1, tf.reshape(tf.oneHot([pad], n), [n, 1])));
          return dw;
        },
      }));
      return lookup(this.weight);
    });
  }

  /**
   * torch's `embedding_renorm_`: rows looked up whose norm exceeds max_norm are scaled down in
   * place. Computed on the device (which rows were looked up is a scatter of the indices), so it
   * needs no read of the indices.
   */
  private renorm(input: tf.Tensor): void {
    tf.tidy(() => {
      const n = this.num_embeddings;
      const flat = tf.reshape(input, [-1, 1]) as tf.Tensor2D;
      if (flat.shape[0] === 0) return;
      const used = tf.reshape(tf.greater(tf.scatterND(flat, tf.ones([flat.shape[0]]), [n]), 0), [n, 1]);
      const p = this.norm_type;
      const norms = tf.norm(this.weight, p === Infinity ? Infinity : p, 1, true);
      const scale = tf.where(tf.greater(norms, this.max_norm!), tf.div(this.max_norm!, tf.add(norms, 1e-7)), tf.onesLike(norms));
      this.weight.assign(tf.where(used, tf.mul(this.weight, scale), this.weight));
    });
  }

  override extra_repr(): string {
    let s = `${this.num_embeddings}, ${this.embedding_dim}`;
    if (this.padding_idx !== null) s += `, padding_idx=${this.padding_idx}`;
    if (this.max_norm !== null) s += `, max_norm=${pyFloatRepr(this.max_norm)}`;
    if (this.norm_type !== 2) s += `, norm_type=${pyFloatRepr(this.norm_type)}`;
    if (this.scale_grad_by_freq !== false) s += ', scale_grad_by_freq=True';
    if (this.sparse !== false) s += ', sparse=True';
    return s;
  }
}
